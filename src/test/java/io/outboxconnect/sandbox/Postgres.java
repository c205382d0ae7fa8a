package io.outboxconnect.sandbox;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's embedded binaries) with logical decoding enabled, on
 * 127.0.0.1 and a free port, its log in {@code target/sandbox-logs/postgres.log}. It can be
 * restarted (fast shutdown, then started again on the same port and data directory).
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private volatile EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private Postgres(EmbeddedPostgres server, int port, Path dataDir, Path log) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    public static Postgres start() {
        Path dataDir = SandboxFiles.tempDir("postgres-");
        Path log = SandboxFiles.logsDir().resolve("postgres.log");
        int port = SandboxFiles.freePort();
        try {
            EmbeddedPostgres server = launch(port, dataDir, log);
            System.out.println("[sandbox] PostgreSQL on 127.0.0.1:" + server.getPort() + " (postmaster pid " + postmasterPid(dataDir) + "), log " + log);
            return new Postgres(server, port, dataDir, log);
        }
        catch (IOException | RuntimeException e) {
            if (stopPostmaster(dataDir)) {
                SandboxFiles.deleteRecursively(dataDir);
            }
            throw new IllegalStateException("PostgreSQL did not start; see " + log + ": " + e, e);
        }
    }

    /**
     * Starts the server on {@code dataDir}: initdb when the directory is empty, else the existing cluster (the data directory is never cleaned here).
     * A start that fails may leave a postmaster running ({@code pg_ctl} started it, the wait for it gave up): the caller stops it.
     */
    private static EmbeddedPostgres launch(int port, Path dataDir, Path log) throws IOException {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
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
        SandboxFiles.stopWhenOrphaned(postmasterPid(dataDir), "QUIT", log); // SIGQUIT: an immediate shutdown
        return server;
    }

    /**
     * Stops the server with a fast shutdown ({@code pg_ctl stop -m fast}: open transactions are
     * rolled back, clients and walsenders disconnected), waits {@code down}, and starts it again
     * on the same port and data directory.
     */
    public void restart(Duration down) {
        try {
            server.close();
            awaitPostmasterExit(Duration.ofSeconds(120));
            System.out.println("[sandbox] PostgreSQL stopped (fast shutdown)");
            SandboxFiles.sleep(down.toMillis());
            server = launch(port, dataDir, log);
            System.out.println("[sandbox] PostgreSQL restarted on 127.0.0.1:" + port);
        }
        catch (IOException | RuntimeException e) {
            stopPostmaster(dataDir);
            throw new IllegalStateException("PostgreSQL did not restart; see " + log + ": " + e, e);
        }
    }

    /**
     * Waits until the postmaster has exited: {@code pg_ctl stop} gives up after 5 s, while a fast
     * shutdown still waits for walsenders to send the WAL up to the shutdown checkpoint.
     */
    private void awaitPostmasterExit(Duration timeout) {
        if (!postmasterExited(dataDir, timeout)) {
            throw new IllegalStateException("PostgreSQL did not shut down within " + timeout + "; see " + log);
        }
    }

    private static boolean postmasterExited(Path dataDir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (postmaster(dataDir).isPresent()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            SandboxFiles.sleep(100);
        }
        return true;
    }

    /**
     * Stops the postmaster of {@code dataDir} if one runs: {@code SIGTERM} (a smart shutdown, quick
     * when no client is connected), then {@code SIGKILL} after 10 s (its backends then exit by
     * themselves). The postmaster is no child of this JVM ({@code pg_ctl} detaches it): by pid.
     *
     * @return whether no postmaster runs on {@code dataDir} any more
     */
    private static boolean stopPostmaster(Path dataDir) {
        Optional<ProcessHandle> postmaster = postmaster(dataDir);
        if (postmaster.isEmpty()) {
            return true;
        }
        System.err.println("[sandbox] stopping PostgreSQL's postmaster, pid " + postmaster.get().pid());
        postmaster.get().destroy();
        if (postmasterExited(dataDir, Duration.ofSeconds(10))) {
            return true;
        }
        postmaster.get().destroyForcibly();
        return postmasterExited(dataDir, Duration.ofSeconds(10));
    }

    /** The postmaster running on {@code dataDir}: the pid in its lock file, while that pid is a postgres on this directory. */
    private static Optional<ProcessHandle> postmaster(Path dataDir) {
        long pid = postmasterPid(dataDir);
        String dir = dataDir.toAbsolutePath().toString();
        // a live pid whose command line cannot be read counts as the postmaster: its data directory is never deleted under it
        return ProcessHandle.of(pid).filter(p -> p.info().commandLine().map(line -> line.contains(dir)).orElse(true));
    }

    /** The pid in the data directory's {@code postmaster.pid}; 0 when there is none. */
    private static long postmasterPid(Path dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        }
        catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
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

    /** The postmaster's process id, from its lock file; 0 when the server is not running. */
    public long pid() {
        return postmasterPid(dataDir);
    }

    /**
     * Stops the server (a fast shutdown) and deletes its data directory once the postmaster has
     * exited: {@code pg_ctl stop} gives up after 5 s, so this waits up to 60 s more, then stops it by force.
     */
    @Override
    public void close() {
        try {
            server.close();
        }
        catch (IOException | RuntimeException e) {
            System.err.println("[sandbox] PostgreSQL stop: " + e);
        }
        if (postmasterExited(dataDir, Duration.ofSeconds(60)) || stopPostmaster(dataDir)) {
            SandboxFiles.deleteRecursively(dataDir);
        }
        else {
            System.err.println("[sandbox] PostgreSQL (pid " + pid() + ") did not stop; its data directory " + dataDir + " stays");
        }
    }
}
