package io.outboxconnect.transforms;

import java.io.IOException;
import java.io.StringWriter;

import org.apache.kafka.connect.errors.DataException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;

import io.outboxconnect.avro.AggregateState;

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
     * The payload as compact JSON: the same text without the whitespace between tokens; numbers as
     * written (never through a double: 12345678901234567.89 stays exact), escapes decoded.
     *
     * @param column the column name, for the error message (the payload itself is never quoted:
     *               it may hold personal data)
     * @throws DataException when the text is not exactly one JSON object
     */
    static String compactObject(String column, String json) {
        if (json.indexOf('\\') < 0) {
            // no escapes, so every string is already as Jackson would write it: checking the text suffices
            requireOneObject(column, json);
            return withoutWhitespace(json);
        }
        StringWriter out = new StringWriter(json.length());
        try (JsonParser parser = JSON.createParser(json); JsonGenerator generator = JSON.createGenerator(out)) {
            requireObjectStart(column, parser.nextToken());
            int depth = 0;
            do {
                JsonToken token = parser.currentToken();
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    generator.writeNumber(parser.getText());
                }
                else {
                    generator.copyCurrentEvent(parser);
                }
                depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            }
            while (depth > 0 && parser.nextToken() != null);
            requireNothingAfter(column, parser);
        }
        catch (IOException e) {
            throw notWellFormed(column, e);
        }
        return out.toString();
    }

    /**
     * The payload's tree for {@link AggregateState#read(JsonNode)}, checked as {@link #compactObject}
     * checks the text (one well-formed object without duplicate names), with the same messages: a row
     * published as event and state is parsed once for both.
     */
    static JsonNode objectTree(String column, String json) {
        try (JsonParser parser = AggregateState.parser(json)) {
            requireObjectStart(column, parser.nextToken());
            JsonNode tree = AggregateState.readTree(parser);
            requireNothingAfter(column, parser);
            return tree;
        }
        catch (IOException e) {
            throw notWellFormed(column, e);
        }
        catch (NumberFormatException e) {
            // a number whose exponent overflows a BigDecimal (1e9999999999): not an IOException, but bad data all the same
            throw new DataException("The payload column '" + column + "' holds a number out of any range: NumberFormatException");
        }
    }

    /** Tokenizes the whole text, decoding nothing: exactly one well-formed JSON object without duplicate names. */
    private static void requireOneObject(String column, String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            requireObjectStart(column, parser.nextToken());
            parser.skipChildren();
            requireNothingAfter(column, parser);
        }
        catch (IOException e) {
            throw notWellFormed(column, e);
        }
    }

    private static void requireObjectStart(String column, JsonToken first) {
        if (first != JsonToken.START_OBJECT) {
            throw new DataException("The payload column '" + column + "' holds " + describe(first)
                    + " where the full aggregate, a JSON object, is expected");
        }
    }

    private static void requireNothingAfter(String column, JsonParser parser) throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new DataException("The payload column '" + column + "' holds content after the JSON object (at offset "
                    + parser.currentTokenLocation().getCharOffset() + ")");
        }
    }

    /** No cause: Jackson's messages quote the payload, which may hold personal data. */
    private static DataException notWellFormed(String column, IOException e) {
        return new DataException("The payload column '" + column + "' is not well-formed JSON: " + e.getClass().getSimpleName()
                + " at offset " + offsetOf(e));
    }

    /** Well-formed JSON without the whitespace outside its strings. */
    static String withoutWhitespace(String json) {
        char[] chars = json.toCharArray();
        int length = 0;
        boolean inString = false;
        boolean escaped = false;
        for (char c : chars) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                }
                else if (c == '\\') {
                    escaped = true;
                }
                else if (c == '"') {
                    inString = false;
                }
            }
            else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            else if (c == '"') {
                inString = true;
            }
            chars[length++] = c;
        }
        return length == chars.length ? json : new String(chars, 0, length);
    }

    /**
     * The UTF-8 length of {@code text}, exact when it may exceed {@code limit}; below that, any upper
     * bound (a char is at most 3 UTF-8 bytes), so the common case costs no pass over the text.
     */
    static long utf8Length(String text, int limit) {
        long upperBound = text.length() * 3L;
        if (upperBound <= limit) {
            return upperBound;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            }
            else if (c < 0x800) {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            }
            else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Rejects a payload whose strings hold an unpaired UTF-16 surrogate: UTF-8, and so Avro, cannot
     * carry one, and it would be replaced by '?' silently. PostgreSQL's text is valid UTF-8, so only
     * a JSON escape ({@code \ud800}) can produce one; a payload without escapes is not parsed here.
     */
    static void requireEncodable(String column, String json) {
        if (json.indexOf("\\u") < 0) {
            return;
        }
        try (JsonParser parser = JSON.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
                    String text = parser.getText();
                    for (int i = 0; i < text.length(); i++) {
                        char c = text.charAt(i);
                        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                            i++;
                        }
                        else if (Character.isSurrogate(c)) {
                            throw new DataException("The payload column '" + column + "' holds an unpaired UTF-16 surrogate escape at "
                                    + parser.getParsingContext().pathAsPointer() + ", which UTF-8 (and so Avro) cannot carry");
                        }
                    }
                }
            }
        }
        catch (IOException e) {
            return; // not JSON: the stream's own parse reports it
        }
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
