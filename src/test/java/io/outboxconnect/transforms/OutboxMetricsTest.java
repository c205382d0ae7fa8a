package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's metrics as the worker hosts them: one {@link Metrics} per worker, one
 * {@link PluginMetricsImpl} per transformation instance, tagged by connector, task and alias.
 */
class OutboxMetricsTest {

    private static final Map<String, String> TASK = Map.of("connector", "orders", "task", "0", "transformation", "outbox");
    private static final long RETRY = Duration.ofMillis(100).toNanos();

    private final Metrics worker = new Metrics();

    @AfterEach
    void close() {
        worker.close();
    }

    private double value(String name, String... tags) {
        Map<String, String> all = new LinkedHashMap<>(TASK);
        for (int i = 0; i < tags.length; i += 2) {
            all.put(tags[i], tags[i + 1]);
        }
        KafkaMetric metric = worker.metric(new MetricName(name, "plugins", "", all));
        return metric == null ? Double.NaN : ((Number) metric.metricValue()).doubleValue();
    }

    @Test
    void countsByAggregateAndEventTypeWithPlaceholdersForAbsentNames() {
        OutboxMetrics metrics = new OutboxMetrics(RETRY);
        metrics.bind(new PluginMetricsImpl(worker, TASK), () -> 7, () -> 5);

        metrics.event("order", "ORDER_CREATED");
        metrics.event("order", "ORDER_CREATED");
        metrics.deadLetter("", null);

        assertThat(value("events-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isEqualTo(2.0);
        assertThat(value("dead-letters-total", "aggregate", OutboxMetrics.NONE, "event_type", OutboxMetrics.NONE)).isEqualTo(1.0);
        assertThat(value("registry-calls-total")).isEqualTo(7.0);
        assertThat(value("registry-cache-hits-total")).isEqualTo(5.0);
    }

    @Test
    void aRestartedTaskRunsWhileItsStoppingPredecessorStillHoldsTheMetricsAndTakesThemOverOnceItIsClosed() throws Exception {
        PluginMetricsImpl stopping = new PluginMetricsImpl(worker, TASK);
        OutboxMetrics predecessor = new OutboxMetrics(RETRY);
        predecessor.bind(stopping, () -> 1, () -> 1);
        predecessor.event("order", "ORDER_CREATED");
        predecessor.serializationNanos(1_000);

        OutboxMetrics restarted = new OutboxMetrics(RETRY);
        restarted.bind(new PluginMetricsImpl(worker, TASK), () -> 42, () -> 40);
        restarted.event("order", "ORDER_CREATED");
        restarted.serializationNanos(9_000);
        restarted.deadLetter("order", "ORDER_EXPLODED");
        assertThat(value("events-total", "aggregate", "order", "event_type", "ORDER_CREATED"))
                .as("the predecessor's metrics are untouched while it is stopping").isEqualTo(1.0);
        assertThat(value("registry-calls-total")).isEqualTo(1.0);
        assertThat(value("dead-letters-total", "aggregate", "order", "event_type", "ORDER_EXPLODED"))
                .as("a metric the predecessor does not hold is reported at once").isEqualTo(1.0);

        close(stopping); // the worker closes the predecessor's metrics once its task has stopped
        Thread.sleep(Duration.ofNanos(RETRY).toMillis() + 50);
        restarted.event("order", "ORDER_CREATED");
        restarted.serializationNanos(9_000);
        restarted.eventAgeMillis(250);

        assertThat(value("event-age-ms-max")).isEqualTo(250.0);
        assertThat(value("events-total", "aggregate", "order", "event_type", "ORDER_CREATED")).as("the restarted instance's own count").isEqualTo(1.0);
        assertThat(value("serialization-time-ns-avg")).isEqualTo(9_000.0);
        assertThat(value("registry-calls-total")).isEqualTo(42.0);
        assertThat(value("registry-cache-hits-total")).isEqualTo(40.0);
    }

    @Test
    void aNameCollisionLeavesNoHalfBuiltSensorBehind() throws Exception {
        PluginMetricsImpl stopping = new PluginMetricsImpl(worker, TASK);
        new OutboxMetrics(RETRY).bind(stopping, () -> 1, () -> 1);
        PluginMetricsImpl mine = new PluginMetricsImpl(worker, TASK);
        OutboxMetrics restarted = new OutboxMetrics(RETRY);
        restarted.bind(mine, () -> 2, () -> 2);

        close(mine);

        assertThat(worker.metrics().keySet()).as("closing the restarted instance removes nothing of the predecessor's")
                .extracting(MetricName::name).contains("registry-calls-total", "serialization-time-ns-avg", "event-age-ms-max");
        close(stopping);
        assertThat(worker.metrics().keySet()).extracting(MetricName::group).doesNotContain("plugins");
    }

    private static void close(PluginMetricsImpl metrics) throws IOException {
        metrics.close();
    }
}
