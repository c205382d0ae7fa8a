package io.outboxconnect.connector;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

/**
 * Kafka's {@link SimpleHeaderConverter}, writing a string header straight as its UTF-8 bytes.
 *
 * <p>The bytes are the same as {@code SimpleHeaderConverter}'s for every value: it writes a string
 * as the string itself, but through a {@code StringBuilder} that grows twice for a UUID and a copy
 * of it, for every header of every record. Every header this plugin writes is a string
 * ({@code id}, {@code event_type}, and on dead letters the reason and where it failed): four per
 * outbox row with the event and the state stream. Any other value (numbers, dates, structs, lists,
 * bytes added as header fields by {@code table.fields.additional.placement}) and reading headers
 * back are {@code SimpleHeaderConverter}'s own.
 */
public class StringHeaderConverter extends SimpleHeaderConverter {

    @Override
    public byte[] fromConnectHeader(String topic, String headerKey, Schema schema, Object value) {
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return super.fromConnectHeader(topic, headerKey, schema, value);
    }

    @Override
    public String version() {
        return OutboxConnectorTask.VERSION;
    }
}
