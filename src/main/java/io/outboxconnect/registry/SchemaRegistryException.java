package io.outboxconnect.registry;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * The registry refused a request. A {@link ConnectException}: when it escapes a task, the task
 * fails loudly instead of skipping a record.
 */
public class SchemaRegistryException extends ConnectException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    /** The HTTP status, or -1 when no answer came. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, or -1. */
    public int errorCode() {
        return errorCode;
    }
}
