package io.outboxconnect.registry;

/**
 * The registry could not be reached, or kept answering with transient errors, for longer than
 * {@code schema.registry.retry.timeout.ms}. An infrastructure fault, never bad data: it fails the
 * task, and a restart resumes from the last committed offset with nothing lost.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
