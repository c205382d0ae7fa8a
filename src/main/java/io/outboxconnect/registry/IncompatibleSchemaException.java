package io.outboxconnect.registry;

/** The registry rejected a schema as incompatible with the subject's earlier versions (409). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public IncompatibleSchemaException(String message, int status, int errorCode) {
        super(message, status, errorCode);
    }
}
