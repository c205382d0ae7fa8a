package io.outboxconnect.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The no-Docker sandbox: real PostgreSQL, a real KRaft broker, a real schema registry and a real
 * Connect worker loading the plugin from {@code plugin.path}. Started once per test JVM by the
 * first test class that uses {@code @ExtendWith(Sandbox.class)} (or {@link #get()}), shared by
 * every scenario, and stopped in reverse order when JUnit finishes — also after failures — with a
 * shutdown hook as a backstop. A test JVM halted without its hooks (a fork timeout, {@code kill -9})
 * leaves its child processes to their watchdogs ({@link SandboxFiles#stopWhenOrphaned}).
 */
public final class Sandbox implements BeforeAllCallback {

    /** The worker's environment: the example connector reads the database password through {@code ${env:...}}. */
    public static final String DB_PASSWORD_ENV = "OUTBOX_DB_PASSWORD";

    private static Components components;

    /** What the sandbox runs, seen by the scenarios as an {@link OutboxEnvironment}. */
    public static final class Components extends LocalEnvironment {

        Components(Postgres postgres, Kafka broker, SchemaRegistry schemaRegistry, ConnectWorker worker) {
            super(postgres, broker, schemaRegistry, worker);
        }

        @Override
        public String name() {
            return "embedded sandbox";
        }

        @Override
        protected String workerRegistryUrl() {
            return schemaRegistry().ccompatUrl();
        }

        @Override
        public boolean exactlyOnce() {
            return ConnectWorker.exactlyOnce();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        get();
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(Sandbox.class,
                key -> (ExtensionContext.Store.CloseableResource) Sandbox::stop);
    }

    public static synchronized Components get() {
        if (components == null) {
            components = start();
            Runtime.getRuntime().addShutdownHook(new Thread(Sandbox::stop, "stop-sandbox"));
        }
        return components;
    }

    private static Components start() {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        long begin = System.nanoTime();
        try {
            Postgres postgres = timed("PostgreSQL", Postgres::start);
            started.push(postgres);
            Kafka kafka = timed("Kafka", Kafka::start);
            started.push(kafka);
            SchemaRegistry registry = timed("Apicurio Registry", SchemaRegistry::start);
            started.push(registry);
            ConnectWorker worker = timed("Connect worker", () -> ConnectWorker.start(kafka.bootstrapServers(),
                    Map.of(DB_PASSWORD_ENV, Postgres.PASSWORD), Map.of()));
            started.push(worker);
            System.out.printf("[sandbox] all components up in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
            return new Components(postgres, kafka, registry, worker);
        }
        catch (RuntimeException | Error e) {
            LocalEnvironment.closeAll(started);
            throw e;
        }
    }

    /** Stops every component, in reverse order; also run by JUnit and by a shutdown hook. */
    public static synchronized void stop() {
        if (components == null) {
            return;
        }
        Deque<AutoCloseable> all = new ArrayDeque<>();
        all.push(components.postgres());
        all.push(components.broker());
        all.push(components.schemaRegistry());
        all.push(components.worker());
        components = null;
        LocalEnvironment.closeAll(all);
        System.out.println("[sandbox] stopped");
    }

    private static <T> T timed(String what, java.util.function.Supplier<T> start) {
        long begin = System.nanoTime();
        T component = start.get();
        System.out.printf("[sandbox] %s started in %d ms%n", what, (System.nanoTime() - begin) / 1_000_000);
        return component;
    }
}
