package io.outboxconnect.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import io.outboxconnect.sandbox.ConnectRest;
import io.outboxconnect.sandbox.KafkaReader;
import io.outboxconnect.sandbox.OutboxEnvironment;
import io.outboxconnect.sandbox.RegistryRest;

/**
 * The scenarios' environment on a Docker host: PostgreSQL with logical decoding, Kafka, Confluent
 * Schema Registry and Debezium's Connect image with the unpacked plugin bundle mounted into its
 * plugin path, on one container network. Started once per test JVM, stopped when JUnit finishes.
 * Selected by {@code -Dsandbox=containers}; skipped where Docker is absent.
 */
final class ContainerSandbox implements OutboxEnvironment, BeforeAllCallback {

    static final String POSTGRES_IMAGE = "postgres:16";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.7.1";
    static final String CONNECT_IMAGE = "quay.io/debezium/connect:3.7.0.Final";

    private static ContainerSandbox instance;

    private Network network;
    private PostgreSQLContainer<?> postgres;
    private KafkaContainer kafka;
    private GenericContainer<?> registry;
    private GenericContainer<?> connect;

    @Override
    public void beforeAll(ExtensionContext context) {
        get();
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(ContainerSandbox.class,
                key -> (ExtensionContext.Store.CloseableResource) ContainerSandbox::stop);
    }

    static synchronized ContainerSandbox get() {
        if (instance == null) {
            ContainerSandbox sandbox = new ContainerSandbox();
            sandbox.start();
            instance = sandbox;
        }
        return instance;
    }

    @SuppressWarnings("resource")
    private void start() {
        network = Network.newNetwork();
        postgres = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                .withNetwork(network).withNetworkAliases("postgres")
                .withDatabaseName("postgres").withUsername("postgres").withPassword("postgres")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=8", "-c", "max_wal_senders=8");
        kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withNetwork(network).withNetworkAliases("kafka")
                .withListener("kafka:19092");
        registry = new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
                .withNetwork(network).withNetworkAliases("schema-registry")
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))
                .dependsOn(kafka);
        connect = new GenericContainer<>(DockerImageName.parse(CONNECT_IMAGE))
                .withNetwork(network).withNetworkAliases("connect")
                .withEnv("BOOTSTRAP_SERVERS", "kafka:19092")
                .withEnv("GROUP_ID", "outbox-containers")
                .withEnv("CONFIG_STORAGE_TOPIC", "connect-configs")
                .withEnv("OFFSET_STORAGE_TOPIC", "connect-offsets")
                .withEnv("STATUS_STORAGE_TOPIC", "connect-status")
                .withEnv("CONFIG_STORAGE_REPLICATION_FACTOR", "1")
                .withEnv("OFFSET_STORAGE_REPLICATION_FACTOR", "1")
                .withEnv("STATUS_STORAGE_REPLICATION_FACTOR", "1")
                .withEnv("CONNECT_CONFIG_PROVIDERS", "env")
                .withEnv("CONNECT_CONFIG_PROVIDERS_ENV_CLASS", "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
                .withEnv("CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT", "enabled")
                .withEnv("OUTBOX_DB_PASSWORD", "postgres")
                .withFileSystemBind(bundleDir().toString(), "/kafka/connect/outbox-connect", BindMode.READ_ONLY)
                .withExposedPorts(8083)
                .waitingFor(Wait.forHttp("/connectors").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)))
                .dependsOn(kafka, postgres, registry);
        Stream.of(postgres, kafka, registry, connect).forEach(GenericContainer::start);
        Runtime.getRuntime().addShutdownHook(new Thread(ContainerSandbox::stop, "stop-containers"));
    }

    /** The unpacked bundle's top folder under target/plugin-path. */
    private static Path bundleDir() {
        Path pluginPath = Path.of(System.getProperty("sandbox.plugin.dir", "target/plugin-path"));
        try (Stream<Path> dirs = Files.list(pluginPath)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow().toAbsolutePath();
        }
        catch (Exception e) {
            throw new IllegalStateException("No unpacked plugin bundle under " + pluginPath + "; run through mvn verify", e);
        }
    }

    private static synchronized void stop() {
        if (instance == null) {
            return;
        }
        ContainerSandbox sandbox = instance;
        instance = null;
        Stream.of(sandbox.connect, sandbox.registry, sandbox.kafka, sandbox.postgres).forEach(GenericContainer::stop);
        sandbox.network.close();
    }

    @Override
    public String name() {
        return "containers";
    }

    @Override
    public Connection connectDatabase() throws SQLException {
        return DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
    }

    @Override
    public Map<String, String> connectorLocations() {
        return Map.of("database.hostname", "postgres", "database.port", "5432", "database.dbname", "postgres",
                "schema.registry.url", "http://schema-registry:8081");
    }

    @Override
    public boolean exactlyOnce() {
        return true;
    }

    @Override
    public RegistryRest registry() {
        return new RegistryRest("http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
    }

    @Override
    public ConnectRest connect() {
        return new ConnectRest("http://" + connect.getHost() + ":" + connect.getMappedPort(8083));
    }

    @Override
    public KafkaReader kafka() {
        return new KafkaReader(kafka.getBootstrapServers());
    }

    /** Confluent Schema Registry here: Apicurio's deserializer does not apply. */
    @Override
    public Optional<Map<String, Object>> apicurioDeserializerConfig() {
        return Optional.empty();
    }
}
