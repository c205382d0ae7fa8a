package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class EventEnvelopeTest {

    private static String orderEvent() throws IOException {
        return Files.readString(Path.of("schemas/commerce/order_event.avsc"));
    }

    private static EventEnvelope envelope(String json) {
        return EventEnvelope.of(new Schema.Parser().parse(json), "test.avsc");
    }

    @Test
    void checkedInOrderEnvelopeFitsTheContract() throws IOException {
        EventEnvelope envelope = envelope(orderEvent()).requireNames("com.acme.commerce.event.OrderEvent", "com.acme.commerce.event.OrderEventType", "test.avsc");

        assertThat(envelope.eventTypes()).containsExactlyInAnyOrder("ORDER_CREATED", "ORDER_UPDATED", "ORDER_CANCELLED", "ORDER_SHIPPED", "ORDER_DELETED");
    }

    @Test
    void extraFieldIsRejected() throws IOException {
        String json = orderEvent().replace("\"fields\": [", "\"fields\": [{\"name\": \"tenant\", \"type\": \"string\"},");

        assertThatThrownBy(() -> envelope(json)).isInstanceOf(EnvelopeContractException.class).hasMessageContaining("'tenant'");
    }

    @Test
    void missingFieldIsRejected() throws IOException {
        String json = orderEvent().replace("\"name\": \"event_data\"", "\"name\": \"payload\"");

        assertThatThrownBy(() -> envelope(json)).isInstanceOf(EnvelopeContractException.class).hasMessageContaining("'payload'");
    }

    @Test
    void eventTypeAsPlainStringIsRejected() {
        String json = "{\"type\":\"record\",\"name\":\"OrderEvent\",\"fields\":["
                + "{\"name\":\"event_id\",\"type\":\"string\"},{\"name\":\"aggregate_type\",\"type\":\"string\"},"
                + "{\"name\":\"aggregate_id\",\"type\":\"string\"},{\"name\":\"event_type\",\"type\":\"string\"},"
                + "{\"name\":\"event_date\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
                + "{\"name\":\"event_data\",\"type\":\"string\"}]}";

        assertThatThrownBy(() -> envelope(json)).isInstanceOf(EnvelopeContractException.class)
                .hasMessageContaining("'event_type' as STRING; it must be an enum");
    }

    @Test
    void recordHoldsTheEnumSymbolAndTheMicros() throws IOException {
        var record = envelope(orderEvent()).record("e-1", "order", "o-1", "ORDER_SHIPPED", 42L, "{}");

        assertThat(record.get("event_type").toString()).isEqualTo("ORDER_SHIPPED");
        assertThat(record.get("event_date")).isEqualTo(42L);
    }
}
