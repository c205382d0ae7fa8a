package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's embedded binaries) with logical decoding enabled, on
 * 127.0.0.1 and a free port, its log in {@code target/sandbox-logs/postgres.log}.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;
    private final Path dataDir;
    private final Path log;

    private Postgres(EmbeddedPostgres server, Path dataDir, Path log) {
        this.server = server;
        this.dataDir = dataDir;
        this.log = log;
    }

    public static Postgres start() {
        Path dataDir = SandboxFiles.tempDir("postgres-");
        Path log = SandboxFiles.logsDir().resolve("postgres.log");
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setPort(SandboxFiles.freePort())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setOutputRedirector(Redirect.appendTo(log.toFile()))
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            System.out.println("[sandbox] PostgreSQL on 127.0.0.1:" + server.getPort() + ", log " + log);
            return new Postgres(server, dataDir, log);
        }
        catch (IOException e) {
            SandboxFiles.deleteRecursively(dataDir);
            throw new UncheckedIOException("PostgreSQL did not start; see " + log, e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** Runs statements in one transaction. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
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

    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Waits until the replication slot exists and a walsender streams from it: inserts before that are not captured. */
    public void awaitActiveSlot(String slot, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active") == 1) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("Replication slot " + slot + " not active after " + timeout + "; see " + log);
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        try {
            server.close();
        }
        catch (IOException e) {
            System.err.println("[sandbox] PostgreSQL stop: " + e);
        }
        finally {
            SandboxFiles.deleteRecursively(dataDir);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
