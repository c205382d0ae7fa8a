package io.outboxconnect.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link OutboxEnvironment} of local processes: the four sandbox components, reached directly by
 * the test. Subclasses say only what differs: the name, the exactly-once mode and the registry URL
 * the worker uses.
 */
public abstract class LocalEnvironment implements OutboxEnvironment {

    private final Postgres postgres;
    private final Kafka broker;
    private final SchemaRegistry schemaRegistry;
    private final ConnectWorker worker;

    protected LocalEnvironment(Postgres postgres, Kafka broker, SchemaRegistry schemaRegistry, ConnectWorker worker) {
        this.postgres = postgres;
        this.broker = broker;
        this.schemaRegistry = schemaRegistry;
        this.worker = worker;
    }

    public Postgres postgres() {
        return postgres;
    }

    public Kafka broker() {
        return broker;
    }

    public SchemaRegistry schemaRegistry() {
        return schemaRegistry;
    }

    public ConnectWorker worker() {
        return worker;
    }

    /** The URL of the registry as the worker reaches it (directly, or through a proxy). */
    protected abstract String workerRegistryUrl();

    @Override
    public Connection connectDatabase() throws SQLException {
        return postgres.connect();
    }

    @Override
    public Map<String, String> connectorLocations() {
        return Map.of("database.hostname", postgres.host(), "database.port", String.valueOf(postgres.port()),
                "database.dbname", Postgres.DATABASE, "schema.registry.url", workerRegistryUrl());
    }

    @Override
    public RegistryRest registry() {
        return schemaRegistry.rest();
    }

    @Override
    public ConnectRest connect() {
        return worker.rest();
    }

    @Override
    public KafkaReader kafka() {
        return broker.reader();
    }

    @Override
    public Optional<WorkerMetrics> workerMetrics() {
        return Optional.of(worker.metrics());
    }

    @Override
    public Optional<Path> workerLog() {
        return Optional.of(worker.log());
    }

    /** Apicurio's deserializer in Confluent mode: the 4-byte id is the ccompat API's id, Apicurio's content id. */
    @Override
    public Optional<Map<String, Object>> apicurioDeserializerConfig() {
        return Optional.of(Map.of(
                "apicurio.registry.url", schemaRegistry.baseUrl() + "/apis/registry/v2",
                "apicurio.registry.headers.enabled", false,
                "apicurio.registry.as-confluent", true,
                "apicurio.registry.use-id", "contentId"));
    }

    /** Closes the components last started first; a failing close is reported and the others still close. */
    static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            }
            catch (Exception e) {
                System.err.println("[sandbox] stop failed: " + e);
            }
        }
    }
}
