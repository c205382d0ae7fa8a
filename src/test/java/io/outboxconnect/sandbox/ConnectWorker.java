package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * A real distributed Kafka Connect worker in a child JVM: its classpath holds Kafka's runtime
 * only ({@code target/connect-worker.classpath}), its {@code plugin.path} only the unpacked plugin
 * bundle, so the plugin is loaded in isolation exactly as in production. REST on 127.0.0.1 and a
 * free port; log in {@code target/sandbox-logs/connect.log}. It can be killed ({@code SIGKILL}) and
 * started again with the same worker configuration (group, internal topics, REST port).
 */
public final class ConnectWorker implements AutoCloseable {

    private volatile Process process;
    private final int port;
    private final int jmxPort;
    private WorkerMetrics metrics;
    private final Path workDir;
    private final Path workerProperties;
    private final Map<String, String> environment;
    private final Path log;
    private final List<String> classpath;

    private ConnectWorker(int port, int jmxPort, Path workDir, Path workerProperties, Map<String, String> environment, Path log, List<String> classpath) {
        this.port = port;
        this.jmxPort = jmxPort;
        this.workDir = workDir;
        this.workerProperties = workerProperties;
        this.environment = Map.copyOf(environment);
        this.log = log;
        this.classpath = classpath;
    }

    /**
     * @param environment variables for the worker (its {@code env} config provider resolves {@code ${env:NAME}})
     * @param overrides   worker properties that replace the defaults
     */
    public static ConnectWorker start(String bootstrapServers, Map<String, String> environment, Map<String, String> overrides) {
        Path pluginPath = SandboxFiles.requiredDir("sandbox.plugin.dir", "the build unpacks the plugin bundle there; run through mvn verify");
        List<String> classpath = workerClasspath();
        Path workDir = SandboxFiles.tempDir("connect-");
        Path log = SandboxFiles.logsDir().resolve("connect.log");
        int port = SandboxFiles.freePort();
        int jmxPort = SandboxFiles.freePort();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "outbox-sandbox-" + port);
        props.put("config.storage.topic", "connect-configs-" + port);
        props.put("offset.storage.topic", "connect-offsets-" + port);
        props.put("status.storage.topic", "connect-status-" + port);
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("offset.flush.interval.ms", "1000");
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", String.valueOf(port));
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        props.put("plugin.discovery", "service_load");
        props.put("config.providers", "env");
        props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        // production setting for the outbox: an event, its state record and the source offset commit in one Kafka transaction;
        // -Dsandbox.exactly.once=false runs the worker at-least-once (a failsafe execution does)
        props.put("exactly.once.source.support", exactlyOnce() ? "enabled" : "disabled");
        props.putAll(overrides);
        Path workerProperties = workDir.resolve("worker.properties");
        try (var out = Files.newBufferedWriter(workerProperties)) {
            props.store(out, "sandbox Connect worker");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConnectWorker worker = new ConnectWorker(port, jmxPort, workDir, workerProperties, environment, log, classpath);
        worker.metrics = new WorkerMetrics(jmxPort);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "stop-connect-worker"));
        try {
            worker.launch();
        }
        catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    /** Starts the worker's JVM and waits until its REST API answers. */
    private void launch() {
        long started = System.nanoTime();
        try {
            List<String> command = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-XX:+UseSerialGC",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common=warn",
                    // the JMX agent is started once the worker is up (startJmx); its stubs name loopback
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-cp", String.join(java.io.File.pathSeparator, classpath),
                    "org.apache.kafka.connect.cli.ConnectDistributed", workerProperties.toString()));
            // more JVM options for the worker, after the defaults so that they override them: a flight
            // recording, or the benchmark's collector (-XX:-UseSerialGC -XX:+UseG1GC ...)
            String extra = System.getProperty("sandbox.worker.jvm.args", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(command.indexOf("-cp"), List.of(extra.split("\\s+")));
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Connect worker", e);
        }
        // SIGKILL: an orphaned worker's orderly stop waits for the broker, which ran in the test JVM
        SandboxFiles.stopWhenOrphaned(process.pid(), "KILL", log);
        awaitReady(Duration.ofSeconds(120));
        startJmx();
        System.out.printf("[sandbox] Connect worker on %s (pid %d), ready in %d ms, plugin.path %s, log %s%n",
                restUrl(), process.pid(), (System.nanoTime() - started) / 1_000_000, SandboxFiles.requiredDir("sandbox.plugin.dir", "set by the build"), log);
    }

    /**
     * Starts the worker's JMX agent, through the attach API, on {@code jmxPort} and 127.0.0.1 only:
     * metrics are read as an operator's agent would, over JMX. Not with {@code -Dcom.sun.management.jmxremote.port}
     * on the command line: the JDK then also starts its local connector, on a random port of every interface.
     */
    private void startJmx() {
        Properties agent = new Properties();
        agent.put("com.sun.management.jmxremote.port", String.valueOf(jmxPort));
        agent.put("com.sun.management.jmxremote.rmi.port", String.valueOf(jmxPort));
        agent.put("com.sun.management.jmxremote.host", "127.0.0.1");
        agent.put("com.sun.management.jmxremote.authenticate", "false");
        agent.put("com.sun.management.jmxremote.ssl", "false");
        try {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
            try {
                vm.startManagementAgent(agent);
            }
            finally {
                vm.detach();
            }
        }
        catch (AttachNotSupportedException | IOException e) {
            throw new IllegalStateException("Cannot start the Connect worker's JMX agent on 127.0.0.1:" + jmxPort + ": " + e, e);
        }
    }

    /**
     * Kills the worker's JVM with {@code SIGKILL} (what {@link Process#destroyForcibly()} sends on
     * Linux): no task is stopped, no offset flushed, no transaction committed or aborted.
     *
     * @return the exit status, 137 (128 + 9) for a JVM killed by {@code SIGKILL}
     */
    public int kill() {
        Process current = process;
        try {
            if (!current.destroyForcibly().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("The Connect worker (pid " + current.pid() + ") did not exit within 60 s of SIGKILL");
            }
            int status = current.exitValue();
            System.out.printf("[sandbox] Connect worker (pid %d) killed, exit status %d%n", current.pid(), status);
            return status;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the worker again with the same configuration: group, internal topics, REST and JMX ports. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("The Connect worker (pid " + process.pid() + ") is still running");
        }
        launch();
    }

    /** Whether the sandbox's worker runs with {@code exactly.once.source.support=enabled} (the default). */
    public static boolean exactlyOnce() {
        return Boolean.parseBoolean(System.getProperty("sandbox.exactly.once", "true"));
    }

    /** Kafka's runtime, as the build resolved it; nothing of the plugin. */
    static List<String> workerClasspath() {
        Path file = Path.of(System.getProperty("sandbox.worker.classpath.file", "target/connect-worker.classpath"));
        try {
            return List.of(Files.readString(file).trim().split(java.io.File.pathSeparator));
        }
        catch (IOException e) {
            throw new UncheckedIOException("The worker classpath file " + file + " is missing; run through mvn verify", e);
        }
    }

    public String restUrl() {
        return "http://127.0.0.1:" + port;
    }

    public List<String> classpath() {
        return classpath;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** The worker's metrics, over JMX. */
    public WorkerMetrics metrics() {
        return metrics;
    }

    /** The worker's REST API. */
    public ConnectRest rest() {
        return new ConnectRest(restUrl());
    }

    private void awaitReady(Duration timeout) {
        SandboxFiles.awaitHttpOk(process, restUrl() + "/connectors", timeout, log, "The Connect worker");
    }


    @Override
    public void close() {
        SandboxFiles.stop(process, 15_000);
        SandboxFiles.deleteRecursively(workDir);
    }
}
