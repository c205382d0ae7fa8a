package io.outboxconnect.sandbox;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real Kafka broker, KRaft mode, broker and controller in one node, running in the test JVM on
 * 127.0.0.1 (its log goes through the test JVM's logging). Internal topics have one replica.
 * It can be stopped and started again on the same ports and log directory.
 */
public final class Kafka implements AutoCloseable {

    /** How long a shutdown may take: a controlled shutdown can wait for ever on a quorum that does not answer. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConfig config;
    private final Path logDir;
    private final int port;
    private KafkaRaftServer server;

    private Kafka(KafkaConfig config, KafkaRaftServer server, Path logDir, int port) {
        this.config = config;
        this.server = server;
        this.logDir = logDir;
        this.port = port;
    }

    public static Kafka start() {
        Path logDir = SandboxFiles.tempDir("kafka-");
        int port = SandboxFiles.freePort();
        int controllerPort = SandboxFiles.freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("log.cleaner.backoff.ms", "1000");
        props.put("auto.create.topics.enable", "false");
        KafkaRaftServer server = null;
        try {
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(org.apache.kafka.common.Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            Kafka kafka = new Kafka(config, server, logDir, port);
            kafka.awaitReady();
            System.out.println("[sandbox] Kafka (KRaft) on 127.0.0.1:" + port + ", data " + logDir);
            return kafka;
        }
        catch (Exception e) {
            // a broker that started but did not become ready still runs in this JVM, on its ports and log directory
            if (server == null || shutdown(server)) {
                SandboxFiles.deleteRecursively(logDir);
            }
            throw new IllegalStateException("Kafka did not start: " + e, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Reads topics as a consumer would. */
    public KafkaReader reader() {
        return new KafkaReader(bootstrapServers());
    }

    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady() throws Exception {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Stops the broker (a controlled shutdown, for at most {@link #SHUTDOWN_TIMEOUT}); its log
     * directory stays for {@link #startAgain()}.
     */
    public synchronized void stop() {
        if (server != null) {
            if (!shutdown(server)) {
                throw new IllegalStateException("Kafka did not shut down within " + SHUTDOWN_TIMEOUT);
            }
            server = null;
            System.out.println("[sandbox] Kafka stopped");
        }
    }

    /** Starts the stopped broker again on the same ports and log directory, and waits until it answers. */
    public synchronized void startAgain() {
        if (server != null) {
            throw new IllegalStateException("Kafka is running");
        }
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            awaitReady();
            System.out.println("[sandbox] Kafka started again on 127.0.0.1:" + port);
        }
        catch (Exception e) {
            if (server != null && shutdown(server)) {
                server = null;
            }
            throw new IllegalStateException("Kafka did not start again: " + e, e);
        }
    }

    /** Shuts the broker down and waits for it, for at most {@link #SHUTDOWN_TIMEOUT}; whether it finished. */
    private static boolean shutdown(KafkaRaftServer server) {
        Thread stopping = new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "sandbox-kafka-shutdown");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(SHUTDOWN_TIMEOUT.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !stopping.isAlive();
    }

    /**
     * Stops the broker and deletes its log directory; a broker that did not shut down keeps it: a
     * broker whose log directory goes away halts the JVM it runs in, this one.
     */
    @Override
    public void close() {
        stop();
        SandboxFiles.deleteRecursively(logDir);
    }

}
