package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** Where the sandbox's components put their logs and data, and the free ports they bind. */
final class SandboxFiles {

    private SandboxFiles() {
    }

    /** {@code target/sandbox-logs}, or the {@code sandbox.logs.dir} the build passes. */
    static Path logsDir() {
        Path dir = Path.of(System.getProperty("sandbox.logs.dir", "target/sandbox-logs"));
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path projectDir() {
        return Path.of(System.getProperty("sandbox.project.dir", ".")).toAbsolutePath().normalize();
    }

    static Path requiredDir(String property, String hint) {
        String value = System.getProperty(property);
        Path dir = value == null ? null : Path.of(value);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalStateException("System property " + property + " must name a directory (" + hint + "); got " + value);
        }
        return dir;
    }

    static Path tempDir(String prefix) {
        try {
            Path base = Files.createDirectories(projectDir().resolve("target/sandbox-tmp"));
            return Files.createTempDirectory(base, prefix);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            // best effort: the directory lies under target/, which the next clean removes
        }
    }

    /** The lowest port the sandbox hands out; the highest is below the kernel's ephemeral range. */
    private static final int LOWEST_PORT = 10_000;
    /** Ports handed out by this JVM: each is bound only later, by the process it is for. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on at the moment, on 127.0.0.1, for a server started next. It is taken
     * below the kernel's ephemeral range: a port from that range (what binding port 0 gives) can be
     * taken by any outgoing connection before the server binds it, and the server then fails to
     * start ("Failed to bind", seen once for the Connect worker's REST port 32831).
     */
    static int freePort() {
        int highest = ephemeralPortsFrom() - 1;
        if (highest - LOWEST_PORT < 1_000) {
            return anyFreePort(); // an unusual range: the kernel's choice, with the race above
        }
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, highest + 1);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            }
            catch (IOException e) {
                continue; // in use
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port on 127.0.0.1 between " + LOWEST_PORT + " and " + highest);
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the kernel's ephemeral range (Linux: 32768 by default). */
    static int ephemeralPortsFrom() {
        try {
            // through a buffer: Files.readString reads a file of size 0 in small pieces, and this one then yields only "3"
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        }
        catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** Stops a child process: politely, then by force; never leaves it behind. */
    static void stop(Process process, long graceMillis) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts a watchdog for a component's process: a shell, a child of this JVM that outlives it, which
     * sends the process {@code signal} once this JVM is gone, and {@code SIGKILL} if it still runs
     * 10 s later. It covers what no shutdown hook can: a test JVM halted (a fork timeout, {@code kill -9})
     * leaves the worker and the registry JVMs running, and PostgreSQL's postmaster, which {@code pg_ctl}
     * detaches from this JVM. The watchdog exits by itself when the process does; it writes to {@code log}.
     */
    static void stopWhenOrphaned(long pid, String signal, Path log) {
        if (pid <= 1) {
            throw new IllegalArgumentException("No process to watch: pid " + pid); // kill 0 would signal the whole process group
        }
        // a zombie counts as gone: the postmaster's parent is init, which may reap it late. The state is the field after the
        // command name in /proc/<pid>/stat (Linux, like the sandbox's binaries; no ps needed, and the name may hold spaces)
        String script = """
                running() { stat=$(cat "/proc/$1/stat" 2>/dev/null) && state=${stat##*) } && [ "${state#Z}" = "$state" ]; }
                while running "$1"; do
                  running "$2" || exit 0
                  sleep 1
                done
                running "$2" || exit 0
                echo "[sandbox watchdog] the test JVM (pid $1) is gone: SIG$3 to pid $2"
                kill -s "$3" "$2" 2>/dev/null || exit 0
                for second in 1 2 3 4 5 6 7 8 9 10; do
                  sleep 1
                  running "$2" || exit 0
                done
                echo "[sandbox watchdog] pid $2 still runs: SIGKILL"
                kill -s KILL "$2" 2>/dev/null
                """;
        try {
            new ProcessBuilder("sh", "-c", script, "sandbox-watchdog",
                    String.valueOf(ProcessHandle.current().pid()), String.valueOf(pid), signal)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot start the watchdog of pid " + pid, e);
        }
    }

    /**
     * Waits until {@code url} answers 200, failing at once with the log's tail if the process dies.
     *
     * @param what the component, for messages
     */
    static void awaitHttpOk(Process process, String url, java.time.Duration timeout, Path log, String what) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail(log, 40));
            }
            try {
                java.net.http.HttpResponse<Void> response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .timeout(java.time.Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            }
            catch (IOException e) {
                // not listening yet
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(what + " not ready after " + timeout + "; log " + log + ":\n" + tail(log, 40));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            var all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
