package io.outboxconnect.registry;

/** One version of a subject in the registry. */
public record RegisteredSchema(String subject, int version, int id, String schema) {
}
