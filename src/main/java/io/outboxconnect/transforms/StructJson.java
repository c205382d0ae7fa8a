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

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A Connect {@link Struct} as JSON, nothing dropped: strings (JSON columns too) as strings, bytes
 * as base64, decimals exact as strings, non-finite floats as strings, Connect timestamps as
 * ISO-8601. A dead letter's value ({@link DeadLetters}) and a heartbeat's
 * ({@code OutboxValueConverter}) are written with it.
 */
public final class StructJson {

    private static final JsonFactory JSON = new JsonFactory();

    private StructJson() {
    }

    /** {@code struct} as UTF-8 JSON: an object of its fields, under their names, in schema order. */
    public static byte[] utf8(Struct struct) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(json, struct);
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
