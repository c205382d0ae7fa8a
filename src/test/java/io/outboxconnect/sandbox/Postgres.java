package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

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
}
