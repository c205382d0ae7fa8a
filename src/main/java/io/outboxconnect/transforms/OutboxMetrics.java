package io.outboxconnect.transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;

/**
 * The router's metrics, registered through the worker's plugin metrics (KIP-877), so they appear
 * wherever the worker reports its own (JMX: {@code kafka.connect:type=plugins,connector=…,task=…,
 * transformation=…}). Before the worker hands over its metrics, and on runtimes without them,
 * recording is a no-op.
 *
 * <p>Per aggregate and event type: {@code events-total}, {@code states-total}, {@code tombstones-total},
 * {@code dead-letters-total} (each with a {@code -rate} per second). Per operation: {@code ignored-total}
 * (updates and deletes of outbox rows). Per task: {@code serialization-time-ns-avg/-max} (payload to
 * Avro bytes, per row), {@code event-age-ms-avg/-max} (now − event_date when the event is handed to
 * the producer), {@code registry-calls-total} and {@code registry-cache-hits-total}.
 */
final class OutboxMetrics {

    /** The worker's Metrics holds sensors by name for all its plugins: each router names its own apart. */
    private static final java.util.concurrent.atomic.AtomicLong INSTANCES = new java.util.concurrent.atomic.AtomicLong();

    private final String sensorPrefix = "outbox-router-" + INSTANCES.incrementAndGet() + "|";
    private volatile PluginMetrics metrics;
    static final String NONE = "none";
    static final String OTHER = "other";
    private static final int MAX_SENSORS = 512;
    private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();

    void bind(PluginMetrics metrics, LongSupplier registryCalls, LongSupplier registryCacheHits) {
        this.metrics = metrics;
        gauge("registry-calls-total", "HTTP calls made to the schema registry (lookups, registrations, retries).", registryCalls);
        gauge("registry-cache-hits-total", "Schema lookups answered from the registry client's cache.", registryCacheHits);
        Sensor serialization = metrics.addSensor(sensorPrefix + "serialization-time");
        serialization.add(metrics.metricName("serialization-time-ns-avg", "Average time to turn one row's payload into its Avro records, in ns.", tags()), new Avg());
        serialization.add(metrics.metricName("serialization-time-ns-max", "Longest time to turn one row's payload into its Avro records, in ns.", tags()), new Max());
        sensors.put("serialization-time", serialization);
        Sensor age = metrics.addSensor(sensorPrefix + "event-age");
        age.add(metrics.metricName("event-age-ms-avg", "Average of now minus event_date when an event is handed to the producer, in ms.", tags()), new Avg());
        age.add(metrics.metricName("event-age-ms-max", "Largest now minus event_date when an event is handed to the producer, in ms.", tags()), new Max());
        sensors.put("event-age", age);
    }

    void event(String aggregate, String eventType) {
        count("events", "Events published", aggregate, eventType);
    }

    void state(String aggregate, String eventType) {
        count("states", "Latest-state records published", aggregate, eventType);
    }

    void tombstone(String aggregate, String eventType) {
        count("tombstones", "State tombstones published (deleting event types)", aggregate, eventType);
    }

    void deadLetter(String aggregate, String eventType) {
        count("dead-letters", "Rows sent to the dead-letter topic (or skipped with errors.data.policy=log)", aggregate, eventType);
    }

    void ignored(String operation) {
        PluginMetrics metrics = this.metrics;
        if (metrics == null) {
            return;
        }
        sensor("ignored|" + operation, metrics, () -> {
            LinkedHashMap<String, String> tags = tags("operation", operation);
            return new Stat[] {new Stat("ignored-total", "Outbox changes ignored: updates and deletes of outbox rows.", tags, true)};
        }).record();
    }

    void serializationNanos(long nanos) {
        record("serialization-time", nanos);
    }

    void eventAgeMillis(long millis) {
        record("event-age", millis);
    }

    private void record(String sensor, double value) {
        Sensor s = sensors.get(sensor);
        if (s != null) {
            s.record(value);
        }
    }

    private void count(String what, String description, String aggregate, String eventType) {
        PluginMetrics metrics = this.metrics;
        if (metrics == null) {
            return;
        }
        // bad rows can name anything: absent names get a placeholder (JMX rejects empty values), and the tag space is capped
        boolean full = sensors.size() >= MAX_SENSORS;
        String type = full ? OTHER : eventType == null || eventType.isEmpty() ? NONE : eventType;
        String agg = full ? OTHER : aggregate == null || aggregate.isEmpty() ? NONE : aggregate;
        sensor(what + "|" + agg + "|" + type, metrics, () -> {
            LinkedHashMap<String, String> tags = tags("aggregate", agg, "event_type", type);
            return new Stat[] {
                new Stat(what + "-total", description + ", by aggregate and event type.", tags, true),
                new Stat(what + "-rate", description + " per second, by aggregate and event type.", tags, false)};
        }).record();
    }

    private record Stat(String name, String description, LinkedHashMap<String, String> tags, boolean total) {
    }

    private Sensor sensor(String key, PluginMetrics metrics, java.util.function.Supplier<Stat[]> stats) {
        return sensors.computeIfAbsent(key, k -> {
            Sensor sensor = metrics.addSensor(sensorPrefix + k);
            for (Stat stat : stats.get()) {
                sensor.add(metrics.metricName(stat.name(), stat.description(), stat.tags()), stat.total() ? new CumulativeCount() : new Rate());
            }
            return sensor;
        });
    }

    private void gauge(String name, String description, LongSupplier value) {
        metrics.addMetric(metrics.metricName(name, description, tags()), (Gauge<Long>) (config, now) -> value.getAsLong());
    }

    private static LinkedHashMap<String, String> tags(String... keyValues) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            tags.put(keyValues[i], keyValues[i + 1]);
        }
        return tags;
    }
}
