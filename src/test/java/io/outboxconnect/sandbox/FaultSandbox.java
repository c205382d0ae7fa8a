package io.outboxconnect.sandbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sandbox of its own for fault scenarios, which stop, kill and cut its components: the same real
 * PostgreSQL, KRaft broker, Apicurio Registry and Connect worker as {@link Sandbox}, the worker
 * reaching the registry through a {@link RegistryProxy}, and the worker's exactly-once mode chosen
 * per instance. Not shared: the scenarios of one test class use it, then close it.
 */
public final class FaultSandbox implements OutboxEnvironment, AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final boolean exactlyOnce;
    private final Postgres postgres;
    private final Kafka broker;
    private final SchemaRegistry schemaRegistry;
    private final RegistryProxy registryProxy;
    private final ConnectWorker worker;

    private FaultSandbox(String name, boolean exactlyOnce, Postgres postgres, Kafka broker, SchemaRegistry schemaRegistry,
            RegistryProxy registryProxy, ConnectWorker worker) {
        this.name = name;
        this.exactlyOnce = exactlyOnce;
        this.postgres = postgres;
        this.broker = broker;
        this.schemaRegistry = schemaRegistry;
        this.registryProxy = registryProxy;
        this.worker = worker;
    }

    /** Starts every component; the worker with {@code exactly.once.source.support} enabled or disabled. */
    public static FaultSandbox start(boolean exactlyOnce) {
        String name = "fault sandbox " + INSTANCES.incrementAndGet() + (exactlyOnce ? " (exactly-once)" : " (at-least-once)");
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Postgres postgres = Postgres.start();
            started.push(postgres);
            Kafka broker = Kafka.start();
            started.push(broker);
            SchemaRegistry registry = SchemaRegistry.start();
            started.push(registry);
            RegistryProxy proxy = RegistryProxy.start(registry.port());
            started.push(proxy);
            ConnectWorker worker = ConnectWorker.start(broker.bootstrapServers(), Map.of(Sandbox.DB_PASSWORD_ENV, Postgres.PASSWORD), Map.of(
                    "exactly.once.source.support", exactlyOnce ? "enabled" : "disabled",
                    // a killed worker's group membership expires sooner than the default 10 s, so its restart rebalances sooner
                    "session.timeout.ms", "6000",
                    "heartbeat.interval.ms", "2000"));
            started.push(worker);
            System.out.println("[sandbox] " + name + " up");
            return new FaultSandbox(name, exactlyOnce, postgres, broker, registry, proxy, worker);
        }
        catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    public Postgres postgres() {
        return postgres;
    }

    public Kafka broker() {
        return broker;
    }

    public RegistryProxy registryProxy() {
        return registryProxy;
    }

    public ConnectWorker worker() {
        return worker;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Connection connectDatabase() throws SQLException {
        return postgres.connect();
    }

    /** The worker reaches the registry through the proxy, which the registry outage cuts. */
    @Override
    public Map<String, String> connectorLocations() {
        return Map.of("database.hostname", postgres.host(), "database.port", String.valueOf(postgres.port()),
                "database.dbname", Postgres.DATABASE, "schema.registry.url", "http://127.0.0.1:" + registryProxy.port() + "/apis/ccompat/v7");
    }

    @Override
    public RegistryRest registry() {
        return schemaRegistry.rest();
    }

    @Override
    public ConnectRest connect() {
        return worker.rest();
    }

    @Override
    public KafkaReader kafka() {
        return broker.reader();
    }

    @Override
    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    @Override
    public Optional<Map<String, Object>> apicurioDeserializerConfig() {
        return Optional.empty();
    }

    @Override
    public void close() {
        Deque<AutoCloseable> all = new ArrayDeque<>();
        all.push(postgres);
        all.push(broker);
        all.push(schemaRegistry);
        all.push(registryProxy);
        all.push(worker);
        closeAll(all);
        System.out.println("[sandbox] " + name + " stopped");
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            }
            catch (Exception e) {
                System.err.println("[sandbox] stop failed: " + e);
            }
        }
    }
}
