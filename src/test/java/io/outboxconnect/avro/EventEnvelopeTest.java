package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    @Test
    void writtenDirectlyTheEnvelopeIsWhatAvrosWriterWritesInAnyFieldOrder() throws IOException {
        ObjectMapper compactor = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        Schema checkedIn = new Schema.Parser().parse(orderEvent());
        List<Schema.Field> fields = new ArrayList<>();
        checkedIn.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        Collections.reverse(fields);
        Schema reordered = Schema.createRecord(checkedIn.getName(), null, checkedIn.getNamespace(), false, fields);
        Random random = new Random(7);
        String[] texts = {"o-1", "caf\u00e9", "\u20ac \ud83d\ude00", "", "x".repeat(200)};
        for (Schema schema : List.of(checkedIn, reordered)) {
            EventEnvelope envelope = EventEnvelope.of(schema, "test.avsc");
            ConfluentAvroWriter writer = new ConfluentAvroWriter(7, schema);
            for (int n = 0; n < 200; n++) {
                String id = texts[random.nextInt(texts.length)];
                String type = List.copyOf(envelope.eventTypes()).get(random.nextInt(envelope.eventTypes().size()));
                long micros = random.nextLong() >> random.nextInt(64);
                String json = "{\"a\": " + random.nextInt() + ", \"b\":\n\t[\"" + texts[random.nextInt(texts.length)]
                        + " \\\" x\", 19.95, true, null],  \"c d\" : {\"e\": \"" + texts[random.nextInt(texts.length)] + "\"}}";
                byte[] expectedAsIs = writer.write(envelope.record(id, "order", id + "-agg", type, micros, json));
                byte[] expectedCompact = writer.write(envelope.record(id, "order", id + "-agg", type, micros, compactor.readTree(json).toString()));

                assertThat(envelope.write(writer, id, "order", id + "-agg", type, micros, json, false)).isEqualTo(expectedAsIs);
                assertThat(envelope.write(writer, id, "order", id + "-agg", type, micros, json, true)).isEqualTo(expectedCompact);
            }
            // an unpaired surrogate is the caller's to decide
            assertThat(envelope.write(writer, "e\ud800", "order", "o", "ORDER_CREATED", 1, "{}", true)).isNull();
            assertThat(envelope.write(writer, "e", "order", "o", "ORDER_CREATED", 1, "{\"a\": \"\udc00\"}", true)).isNull();
            assertThatThrownBy(() -> envelope.write(writer, "e", "order", "o", "UNKNOWN", 1, "{}", true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'UNKNOWN' is not an event type");
        }
        assertThat(Arrays.asList(reordered.getFields().get(0).name(), checkedIn.getFields().get(0).name())).containsExactly("event_data", "event_id");
    }
}
