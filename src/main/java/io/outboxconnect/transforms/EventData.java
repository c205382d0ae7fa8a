package io.outboxconnect.transforms;

import java.io.IOException;
import java.io.StringWriter;

import org.apache.kafka.connect.errors.DataException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The outbox's payload column as compact JSON text. {@code jsonb} and {@code json} arrive from
 * Debezium as {@code io.debezium.data.Json} strings (PostgreSQL prints {@code jsonb} with spaces),
 * {@code text} as plain strings; all are re-emitted token by token, without a tree in between,
 * which also proves the text is one well-formed JSON object.
 */
final class EventData {

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private EventData() {
    }

    /**
     * @param column the column name, for the error message (the payload itself is never quoted:
     *               it may hold personal data)
     * @throws DataException when the text is not exactly one JSON object
     */
    static String compactObject(String column, String json) {
        StringWriter out = new StringWriter(json.length());
        try (JsonParser parser = JSON.createParser(json); JsonGenerator generator = JSON.createGenerator(out)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DataException("The payload column '" + column + "' holds " + describe(first)
                        + " where the full aggregate, a JSON object, is expected");
            }
            generator.copyCurrentStructure(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new DataException("The payload column '" + column + "' holds content after the JSON object (at offset "
                        + parser.currentTokenLocation().getCharOffset() + ")");
            }
        }
        catch (IOException e) {
            // no cause: Jackson's messages quote the payload, which may hold personal data
            throw new DataException("The payload column '" + column + "' is not well-formed JSON: " + e.getClass().getSimpleName()
                    + " at offset " + offsetOf(e));
        }
        return out.toString();
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "no JSON value";
        }
        return switch (token) {
            case VALUE_NULL -> "JSON null";
            case START_ARRAY -> "a JSON array";
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            default -> "the JSON token " + token;
        };
    }

    private static String offsetOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            return String.valueOf(jpe.getLocation().getCharOffset());
        }
        return "unknown";
    }
}
