package org.apache.kafka.connect.runtime;

import static io.outboxconnect.connector.OutboxConnectorTaskTest.STORED;
import static io.outboxconnect.connector.OutboxConnectorTaskTest.insert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import io.outboxconnect.connector.OutboxConnectorTask;
import io.outboxconnect.connector.OutboxConnectorTaskTest;
import io.outboxconnect.connector.OutboxConnectorTaskTest.RecordingTask;

/**
 * {@link OutboxConnectorTask}'s copies through the at-least-once worker's own offset bookkeeping
 * ({@code SubmittedRecords}, package-private, hence this package): the offset the worker commits,
 * and Debezium then confirms to PostgreSQL, never passes a row any of whose copies is unacknowledged.
 */
class OutboxCopyOffsetsTest {

    private final OutboxConnectorTask task = OutboxConnectorTaskTest.started(STORED);
    private final SourceRecord a = insert("commerce_order_outbox", 100);
    private final SourceRecord b = insert("commerce_order_outbox", 200);
    private final SubmittedRecords submitted = new SubmittedRecords();
    private final List<SubmittedRecords.SubmittedRecord> sent;

    OutboxCopyOffsetsTest() throws InterruptedException {
        RecordingTask.BATCHES.add(List.of(a, b));
        sent = task.poll().stream().map(submitted::submit).toList(); // a/event, a/state, b/event, b/state, in order, as the worker does
    }

    private Map<String, Object> committable() {
        return submitted.committableOffsets().offsets().get(a.sourcePartition());
    }

    @Test
    void aRowsEventCopyAloneDoesNotMakeItsOffsetCommittable() {
        sent.get(0).ack();

        assertThat(committable()).as("a's state copy is in flight, or failed: a must be read again after a restart").isEqualTo(STORED);
    }

    @Test
    void aLaterRowWrittenWholeDoesNotPassAnEarlierRowWithACopyMissing() {
        sent.get(0).ack();
        sent.get(2).ack();
        sent.get(3).ack();

        assertThat(committable()).isEqualTo(STORED);
    }

    @Test
    void aRowsOffsetIsCommittableOnceAllItsCopiesAreAcknowledgedInAnyOrder() {
        sent.get(1).ack();
        assertThat(submitted.committableOffsets().offsets()).as("a's event copy still in flight: nothing new to commit").isEmpty();

        sent.get(0).ack();
        sent.get(2).ack();
        assertThat(committable()).isEqualTo(a.sourceOffset());

        sent.get(3).ack();
        assertThat(committable()).isEqualTo(b.sourceOffset());
    }
}
