package io.outboxconnect.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sandbox of its own for fault scenarios, which stop, kill and cut its components: the same real
 * PostgreSQL, KRaft broker, Apicurio Registry and Connect worker as {@link Sandbox}, the worker
 * reaching the registry through a {@link RegistryProxy}, and the worker's exactly-once mode chosen
 * per instance. Not shared: the scenarios of one test class use it, then close it.
 */
public final class FaultSandbox extends LocalEnvironment implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final boolean exactlyOnce;
    private final RegistryProxy registryProxy;

    private FaultSandbox(String name, boolean exactlyOnce, Postgres postgres, Kafka broker, SchemaRegistry schemaRegistry,
            RegistryProxy registryProxy, ConnectWorker worker) {
        super(postgres, broker, schemaRegistry, worker);
        this.name = name;
        this.exactlyOnce = exactlyOnce;
        this.registryProxy = registryProxy;
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

    public RegistryProxy registryProxy() {
        return registryProxy;
    }

    @Override
    public String name() {
        return name;
    }

    /** The worker reaches the registry through the proxy, which the registry outage cuts. */
    @Override
    protected String workerRegistryUrl() {
        return "http://127.0.0.1:" + registryProxy.port() + "/apis/ccompat/v7";
    }

    @Override
    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    @Override
    public void close() {
        Deque<AutoCloseable> all = new ArrayDeque<>();
        all.push(postgres());
        all.push(broker());
        all.push(schemaRegistry());
        all.push(registryProxy);
        all.push(worker());
        closeAll(all);
        System.out.println("[sandbox] " + name + " stopped");
    }
}
