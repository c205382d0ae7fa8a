package io.outboxconnect.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.outboxconnect.sandbox.OutboxEnvironment;

/**
 * A service under load while faults happen: {@value #WRITERS} connections write orders and their
 * outbox rows in one transaction each (create, update or delete of one of the aggregates), paced
 * to a rate. Each connection owns every {@value #WRITERS}th aggregate, so an aggregate's commit
 * order is its revision order (the revision is the aggregate's sequence number, carried in the
 * payload). A transaction that fails is retried on a new connection; when its commit failed, the
 * database says whether it committed after all. Outbox rows are kept: PostgreSQL is the record of
 * what was committed.
 */
final class OrderLoad implements AutoCloseable {

    static final int WRITERS = 4;
    private static final String[] LIVE_STATUSES = {"PLACED", "PAID", "SHIPPED"};
    private static final Duration DATABASE_UNREACHABLE_LIMIT = Duration.ofSeconds(120);

    private final OutboxEnvironment env;
    private final List<String> orderIds;
    private final int events;
    private final double eventsPerSecond;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicInteger failedTransactions = new AtomicInteger();
    private final AtomicInteger committedDespiteFailure = new AtomicInteger();
    private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    private final List<Future<?>> running = new ArrayList<>();
    private volatile boolean stopping;

    /** What a writer knows of one of its aggregates. */
    private static final class Aggregate {
        final String id;
        int revision;
        boolean exists;

        Aggregate(String id) {
            this.id = id;
        }
    }

    private OrderLoad(OutboxEnvironment env, int aggregates, int events, double eventsPerSecond) {
        this.env = env;
        this.orderIds = IntStream.range(0, aggregates).mapToObj(i -> OrderService.newOrderId()).toList();
        this.events = events;
        this.eventsPerSecond = eventsPerSecond;
    }

    /** Starts writing {@code events} events over {@code aggregates} new orders at about {@code eventsPerSecond}. */
    static OrderLoad start(OutboxEnvironment env, int aggregates, int events, double eventsPerSecond) {
        OrderLoad load = new OrderLoad(env, aggregates, events, eventsPerSecond);
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            int share = events / WRITERS + (writer < events % WRITERS ? 1 : 0);
            load.running.add(load.writers.submit(() -> {
                load.write(writer, share);
                return null;
            }));
        }
        return load;
    }

    List<String> orderIds() {
        return orderIds;
    }

    int events() {
        return events;
    }

    long committed() {
        return committed.get();
    }

    /** Transactions that failed (connection lost, server shutting down) and were retried or found committed. */
    int failedTransactions() {
        return failedTransactions.get();
    }

    /** Commits that threw but had committed: the database decided. */
    int committedDespiteFailure() {
        return committedDespiteFailure.get();
    }

    /** Waits until at least {@code count} events are committed. */
    void awaitCommitted(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + committed.get() + " of " + count + " events committed after " + timeout);
            }
            rethrowFailure();
            OutboxPipelineScenarios.sleep(50);
        }
    }

    /** Waits until every writer has committed its share; rethrows a writer's failure. */
    void awaitDone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> writer : running) {
            try {
                writer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException e) {
                throw new AssertionError("a writer failed: " + e.getCause(), e.getCause());
            }
            catch (TimeoutException e) {
                throw new AssertionError("the load did not finish within " + timeout + ": " + committed.get() + " of " + events + " committed");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void rethrowFailure() {
        for (Future<?> writer : running) {
            if (writer.isDone()) {
                try {
                    writer.get();
                }
                catch (ExecutionException e) {
                    throw new AssertionError("a writer failed: " + e.getCause(), e.getCause());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void write(int writer, int share) throws SQLException {
        Random random = new Random(31L * writer + orderIds.get(0).hashCode());
        List<Aggregate> owned = new ArrayList<>();
        for (int a = writer; a < orderIds.size(); a += WRITERS) {
            owned.add(new Aggregate(orderIds.get(a)));
        }
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) * WRITERS / eventsPerSecond);
        long next = System.nanoTime();
        Connection connection = null;
        try {
            for (int done = 0; done < share && !stopping; ) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += interval;
                Aggregate aggregate = owned.get(random.nextInt(owned.size()));
                boolean delete = aggregate.exists && random.nextInt(100) < 10;
                String eventType = !aggregate.exists ? "ORDER_CREATED" : "ORDER_UPDATED";
                String status = !aggregate.exists ? "PLACED" : LIVE_STATUSES[random.nextInt(LIVE_STATUSES.length)];
                int revision = aggregate.revision + 1;
                String eventId = null;
                boolean isCommitted;
                try {
                    if (connection == null) {
                        connection = connect();
                    }
                    eventId = delete ? OrderService.delete(connection, aggregate.id, revision)
                            : OrderService.write(connection, aggregate.id, eventType, status, revision);
                    connection.commit();
                    isCommitted = true;
                }
                catch (SQLException e) {
                    failedTransactions.incrementAndGet();
                    closeQuietly(connection);
                    connection = null;
                    // a commit that threw may have committed: the database decides
                    isCommitted = eventId != null && isInOutbox(eventId);
                    if (isCommitted) {
                        committedDespiteFailure.incrementAndGet();
                    }
                }
                if (isCommitted) {
                    aggregate.revision = revision;
                    aggregate.exists = !delete;
                    committed.incrementAndGet();
                    done++;
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            closeQuietly(connection);
        }
    }

    /** A connection, retried while the database is unreachable (restarting). */
    private Connection connect() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + DATABASE_UNREACHABLE_LIMIT.toNanos();
        while (true) {
            try {
                Connection connection = env.connectDatabase();
                connection.setAutoCommit(false);
                return connection;
            }
            catch (SQLException e) {
                if (System.nanoTime() > deadline || stopping) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private boolean isInOutbox(String eventId) {
        try (Connection c = connect(); PreparedStatement select = c.prepareStatement("SELECT count(*) FROM commerce_order_outbox WHERE event_id = ?::uuid")) {
            select.setString(1, eventId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot tell whether event " + eventId + " committed: " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            }
            catch (SQLException e) {
                // the connection is gone already
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        writers.shutdownNow();
        try {
            writers.awaitTermination(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
