package io.outboxconnect.transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's metrics, registered through the worker's plugin metrics (KIP-877), so they appear
 * wherever the worker reports its own (JMX: {@code kafka.connect:type=plugins,connector=…,task=…,
 * transformation=…}). Before the worker hands over its metrics, and on runtimes without them,
 * recording is a no-op.
 *
 * <p>Per aggregate and event type: {@code events-total}, {@code states-total}, {@code tombstones-total},
 * {@code dead-letters-total} (each with a {@code -rate} per second). Per operation: {@code ignored-total}
 * (updates, deletes and truncates of outbox rows). Per task: {@code record-timestamps-replaced-total} (rows whose
 * event date Kafka refuses as a record timestamp), {@code serialization-time-ns-avg/-max} (payload to
 * Avro bytes, per row), {@code event-age-ms-avg/-max} (now − event_date when the event is handed to
 * the producer), {@code registry-calls-total} and {@code registry-cache-hits-total}.
 *
 * <p>Metrics never stop the pipeline. When a task is restarted while its previous instance is still
 * stopping (Connect gives up waiting after {@code task.shutdown.graceful.timeout.ms}), that instance
 * still holds the same metric names, and registering them again would throw. This instance then
 * leaves out each metric it cannot register yet and tries it again every {@link #RETRY_INTERVAL_NANOS}
 * (1 s) while it has something to record, until the old instance is closed; the others it reports at once.
 */
final class OutboxMetrics {

    private static final Logger LOGGER = LoggerFactory.getLogger(OutboxMetrics.class);

    /** The worker's Metrics holds sensors by name for all its plugins: each router names its own apart. */
    private static final AtomicLong INSTANCES = new AtomicLong();
    static final String NONE = "none";
    static final String OTHER = "other";
    /** Bad rows can name any aggregate and event type: past this many sensors, new names share one. */
    private static final int MAX_SENSORS = 512;
    static final long RETRY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final String SERIALIZATION = "serialization-time";
    private static final String EVENT_AGE = "event-age";
    private static final String GAUGES = "registry-gauges";
    private static final String TIMESTAMPS_REPLACED = "record-timestamps-replaced";

    private final String sensorPrefix = "outbox-router-" + INSTANCES.incrementAndGet() + "|";
    private final long retryIntervalNanos;
    private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();
    private volatile PluginMetrics metrics;
    private LongSupplier registryCalls;
    private LongSupplier registryCacheHits;
    private boolean gaugesAdded;
    /** Names an earlier instance still holds, by sensor key, with the nanoTime from which to try again. */
    private final Map<String, Long> heldElsewhere = new ConcurrentHashMap<>();
    private boolean warned;

    OutboxMetrics() {
        this(RETRY_INTERVAL_NANOS);
    }

    OutboxMetrics(long retryIntervalNanos) {
        this.retryIntervalNanos = retryIntervalNanos;
    }

    void bind(PluginMetrics metrics, LongSupplier registryCalls, LongSupplier registryCacheHits) {
        this.registryCalls = registryCalls;
        this.registryCacheHits = registryCacheHits;
        this.metrics = metrics;
        addTaskMetrics(metrics);
    }

    /** The per-task metrics: the registry gauges, serialization time and event age. */
    private void addTaskMetrics(PluginMetrics metrics) {
        addGauges(metrics);
        sensor(SERIALIZATION, metrics, () -> new Stat[] {
            new Stat("serialization-time-ns-avg", "Average time to turn one row's payload into its Avro records, in ns.", tags(), new Avg()),
            new Stat("serialization-time-ns-max", "Longest time to turn one row's payload into its Avro records, in ns.", tags(), new Max())});
        sensor(EVENT_AGE, metrics, () -> new Stat[] {
            new Stat("event-age-ms-avg", "Average of now minus event_date when an event is handed to the producer, in ms.", tags(), new Avg()),
            new Stat("event-age-ms-max", "Largest now minus event_date when an event is handed to the producer, in ms.", tags(), new Max())});
    }

    /** A count by aggregate and event type, its sensors kept by both names: the hot path builds no key. */
    private record Counter(String what, String description, Map<String, Map<String, Sensor>> byAggregate) {
        Counter(String what, String description) {
            this(what, description, new ConcurrentHashMap<>());
        }
    }

    private final Counter events = new Counter("events", "Events published");
    private final Counter states = new Counter("states", "Latest-state records published");
    private final Counter tombstones = new Counter("tombstones", "State tombstones published (deleting event types)");
    private final Counter deadLetters = new Counter("dead-letters", "Rows sent to the dead-letter topic (or skipped with errors.data.policy=log)");

    void event(String aggregate, String eventType) {
        count(events, aggregate, eventType);
    }

    void state(String aggregate, String eventType) {
        count(states, aggregate, eventType);
    }

    void tombstone(String aggregate, String eventType) {
        count(tombstones, aggregate, eventType);
    }

    void deadLetter(String aggregate, String eventType) {
        count(deadLetters, aggregate, eventType);
    }

    void ignored(String operation) {
        total("ignored|" + operation, () -> new Stat("ignored-total", "Outbox changes ignored: updates, deletes and truncates of outbox rows.",
                tags("operation", operation), new CumulativeCount()));
    }

    void recordTimestampReplaced() {
        total(TIMESTAMPS_REPLACED, () -> new Stat("record-timestamps-replaced-total", "Rows whose event date Kafka does not take as a record"
                + " timestamp (before 1970, or more than " + EventDates.MAX_AHEAD_MS / 60_000 + " minutes ahead): their records carry the change"
                + " event's ts_ms instead.", tags(), new CumulativeCount()));
    }

    /** Adds one to a count of its own sensor (no rate beside it), registered on first use. */
    private void total(String key, java.util.function.Supplier<Stat> stat) {
        PluginMetrics metrics = this.metrics;
        if (metrics == null) {
            return;
        }
        record(sensor(key, metrics, () -> new Stat[] {stat.get()}), 1);
    }

    void serializationNanos(long nanos) {
        recordTaskLevel(SERIALIZATION, nanos);
    }

    void eventAgeMillis(long millis) {
        recordTaskLevel(EVENT_AGE, millis);
    }

    private void recordTaskLevel(String key, double value) {
        Sensor sensor = sensors.get(key);
        PluginMetrics metrics = this.metrics;
        if (sensor == null && metrics != null && retryDue(key)) {
            addTaskMetrics(metrics);
            sensor = sensors.get(key);
        }
        record(sensor, value);
    }

    private void count(Counter counter, String aggregate, String eventType) {
        PluginMetrics metrics = this.metrics;
        if (metrics == null) {
            return;
        }
        Map<String, Sensor> byType = aggregate == null ? null : counter.byAggregate().get(aggregate);
        Sensor known = byType == null || eventType == null ? null : byType.get(eventType);
        if (known != null) {
            known.record(1);
            return;
        }
        boolean full = sensors.size() >= MAX_SENSORS;
        // JMX rejects empty tag values: absent names get a placeholder
        String type = full ? OTHER : eventType == null || eventType.isEmpty() ? NONE : eventType;
        String agg = full ? OTHER : aggregate == null || aggregate.isEmpty() ? NONE : aggregate;
        String what = counter.what();
        Sensor sensor = sensor(what + "|" + agg + "|" + type, metrics, () -> {
            LinkedHashMap<String, String> tags = tags("aggregate", agg, "event_type", type);
            return new Stat[] {
                new Stat(what + "-total", counter.description() + ", by aggregate and event type.", tags, new CumulativeCount()),
                new Stat(what + "-rate", counter.description() + " per second, by aggregate and event type.", tags, new Rate())};
        });
        if (sensor != null && !full && agg.equals(aggregate) && type.equals(eventType)) {
            counter.byAggregate().computeIfAbsent(aggregate, a -> new ConcurrentHashMap<>()).put(eventType, sensor); // bounded by MAX_SENSORS
        }
        record(sensor, 1);
    }

    private static void record(Sensor sensor, double value) {
        if (sensor != null) {
            sensor.record(value);
        }
    }

    private record Stat(String name, String description, LinkedHashMap<String, String> tags, MeasurableStat stat) {
    }

    /** The sensor for key, registered on first use; null while an earlier instance of this task holds the names. */
    private Sensor sensor(String key, PluginMetrics metrics, java.util.function.Supplier<Stat[]> stats) {
        Sensor sensor = sensors.get(key);
        if (sensor != null || !retryDue(key)) {
            return sensor;
        }
        addGauges(metrics);
        String name = sensorPrefix + key;
        sensor = metrics.addSensor(name);
        try {
            for (Stat stat : stats.get()) {
                sensor.add(metrics.metricName(stat.name(), stat.description(), stat.tags()), stat.stat());
            }
        }
        catch (IllegalArgumentException e) {
            metrics.removeSensor(name); // half-built: drop it, the next attempt builds it whole
            heldByAnotherInstance(key, e);
            return null;
        }
        heldElsewhere.remove(key);
        sensors.put(key, sensor);
        return sensor;
    }

    private void addGauges(PluginMetrics metrics) {
        if (gaugesAdded || !retryDue(GAUGES)) {
            return;
        }
        MetricName calls = metrics.metricName("registry-calls-total", "HTTP calls made to the schema registry (lookups, registrations, retries).", tags());
        MetricName hits = metrics.metricName("registry-cache-hits-total", "Schema lookups answered from the registry client's cache.", tags());
        try {
            metrics.addMetric(calls, (Gauge<Long>) (config, now) -> registryCalls.getAsLong());
        }
        catch (IllegalArgumentException e) {
            heldByAnotherInstance(GAUGES, e);
            return;
        }
        try {
            metrics.addMetric(hits, (Gauge<Long>) (config, now) -> registryCacheHits.getAsLong());
        }
        catch (IllegalArgumentException e) {
            metrics.removeMetric(calls);
            heldByAnotherInstance(GAUGES, e);
            return;
        }
        heldElsewhere.remove(GAUGES);
        gaugesAdded = true;
    }

    private boolean retryDue(String key) {
        Long retryAt = heldElsewhere.get(key);
        return retryAt == null || System.nanoTime() - retryAt >= 0;
    }

    private void heldByAnotherInstance(String key, IllegalArgumentException e) {
        heldElsewhere.put(key, System.nanoTime() + retryIntervalNanos);
        if (!warned) {
            warned = true;
            LOGGER.warn("Metrics of this transformation are still registered by an earlier instance of the task that is stopping ({}); "
                    + "this instance reports its metrics once that one is closed, retrying every {} s", e.getMessage(),
                    TimeUnit.NANOSECONDS.toMillis(retryIntervalNanos) / 1000.0);
        }
    }

    private static LinkedHashMap<String, String> tags(String... keyValues) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            tags.put(keyValues[i], keyValues[i + 1]);
        }
        return tags;
    }
}
