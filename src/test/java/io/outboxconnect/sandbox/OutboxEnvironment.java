package io.outboxconnect.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where the end-to-end scenarios run: real PostgreSQL, Kafka, schema registry and Connect worker,
 * whether as local processes ({@link Sandbox}) or as containers on a Docker host. The scenarios
 * see only this interface, so one scenario class serves both.
 */
public interface OutboxEnvironment {

    String name();

    /** A JDBC connection from the test to the database. */
    Connection connectDatabase() throws SQLException;

    /** The connector keys that say where things are as the Connect worker sees them (host, port, database, registry URL). */
    Map<String, String> connectorLocations();

    /** The registry, as the test reaches it. */
    RegistryRest registry();

    /** The Connect worker's REST API, as the test reaches it. */
    ConnectRest connect();

    /** The broker, as the test reaches it. */
    KafkaReader kafka();

    /** Whether the worker runs with {@code exactly.once.source.support=enabled}. */
    boolean exactlyOnce();

    /** Configuration for Apicurio's own deserializer reading this registry, when the registry is Apicurio. */
    Optional<Map<String, Object>> apicurioDeserializerConfig();

    /** The worker's log file, where the test can read it. */
    default Optional<Path> workerLog() {
        return Optional.empty();
    }

    /** The worker's metrics, where the test can reach its JMX (not through a container's network). */
    default Optional<WorkerMetrics> workerMetrics() {
        return Optional.empty();
    }

    /** Runs statements in one transaction. */
    default void execute(String... sql) {
        try (Connection c = connectDatabase(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : sql) {
                s.execute(statement);
            }
            c.commit();
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    default long queryLong(String sql) {
        try (Connection c = connectDatabase(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Waits until a walsender streams from the slot: rows inserted before that are not captured. */
    default void awaitActiveSlot(String slot, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active") == 1) {
                return;
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Replication slot " + slot + " not active after " + timeout);
    }
}
