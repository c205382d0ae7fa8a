package io.outboxconnect.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real schema registry: Apicurio Registry 2.6.13.Final (from Maven Central, unpacked by the
 * build into {@code target/apicurio}) in a child JVM with in-memory storage, on 127.0.0.1 and a
 * free port, its log in {@code target/sandbox-logs/schema-registry.log}. Clients use its
 * Confluent-compatible API, {@link #ccompatUrl()}.
 */
public final class SchemaRegistry implements AutoCloseable {

    private static final String RUNNER = "apicurio-registry-app-2.6.13.Final-runner.jar";

    private final Process process;
    private final int port;
    private final Path workDir;
    private final Path log;

    private SchemaRegistry(Process process, int port, Path workDir, Path log) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.log = log;
    }

    public static SchemaRegistry start() {
        Path home = SandboxFiles.requiredDir("sandbox.apicurio.dir", "the build unpacks Apicurio Registry there; run through mvn verify");
        Path log = SandboxFiles.logsDir().resolve("schema-registry.log");
        Path workDir = SandboxFiles.tempDir("apicurio-");
        int port = SandboxFiles.freePort();
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.level=WARN",
                    "-Dquarkus.log.category.\"io.apicurio\".level=INFO",
                    "-jar", home.resolve(RUNNER).toString()))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        }
        catch (IOException e) {
            SandboxFiles.deleteRecursively(workDir);
            throw new IllegalStateException("Cannot start Apicurio Registry from " + home, e);
        }
        SchemaRegistry registry = new SchemaRegistry(process, port, workDir, log);
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "stop-schema-registry"));
        try {
            SandboxFiles.stopWhenOrphaned(process.pid(), "TERM", log);
            registry.awaitReady(Duration.ofSeconds(90));
        }
        catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        System.out.printf("[sandbox] Apicurio Registry on %s (pid %d), ready in %d ms, log %s%n",
                registry.ccompatUrl(), process.pid(), (System.nanoTime() - started) / 1_000_000, log);
        return registry;
    }

    /** The Confluent-compatible API, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** The Confluent-compatible API, as a deploy pipeline or a consumer uses it. */
    public RegistryRest rest() {
        return new RegistryRest(ccompatUrl());
    }

    private void awaitReady(Duration timeout) {
        SandboxFiles.awaitHttpOk(process, ccompatUrl() + "/subjects", timeout, log, "Apicurio Registry");
    }

    @Override
    public void close() {
        SandboxFiles.stop(process, 10_000);
        SandboxFiles.deleteRecursively(workDir);
    }

    static boolean exists(Path home) {
        return Files.exists(home.resolve(RUNNER));
    }
}
