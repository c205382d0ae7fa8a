package io.outboxconnect.transforms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.outboxconnect.avro.AggregateMappingException;

/**
 * The dead-letter record of an outbox row: the whole row as a JSON object (every column, under its
 * own name, nothing dropped: JSON columns as their original text, bytes as base64, decimals exact,
 * Connect timestamps as ISO-8601), readable without the registry, with the reason in headers;
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

    private static final JsonFactory JSON = new JsonFactory();

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
        byte[] json = rowJson(row);
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

    /** The row as UTF-8 JSON. */
    private static byte[] rowJson(Struct row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(json, row);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        }
        else if (value instanceof Struct struct) {
            json.writeStartObject();
            for (Field field : struct.schema().fields()) {
                json.writeFieldName(field.name());
                write(json, struct.get(field));
            }
            json.writeEndObject();
        }
        else if (value instanceof String text) {
            json.writeString(text);
        }
        else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        }
        else if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            json.writeNumber(((Number) value).longValue());
        }
        else if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                json.writeNumber(d);
            }
            else {
                json.writeString(Double.toString(d));
            }
        }
        else if (value instanceof BigDecimal decimal) {
            json.writeString(decimal.toPlainString());
        }
        else if (value instanceof byte[] bytes) {
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        }
        else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        }
        else if (value instanceof Date date) {
            json.writeString(date.toInstant().toString());
        }
        else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object element : list) {
                write(json, element);
            }
            json.writeEndArray();
        }
        else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                write(json, entry.getValue());
            }
            json.writeEndObject();
        }
        else {
            json.writeString(value.toString());
        }
    }
}
