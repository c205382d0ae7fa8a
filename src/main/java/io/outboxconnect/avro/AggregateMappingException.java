package io.outboxconnect.avro;

import org.apache.kafka.connect.errors.DataException;

/**
 * A JSON aggregate that does not fit its Avro schema: bad data. The message names the JSON path and
 * the expected Avro type, never the value (aggregates may hold personal data).
 */
public class AggregateMappingException extends DataException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String expectedType;

    public AggregateMappingException(String path, String expectedType, String problem) {
        super("At " + path + ": expected " + expectedType + ", " + problem);
        this.path = path;
        this.expectedType = expectedType;
    }

    /** The JSON path of the offending value, e.g. {@code $.lines[2].unit_price}. */
    public String path() {
        return path;
    }

    /** The Avro type expected there, e.g. {@code decimal(12,2) as bytes}. */
    public String expectedType() {
        return expectedType;
    }
}
