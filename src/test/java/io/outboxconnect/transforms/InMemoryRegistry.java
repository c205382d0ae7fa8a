package io.outboxconnect.transforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import io.outboxconnect.registry.RegisteredSchema;
import io.outboxconnect.registry.RegistryOperations;
import io.outboxconnect.registry.SchemaNotFoundException;
import io.outboxconnect.registry.SubjectNotFoundException;

/**
 * A registry held in memory, for specifying the router's schema resolution without a server. It
 * counts calls, so tests can assert that the hot path makes none. The real client is specified
 * against a real registry in {@code SchemaRegistryClientIT}.
 */
final class InMemoryRegistry implements RegistryOperations {

    private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();
    private final Map<Integer, String> byId = new HashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    final AtomicInteger calls = new AtomicInteger();
    boolean closed;
    /** When set, every call fails with it: an outage or a refusal of the registry. */
    volatile java.util.function.Supplier<RuntimeException> fault;

    private void called() {
        calls.incrementAndGet();
        java.util.function.Supplier<RuntimeException> f = fault;
        if (f != null) {
            throw f.get();
        }
    }

    @Override
    public synchronized int register(String subject, String schemaJson) {
        called();
        String form = canonical(schemaJson);
        for (RegisteredSchema existing : subjects.getOrDefault(subject, List.of())) {
            if (canonical(existing.schema()).equals(form)) {
                return existing.id();
            }
        }
        int id = byId.entrySet().stream().filter(e -> canonical(e.getValue()).equals(form)).map(Map.Entry::getKey).findFirst()
                .orElseGet(nextId::getAndIncrement);
        byId.put(id, schemaJson);
        List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schemaJson));
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, String schemaJson) {
        called();
        String form = canonical(schemaJson);
        return versionsOf(subject).stream().filter(v -> canonical(v.schema()).equals(form)).findFirst()
                .orElseThrow(() -> new SchemaNotFoundException("Schema not found under subject " + subject, 404, 40403));
    }

    @Override
    public synchronized String schemaById(int id) {
        called();
        String schema = byId.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("No schema with id " + id, 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        called();
        List<RegisteredSchema> versions = versionsOf(subject);
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        called();
        List<RegisteredSchema> versions = versionsOf(subject);
        if (version < 1 || version > versions.size()) {
            throw new SubjectNotFoundException("Version " + version + " of subject " + subject + " not found", 404, 40402);
        }
        return versions.get(version - 1);
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        called();
        return versionsOf(subject).stream().map(RegisteredSchema::version).toList();
    }

    @Override
    public Optional<String> compatibility(String subject) {
        return Optional.empty();
    }

    @Override
    public String globalCompatibility() {
        return "BACKWARD";
    }

    @Override
    public void setCompatibility(String subject, String level) {
        throw new UnsupportedOperationException("not needed by the router");
    }

    @Override
    public boolean isCompatible(String subject, String schemaJson) {
        throw new UnsupportedOperationException("not needed by the router");
    }

    @Override
    public void close() {
        closed = true;
    }

    private List<RegisteredSchema> versionsOf(String subject) {
        List<RegisteredSchema> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException("Subject " + subject + " not found", 404, 40401);
        }
        return versions;
    }

    private static String canonical(String schemaJson) {
        return SchemaNormalization.toParsingForm(new Schema.Parser().parse(schemaJson));
    }
}
