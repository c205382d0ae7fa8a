package io.outboxconnect.avro;

/**
 * Whether a text is one well-formed JSON object without duplicate names, checked by the fast
 * path's scanner ({@link JsonAvroWriter}): no tokens, strings or numbers are built. It only ever
 * answers for certain: {@code false} means "not, or not sure", and the caller then asks a JSON
 * parser, which says what is wrong.
 *
 * <p>Not thread-safe: its buffers are reused from text to text.
 */
public final class JsonObjectCheck {

    private final JsonAvroWriter scanner = JsonAvroWriter.objectChecker();

    /** True when {@code json} is certainly one well-formed JSON object without duplicate names. */
    public boolean isOneObject(String json) {
        return scanner.write(json, null);
    }
}
