package io.outboxconnect.transforms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;

import io.outboxconnect.avro.AggregateMappingException;

/**
 * The dead-letter record of an outbox row: the whole row as a JSON object (every column, under its
 * own name, nothing dropped: JSON columns as their original text, bytes as base64, decimals exact,
 * Connect timestamps as ISO-8601: {@link StructJson}), readable without the registry, with the reason in headers;
 * gzipped, and marked so in a header, when it is over {@code errors.dlq.max.bytes}.
 */
public final class DeadLetters {

    public static final String HEADER_PREFIX = "outbox.dlq.";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String EXCEPTION = HEADER_PREFIX + "exception";
    public static final String PATH = HEADER_PREFIX + "path";
    public static final String EXPECTED_TYPE = HEADER_PREFIX + "expected.type";
    public static final String TABLE = HEADER_PREFIX + "table";
    public static final String LSN = HEADER_PREFIX + "lsn";
    public static final String EVENT_ID = HEADER_PREFIX + "event.id";
    public static final String EVENT_TYPE = HEADER_PREFIX + "event.type";
    public static final String AGGREGATE_TYPE = HEADER_PREFIX + "aggregate.type";
    public static final String STREAM = HEADER_PREFIX + "stream";
    /** Present, as {@value #GZIP}, on a dead letter whose JSON was over {@code errors.dlq.max.bytes}. */
    public static final String CONTENT_ENCODING = HEADER_PREFIX + "content.encoding";
    public static final String GZIP = "gzip";

    private DeadLetters() {
    }

    /** What is known of the failing row, for the headers; any part may be null. */
    record Failure(String reason, Throwable cause, String table, String lsn, String eventId, String eventType, String aggregateType,
                   OutboxStream stream) {
    }

    /** A dead letter's value: the row's JSON, gzipped when {@code gzipped}; {@code jsonBytes} is its size before. */
    record Value(byte[] bytes, boolean gzipped, int jsonBytes) {
    }

    /** The row as a dead letter's value: its UTF-8 JSON, or that gzipped when it is over {@code maxBytes}. */
    static Value value(Struct row, int maxBytes) {
        byte[] json = StructJson.utf8(row);
        if (json.length <= maxBytes) {
            return new Value(json, false, json.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(json.length, maxBytes) / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Value(out.toByteArray(), true, json.length);
    }

    static Headers headers(Failure failure, Value value) {
        Headers headers = new ConnectHeaders();
        headers.addString(REASON, failure.reason());
        headers.addString(EXCEPTION, failure.cause().getClass().getName());
        if (failure.cause() instanceof AggregateMappingException mapping) {
            headers.addString(PATH, mapping.path());
            headers.addString(EXPECTED_TYPE, mapping.expectedType());
        }
        addIfPresent(headers, TABLE, failure.table());
        addIfPresent(headers, LSN, failure.lsn());
        addIfPresent(headers, EVENT_ID, failure.eventId());
        addIfPresent(headers, EVENT_TYPE, failure.eventType());
        addIfPresent(headers, AGGREGATE_TYPE, failure.aggregateType());
        addIfPresent(headers, STREAM, failure.stream() == null ? null : failure.stream().value());
        if (value.gzipped()) {
            headers.addString(CONTENT_ENCODING, GZIP);
        }
        return headers;
    }

    private static void addIfPresent(Headers headers, String key, String value) {
        if (value != null) {
            headers.addString(key, value);
        }
    }
}
