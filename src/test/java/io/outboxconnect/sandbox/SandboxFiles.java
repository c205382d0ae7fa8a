package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

    /** A port nothing listens on at the moment, on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
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
