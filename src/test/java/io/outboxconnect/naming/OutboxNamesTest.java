package io.outboxconnect.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxNamesTest {

    private final OutboxNames acme = OutboxNames.builder().company("acme").domain("commerce").env("public").cluster("c1").version("v1").build();

    @Test
    void derivesEverySeed000NameForAnAggregate() {
        assertThat(acme.outboxTable("order")).isEqualTo("commerce_order_outbox");
        assertThat(acme.connectorName("order")).isEqualTo("commerce-order-outbox-connector");
        assertThat(acme.replicationSlot("order")).isEqualTo("commerce_order_slot");
        assertThat(acme.eventTopic("order")).isEqualTo("public.commerce.order_event.c1.v1");
        assertThat(acme.stateTopic("order")).isEqualTo("public.commerce.order.c1.v1");
        assertThat(OutboxNames.valueSubject(acme.eventTopic("order"))).isEqualTo("public.commerce.order_event.c1.v1-value");
        assertThat(acme.eventRecordFullName("order")).isEqualTo("com.acme.commerce.event.OrderEvent");
        assertThat(acme.eventTypeEnumFullName("order")).isEqualTo("com.acme.commerce.event.OrderEventType");
        assertThat(acme.aggregateRecordFullName("order")).isEqualTo("com.acme.commerce.Order");
    }

    @Test
    void multiWordAggregatesArePascalCasedInAvroNamesAndDashedInConnectorNames() {
        assertThat(acme.eventRecordFullName("line_item")).isEqualTo("com.acme.commerce.event.LineItemEvent");
        assertThat(acme.connectorName("line_item")).isEqualTo("commerce-line-item-outbox-connector");
    }

    @Test
    void topicFormatsAreConfigurable() {
        OutboxNames names = OutboxNames.builder().company("acme").domain("iam").env("dev").cluster("k2").version("v3")
                .eventTopicFormat("{company}.{domain}.{aggregate}.events.{version}").build();

        assertThat(names.eventTopic("user")).isEqualTo("acme.iam.user.events.v3");
    }

    @Test
    void topicFormatWithoutAggregateIsRejected() {
        assertThatThrownBy(() -> OutboxNames.requireTopicFormat("event topic format", "{env}.events"))
                .hasMessageContaining("must contain {aggregate}");
    }

    @Test
    void topicFormatWithUnknownPlaceholderIsRejected() {
        assertThatThrownBy(() -> OutboxNames.requireTopicFormat("event topic format", "{env}.{aggregate}.{region}"))
                .hasMessageContaining("{region}");
    }

    @Test
    void topicFormatWithIllegalCharactersIsRejected() {
        assertThatThrownBy(() -> OutboxNames.requireTopicFormat("event topic format", "{env}/{aggregate}"))
                .hasMessageContaining("characters a Kafka topic name cannot");
    }

    @Test
    void aggregateThatWouldChangeTheTopicStructureIsRejected() {
        assertThatThrownBy(() -> acme.eventTopic("order.v2")).hasMessageContaining("'order.v2' cannot be part of a topic name");
        assertThatThrownBy(() -> acme.eventTopic("")).hasMessageContaining("cannot be part of a topic name");
    }

    @Test
    void domainMustBeSnakeCase() {
        assertThatThrownBy(() -> OutboxNames.builder().domain("Commerce").env("public").cluster("c1").build())
                .hasMessageContaining("domain 'Commerce' is not a snake_case identifier");
    }
    @Test
    void derivesTheNamesTheGeneratorNeedsBesideSeed000s() {
        assertThat(acme.debeziumTopicPrefix("order")).isEqualTo("commerce_order");
        assertThat(acme.publication("order")).isEqualTo("commerce_order_publication");
        assertThat(OutboxNames.signalTable(acme.outboxTable("order"))).isEqualTo("commerce_order_outbox_signal");
        assertThat(acme.sharedOutboxTable()).isEqualTo("commerce_outbox");
        assertThat(acme.sharedConnectorName()).isEqualTo("commerce-outbox-connector");
        assertThat(acme.sharedReplicationSlot()).isEqualTo("commerce_outbox_slot");
        assertThat(acme.sharedPublication()).isEqualTo("commerce_outbox_publication");
    }

    @Test
    void topicPatternsMatchOneAggregatesTopicsOrEveryAggregates() {
        String one = acme.topicPattern(OutboxNames.DEFAULT_EVENT_TOPIC_FORMAT, "order");
        String any = acme.topicPattern(OutboxNames.DEFAULT_EVENT_TOPIC_FORMAT, null);

        assertThat(one).isEqualTo("public\\.commerce\\.order_event\\.c1\\.v1");
        assertThat("public.commerce.order_event.c1.v1").matches(one).matches(any);
        assertThat("public.commerce.invoice_event.c1.v1").doesNotMatch(one).matches(any);
        assertThat("publicXcommerce.order_event.c1.v1").doesNotMatch(one);
        assertThat("public.commerce.outbox_dlq.c1.v1").matches(acme.topicPattern(OutboxNames.DEFAULT_DEAD_LETTER_TOPIC_FORMAT, null));
    }
}
