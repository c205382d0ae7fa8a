package io.outboxconnect.sandbox;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
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
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            Kafka kafka = new Kafka(config, server, logDir, port);
            kafka.awaitReady();
            System.out.println("[sandbox] Kafka (KRaft) on 127.0.0.1:" + port + ", data " + logDir);
            return kafka;
        }
        catch (Exception e) {
            SandboxFiles.deleteRecursively(logDir);
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

    /** Stops the broker (a controlled shutdown); its log directory stays for {@link #startAgain()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
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
            throw new IllegalStateException("Kafka did not start again: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        }
        finally {
            SandboxFiles.deleteRecursively(logDir);
        }
    }

}
