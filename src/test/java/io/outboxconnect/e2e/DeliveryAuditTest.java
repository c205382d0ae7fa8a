package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The fault suite's audit finds each way a delivery can break the outbox's promise. */
class DeliveryAuditTest {

    private static final String TOPIC = ExampleDeployment.EVENTS_TOPIC;

    /** Order a: revisions 1, 2, 3 (events a1..a3); order b: revisions 1, 2 (b1, b2). */
    private static final Map<String, DeliveryAudit.Committed> COMMITTED = Map.of(
            "a1", new DeliveryAudit.Committed("a1", "a", "ORDER_CREATED", 1),
            "a2", new DeliveryAudit.Committed("a2", "a", "ORDER_UPDATED", 2),
            "a3", new DeliveryAudit.Committed("a3", "a", "ORDER_DELETED", 3),
            "b1", new DeliveryAudit.Committed("b1", "b", "ORDER_CREATED", 1),
            "b2", new DeliveryAudit.Committed("b2", "b", "ORDER_UPDATED", 2));

    private final List<String> problems = new ArrayList<>();

    private static List<DeliveryAudit.Delivered> log(String... eventIds) {
        List<DeliveryAudit.Delivered> log = new ArrayList<>();
        for (int offset = 0; offset < eventIds.length; offset++) {
            String id = eventIds[offset];
            log.add(new DeliveryAudit.Delivered(TOPIC, 0, offset, id.substring(0, 1), id, new byte[0]));
        }
        return log;
    }

    @Test
    void everyCommittedEventOnceInCommitOrderPasses() {
        DeliveryAudit.TopicOutcome outcome = DeliveryAudit.compare(TOPIC, log("a1", "b1", "a2", "b2", "a3"), COMMITTED, problems);

        assertThat(outcome).isEqualTo(new DeliveryAudit.TopicOutcome(5, 0, 0, 0, true));
        assertThat(problems).isEmpty();
    }

    @Test
    void aCommittedEventNeverDeliveredIsLost() {
        DeliveryAudit.TopicOutcome outcome = DeliveryAudit.compare(TOPIC, log("a1", "b1", "a2", "a3"), COMMITTED, problems);

        assertThat(outcome.lost()).isEqualTo(1);
        assertThat(problems).anyMatch(p -> p.contains("never delivered") && p.contains("b2"));
    }

    @Test
    void aRedeliveryIsADuplicateAndNotAnOrderViolation() {
        DeliveryAudit.TopicOutcome outcome = DeliveryAudit.compare(TOPIC, log("a1", "a2", "b1", "a1", "a2", "b2", "a3"), COMMITTED, problems);

        assertThat(outcome.duplicates()).isEqualTo(2);
        assertThat(outcome.orderKept()).isTrue();
        assertThat(outcome.lost()).isZero();
    }

    @Test
    void firstDeliveriesOutOfCommitOrderAreFound() {
        DeliveryAudit.TopicOutcome outcome = DeliveryAudit.compare(TOPIC, log("a1", "a3", "a2", "b1", "b2"), COMMITTED, problems);

        assertThat(outcome.orderKept()).isFalse();
        assertThat(problems).anyMatch(p -> p.contains("order a first deliveries [1, 3, 2]"));
    }

    @Test
    void aRecordWhoseTransactionNeverCommittedIsFound() {
        DeliveryAudit.TopicOutcome outcome = DeliveryAudit.compare(TOPIC, log("a1", "a2", "a-rolled-back", "a3", "b1", "b2"), COMMITTED, problems);

        assertThat(outcome.uncommitted()).isEqualTo(1);
        assertThat(problems).anyMatch(p -> p.contains("a-rolled-back") && p.contains("never committed"));
    }
}
