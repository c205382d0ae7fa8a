package io.outboxconnect.registry;

import java.util.List;
import java.util.Optional;

/**
 * The Confluent Schema Registry operations the plugin and its tools use. {@link SchemaRegistryClient}
 * speaks them over HTTP; the interface lets the SMT's schema resolution be specified without a server.
 */
public interface RegistryOperations extends AutoCloseable {

    /** Registers {@code schemaJson} under {@code subject} (or finds it registered) and returns its id. */
    int register(String subject, String schemaJson);

    /** The version and id under which {@code schemaJson} is registered in {@code subject}. */
    RegisteredSchema lookup(String subject, String schemaJson);

    /** The schema registered with {@code id}. */
    String schemaById(int id);

    /** The latest version of {@code subject}. */
    RegisteredSchema latest(String subject);

    /** A pinned version of {@code subject}. */
    RegisteredSchema version(String subject, int version);

    List<Integer> versions(String subject);

    /** The subject's own compatibility level, empty when it inherits the global one. */
    Optional<String> compatibility(String subject);

    String globalCompatibility();

    void setCompatibility(String subject, String level);

    boolean isCompatible(String subject, String schemaJson);

    /**
     * Runs {@code calls}, made on this thread, within {@code budgetMs} of waiting and retrying in all:
     * for work that must not wait long, such as a task's start on the worker's herder thread. A
     * registry that does not answer within it is reported as {@link RegistryUnavailableException}.
     */
    default <T> T withRetryBudget(long budgetMs, java.util.function.Supplier<T> calls) {
        return calls.get();
    }

    /** HTTP calls made so far, for metrics; 0 where there is no HTTP. */
    default long httpCalls() {
        return 0;
    }

    /** Lookups answered from a cache so far, for metrics. */
    default long cacheHits() {
        return 0;
    }

    @Override
    void close();
}
