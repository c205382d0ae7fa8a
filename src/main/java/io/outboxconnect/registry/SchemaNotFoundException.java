package io.outboxconnect.registry;

/** The schema is not registered under the subject, or no schema has the id (404, error code 40403). */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String message, int status, int errorCode) {
        super(message, status, errorCode);
    }
}
