package io.outboxconnect.registry;

/** The subject, or the asked version of it, does not exist (404, error codes 40401 and 40402). */
public class SubjectNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SubjectNotFoundException(String message, int status, int errorCode) {
        super(message, status, errorCode);
    }
}
