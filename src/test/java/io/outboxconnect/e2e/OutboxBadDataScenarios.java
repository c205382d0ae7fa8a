package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.outboxconnect.sandbox.WorkerMetrics;

/**
 * Bad rows among good ones, in the real pipeline: the good ones are all published, in order, on both
 * streams; every bad one lands on the dead-letter topic exactly once, whole; the connector never
 * stops; updates and deletes of outbox rows are ignored.
 */
abstract class OutboxBadDataScenarios extends OutboxStateScenarios {

    static final String DLQ_TOPIC = "public.commerce.outbox_dlq.c1.v1";

    /** A bad outbox row: what it is, and its columns (aggregate type, aggregate id, event type, payload). */
    private record BadRow(String kind, String aggregateType, String aggregateId, String eventType, String payload) {
    }

    /** Stands for personal data in the bad rows and in an updated row: it must appear in no log line of the worker. */
    private static final String PERSONAL = "personal-" + UUID.randomUUID();

    /** A payload whose dead letter is over errors.dlq.max.bytes (and the producer's max.request.size) as JSON: it is sent gzipped. */
    private static final String GZIPPED_KIND = "dead letter over errors.dlq.max.bytes";

    private static List<BadRow> catalogue(String orderId) {
        String good = OrderService.aggregateJson(orderId, "PLACED", new java.math.BigDecimal("20.90"), 0)
                .replace("\"customer_id\": \"c-1\"", "\"customer_id\": \"" + PERSONAL + "\"");
        return List.of(
                new BadRow("event type not in the enum", "order", orderId, "ORDER_EXPLODED", good),
                new BadRow("payload is an array", "order", orderId, "ORDER_UPDATED", "[1, 2]"),
                new BadRow("payload is JSON null", "order", orderId, "ORDER_UPDATED", "null"),
                new BadRow("payload is a string", "order", orderId, "ORDER_UPDATED", "\"an order\""),
                new BadRow("empty object", "order", orderId, "ORDER_UPDATED", "{}"),
                new BadRow("wrong type", "order", orderId, "ORDER_UPDATED", good.replace("\"quantity\": 1", "\"quantity\": \"one\"")),
                new BadRow("missing required field", "order", orderId, "ORDER_UPDATED", good.replace("\"currency\": \"EUR\", ", "")),
                new BadRow("unknown field", "order", orderId, "ORDER_UPDATED", good.replace("{\"order_id\"", "{\"loyalty\": 1, \"order_id\"")),
                new BadRow("int out of range", "order", orderId, "ORDER_UPDATED", good.replace("\"quantity\": 1", "\"quantity\": 3000000000")),
                new BadRow("unparseable timestamp", "order", orderId, "ORDER_UPDATED", good.replace("\"created_at\": \"2026-01-01T00:00:00Z\"", "\"created_at\": \"soon\"")),
                new BadRow("decimal scale", "order", orderId, "ORDER_UPDATED", good.replace("\"total_amount\": 20.90", "\"total_amount\": 20.901")),
                new BadRow("aggregate type without schema", "invoice", orderId, "INVOICE_CREATED", good),
                new BadRow("aggregate type not a topic segment", "ord.er", orderId, "ORDER_UPDATED", good),
                new BadRow("empty aggregate id", "order", "", "ORDER_UPDATED", good),
                new BadRow("empty aggregate type", "", orderId, "ORDER_UPDATED", good),
                new BadRow("payload over payload.max.bytes", "order", orderId, "ORDER_UPDATED",
                        good.replace("\"note\": \"revision 0\"", "\"note\": \"" + "x".repeat(600 * 1024) + "\"")),
                new BadRow(GZIPPED_KIND, "order", orderId, "ORDER_UPDATED",
                        good.replace("\"note\": \"revision 0\"", "\"note\": \"" + "y".repeat(1_200 * 1024) + "\"")));
    }

    private static String insert(Connection c, BadRow row) throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (PreparedStatement outbox = c.prepareStatement("""
                INSERT INTO commerce_order_outbox (event_id, aggregate_type, aggregate_id, event_type, event_data)
                VALUES (?::uuid, ?, ?, ?, ?::jsonb)""")) {
            outbox.setString(1, eventId);
            outbox.setString(2, row.aggregateType());
            outbox.setString(3, row.aggregateId());
            outbox.setString(4, row.eventType());
            outbox.setString(5, row.payload());
            outbox.executeUpdate();
        }
        return eventId;
    }

    @Test
    void badRowsAmongAThousandGoodOnesGoToTheDeadLetterTopicOnceAndTheStreamGoesOn() throws Exception {
        String connector = ExampleDeployment.deploy(env);
        int aggregates = 50;
        int perAggregate = 20;
        List<String> orderIds = IntStream.range(0, aggregates).mapToObj(i -> OrderService.newOrderId()).toList();
        List<BadRow> catalogue = catalogue(orderIds.get(0));
        Map<String, BadRow> bad = new LinkedHashMap<>();
        List<String> goodEventIds = new ArrayList<>();
        Map<String, List<String>> goodEventIdsByOrder = new HashMap<>();
        StatusWatcher watcher = new StatusWatcher(connector);
        watcher.start();
        try {
            watcher.awaitObservation();
            // the rows an update and a delete touch; after them, the last bad row and the last row of each one's aggregate
            String updated;
            String deleted;
            String lastBad;
            Map<String, String> sentinels = new LinkedHashMap<>();
            try (Connection c = env.connectDatabase()) {
                c.setAutoCommit(false);
                int commits = 0;
                for (int revision = 1; revision <= perAggregate; revision++) {
                    for (String orderId : orderIds) {
                        String eventId = OrderService.write(c, orderId, revision == 1 ? "ORDER_CREATED" : "ORDER_UPDATED", "PLACED", revision);
                        goodEventIds.add(eventId);
                        goodEventIdsByOrder.computeIfAbsent(orderId, k -> new ArrayList<>()).add(eventId);
                        if (++commits % 60 == 0) {
                            // one bad row shares the good row's transaction: the good one is still published
                            BadRow row = catalogue.get(bad.size() % catalogue.size());
                            bad.put(insert(c, row), row);
                        }
                        c.commit();
                        if (commits % 60 == 30) {
                            BadRow row = catalogue.get(bad.size() % catalogue.size());
                            bad.put(insert(c, row), row);
                            c.commit();
                        }
                    }
                }
                // outbox rows are insert-only: an update and a delete are ignored, not republished, not dead letters
                updated = goodEventIds.get(0);
                deleted = goodEventIds.get(1);
                try (PreparedStatement update = c.prepareStatement("UPDATE commerce_order_outbox SET event_type = 'ORDER_SHIPPED',"
                        + " event_data = jsonb_set(event_data, '{customer_id}', to_jsonb(?::text)) WHERE event_id = ?::uuid");
                        PreparedStatement delete = c.prepareStatement("DELETE FROM commerce_order_outbox WHERE event_id = ?::uuid")) {
                    update.setString(1, PERSONAL);
                    update.setString(2, updated);
                    update.executeUpdate();
                    delete.setString(1, deleted);
                    delete.executeUpdate();
                }
                c.commit();
                // after them, one more bad row: the dead-letter topic has one partition, so every dead letter before it is there once it is
                lastBad = insert(c, catalogue.get(0));
                bad.put(lastBad, catalogue.get(0));
                c.commit();
                // and one more row on each of their aggregates: whatever they led to is published before it, on its partition
                for (String orderId : List.of(orderIds.get(0), orderIds.get(1))) {
                    String eventId = OrderService.write(c, orderId, "ORDER_UPDATED", "PLACED", perAggregate + 1);
                    c.commit();
                    sentinels.put(orderId, eventId);
                    goodEventIds.add(eventId);
                    goodEventIdsByOrder.get(orderId).add(eventId);
                }
            }
            assertThat(bad.values().stream().map(BadRow::kind).collect(Collectors.toSet())).as("every kind of bad row was written")
                    .hasSize(catalogue.size());

            Set<String> ours = new HashSet<>(orderIds);
            Set<String> after = new HashSet<>(sentinels.values());
            List<ConsumerRecord<String, byte[]>> events = awaitRecordsUntil(EVENTS_TOPIC, ours, after);
            List<ConsumerRecord<String, byte[]>> states = awaitRecordsUntil(STATE_TOPIC, ours, after);
            Set<String> ourEventIds = new HashSet<>(goodEventIds);
            ourEventIds.addAll(bad.keySet());
            List<ConsumerRecord<String, byte[]>> deadLetters = awaitDeadLettersUntil(ourEventIds, lastBad);

            Map<String, List<ConsumerRecord<String, byte[]>>> byEventId = deadLetters.stream()
                    .collect(Collectors.groupingBy(r -> String.valueOf(header(r, "outbox.dlq.event.id"))));
            assertThat(byEventId.keySet()).as("every bad row is a dead letter, and no good one is").isEqualTo(bad.keySet());

            assertThat(events.stream().map(r -> header(r, "id")).toList()).as("every good event once, nothing else")
                    .containsExactlyInAnyOrderElementsOf(goodEventIds);
            assertThat(states.stream().map(r -> header(r, "id")).toList()).as("one state record per good row, nothing else")
                    .containsExactlyInAnyOrderElementsOf(goodEventIds);
            Map<String, List<Integer>> expected = new HashMap<>();
            orderIds.forEach(order -> expected.put(order, IntStream.rangeClosed(1, sentinels.containsKey(order) ? perAggregate + 1 : perAggregate).boxed().toList()));
            assertThat(revisionsInOrder(events, true)).as("events of each order in commit order").isEqualTo(expected);
            assertThat(revisionsInOrder(states, false)).as("states of each order in commit order").isEqualTo(expected);
            for (Map.Entry<String, String> sentinel : sentinels.entrySet()) {
                for (List<ConsumerRecord<String, byte[]>> stream : List.of(events, states)) {
                    List<ConsumerRecord<String, byte[]>> ofOrder = stream.stream().filter(r -> r.key().equals(sentinel.getKey()))
                            .sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
                    assertThat(ofOrder).as("order %s on one partition", sentinel.getKey()).extracting(ConsumerRecord::partition).containsOnly(ofOrder.get(0).partition());
                    assertThat(ofOrder).as("order %s: its rows in commit order, the last one after the update of %s and the delete of %s, and nothing"
                            + " from those two", sentinel.getKey(), updated, deleted)
                            .extracting(r -> header(r, "id")).containsExactlyElementsOf(goodEventIdsByOrder.get(sentinel.getKey()));
                    assertThat(ofOrder).as("order %s: no tombstone", sentinel.getKey()).allSatisfy(r -> assertThat(r.value()).isNotNull());
                }
            }

            for (Map.Entry<String, BadRow> entry : bad.entrySet()) {
                List<ConsumerRecord<String, byte[]>> letters = byEventId.get(entry.getKey());
                BadRow row = entry.getValue();
                assertThat(letters).as("%s: one dead letter", row.kind()).hasSize(1);
                ConsumerRecord<String, byte[]> letter = letters.get(0);
                assertThat(header(letter, "outbox.dlq.content.encoding")).as("%s: gzipped only when over the limit", row.kind())
                        .isEqualTo(row.kind().equals(GZIPPED_KIND) ? "gzip" : null);
                byte[] value = letter.value();
                if (header(letter, "outbox.dlq.content.encoding") != null) {
                    assertThat(value.length).as("%s: gzipped under the producer's max.request.size", row.kind()).isLessThan(1_000_000);
                    try (var gzip = new GZIPInputStream(new ByteArrayInputStream(value))) {
                        value = gzip.readAllBytes();
                    }
                    assertThat(value.length).as("%s: over the limit as JSON", row.kind()).isGreaterThan(1_200 * 1024);
                }
                JsonNode original = JSON.readTree(value);
                assertThat(original.path("event_id").asText()).isEqualTo(entry.getKey());
                assertThat(original.path("aggregate_type").asText()).isEqualTo(row.aggregateType());
                assertThat(original.path("event_type").asText()).isEqualTo(row.eventType());
                assertThat(JSON.readTree(original.path("event_data").asText())).as("%s: the payload, whole", row.kind()).isEqualTo(JSON.readTree(row.payload()));
                assertThat(original.path("event_date").asText()).as("%s: every column", row.kind()).isNotBlank();
                assertThat(letter.key()).as("%s: keyed by aggregate id", row.kind()).isEqualTo(row.aggregateId().isEmpty() ? null : row.aggregateId());
                assertThat(header(letter, "outbox.dlq.reason")).as(row.kind()).contains(entry.getKey()).doesNotContain("xxxxxxxx");
                assertThat(header(letter, "outbox.dlq.table")).isEqualTo("public.commerce_order_outbox");
                assertThat(header(letter, "outbox.dlq.stream")).isIn("event", "state");
            }
            assertThat(deadLetters.stream().filter(r -> r.key() == null)).as("a row without aggregate id still has its dead letter").isNotEmpty();

            watcher.stopAfterOneMoreObservation();
            assertThat(watcher.failures).as("status requests the watcher could not make").isEmpty();
            assertThat(watcher.notRunning).as("the connector and its task stayed RUNNING throughout, from before the first row to after the last dead letter")
                    .isEmpty();

            env.workerMetrics().ifPresent(metrics -> awaitMetrics(metrics, connector, bad, orderIds.get(0), perAggregate + 1));
            if (env.workerLog().isPresent()) {
                assertThat(Files.readString(env.workerLog().get())).as("no payload value in the worker's log").doesNotContain(PERSONAL);
            }
        }
        finally {
            watcher.stop();
        }
    }

    /**
     * Asks the worker for the connector's status four times a second, from before the first row is
     * written until after the last dead letter is read, and keeps every status that is not all
     * RUNNING and every request that failed: a watcher that died or never looked would prove nothing.
     */
    private final class StatusWatcher {

        final ConcurrentLinkedQueue<String> notRunning = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicInteger observations = new AtomicInteger();
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final Thread thread;

        StatusWatcher(String connector) {
            thread = new Thread(() -> {
                while (watching.get()) {
                    try {
                        JsonNode status = env.connect().status(connector);
                        List<String> states = new ArrayList<>(List.of(status.path("connector").path("state").asText()));
                        status.path("tasks").forEach(t -> states.add(t.path("state").asText()));
                        if (status.path("tasks").isEmpty() || !states.stream().allMatch("RUNNING"::equals)) {
                            notRunning.add(status.toString());
                        }
                        observations.incrementAndGet();
                    }
                    catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    try {
                        Thread.sleep(250);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            }, "connector-status-watcher");
        }

        void start() {
            thread.start();
        }

        /** Waits for the first status the watcher saw. */
        void awaitObservation() {
            awaitObservationsAbove(0);
        }

        /** Waits for one more status than seen so far, then stops the watcher. */
        void stopAfterOneMoreObservation() throws InterruptedException {
            awaitObservationsAbove(observations.get());
            stop();
        }

        private void awaitObservationsAbove(int seen) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (observations.get() <= seen) {
                if (!thread.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the status watcher " + (thread.isAlive() ? "is stuck" : "died") + " after " + observations.get()
                            + " statuses; requests failed: " + failures);
                }
                sleep(50);
            }
        }

        void stop() throws InterruptedException {
            watching.set(false);
            thread.join();
        }
    }

    /**
     * Event dates Kafka does not take as record timestamps: Connect fails a task on one before 1970,
     * and the broker refuses one more than {@code log.message.timestamp.after.max.ms} ahead (one hour
     * by default since Kafka 4.0). Both rows are published, event_date as stored, their records stamped
     * with the change event's time; the connector keeps running, and the row after them arrives.
     */
    @Test
    void eventDatesKafkaRefusesAsTimestampsArePublishedWithTheChangeEventsTime() throws Exception {
        String connector = ExampleDeployment.deploy(env);
        String orderId = OrderService.newOrderId();
        java.time.Instant past = java.time.Instant.parse("1969-07-20T20:17:40Z");
        java.time.Instant ahead = java.time.Instant.now().plus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        List<String> eventIds = new ArrayList<>();
        long before = System.currentTimeMillis();
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            int revision = 0;
            for (java.time.Instant date : List.of(past, ahead)) {
                String eventId = UUID.randomUUID().toString();
                try (PreparedStatement outbox = c.prepareStatement("""
                        INSERT INTO commerce_order_outbox (event_id, aggregate_type, aggregate_id, event_type, event_date, event_data)
                        VALUES (?::uuid, 'order', ?, 'ORDER_UPDATED', ?::timestamptz, ?::jsonb)""")) {
                    outbox.setString(1, eventId);
                    outbox.setString(2, orderId);
                    outbox.setString(3, date.toString());
                    outbox.setString(4, OrderService.aggregateJson(orderId, "PLACED", new java.math.BigDecimal("20.90"), ++revision));
                    outbox.executeUpdate();
                }
                c.commit();
                eventIds.add(eventId);
            }
            eventIds.add(OrderService.write(c, orderId, "ORDER_UPDATED", "PAID", ++revision));
            c.commit();
        }

        List<ConsumerRecord<String, byte[]>> events = awaitRecords(EVENTS_TOPIC, Set.of(orderId), eventIds.size());
        List<ConsumerRecord<String, byte[]>> states = awaitRecords(STATE_TOPIC, Set.of(orderId), eventIds.size());
        long after = System.currentTimeMillis();

        assertThat(events).extracting(r -> header(r, "id")).as("all three, in order").containsExactlyElementsOf(eventIds);
        assertThat(states).extracting(r -> header(r, "id")).as("all three, in order").containsExactlyElementsOf(eventIds);
        List<Long> dates = events.stream().map(r -> (Long) decoder.decode(r.value()).get("event_date")).toList();
        assertThat(dates.subList(0, 2)).as("event_date as stored").containsExactly(micros(past), micros(ahead));
        for (ConsumerRecord<String, byte[]> record : List.of(events.get(0), events.get(1), states.get(0), states.get(1))) {
            assertThat(record.timestamp()).as("the change event's time").isBetween(before - 5_000, after);
        }
        var status = env.connect().status(connector);
        assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("tasks")).isNotEmpty().allSatisfy(task -> assertThat(task.path("state").asText()).isEqualTo("RUNNING"));
    }

    private static long micros(java.time.Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /**
     * A task restarted while its predecessor was still stopping registers the metrics that one held
     * once it is gone, at the next record: while waiting, the service writes one more event a second.
     */
    private void awaitMetrics(WorkerMetrics metrics, String connector, Map<String, BadRow> bad, String orderId, int lastRevision) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int revision = lastRevision;
        while (true) {
            try {
                assertMetrics(metrics, connector, bad);
                return;
            }
            catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(e.getMessage() + "\nthe connector's plugin metrics over JMX:\n" + metrics.describe(connector), e);
                }
                try (Connection c = env.connectDatabase()) {
                    OrderService.write(c, orderId, "ORDER_UPDATED", "PLACED", ++revision);
                }
                catch (SQLException sql) {
                    throw new IllegalStateException(sql);
                }
                sleep(1_000);
            }
        }
    }

    private void assertMetrics(WorkerMetrics metrics, String connector, Map<String, BadRow> bad) {
        long exploded = bad.values().stream().filter(r -> r.eventType().equals("ORDER_EXPLODED")).count();
        Map<Map<String, String>, Double> deadLetters = metrics.plugin(connector, "dead-letters-total");
        assertThat(deadLetters).as("dead letters by aggregate and event type, read over JMX from the worker")
                .anySatisfy((tags, value) -> {
                    assertThat(tags).containsEntry("transformation", "outbox").containsEntry("aggregate", "order")
                            .containsEntry("event_type", "ORDER_EXPLODED");
                    assertThat(value).isGreaterThanOrEqualTo(exploded);
                });
        assertThat(deadLetters.values().stream().mapToDouble(Double::doubleValue).sum()).isGreaterThanOrEqualTo(bad.size());
        assertThat(metrics.plugin(connector, "events-total")).anySatisfy((tags, value) -> {
            assertThat(tags).containsEntry("event_type", "ORDER_UPDATED");
            assertThat(value).isGreaterThanOrEqualTo(950);
        });
        assertThat(metrics.plugin(connector, "states-total").values()).anySatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(950));
        assertThat(metrics.plugin(connector, "ignored-total")).anySatisfy((tags, value) -> assertThat(tags).containsEntry("operation", "update"));
        assertThat(metrics.plugin(connector, "serialization-time-ns-avg").values()).anySatisfy(v -> assertThat(v).isPositive());
        assertThat(metrics.plugin(connector, "event-age-ms-max").values()).anySatisfy(v -> assertThat(v).isPositive());
        assertThat(metrics.plugin(connector, "registry-cache-hits-total")).isNotEmpty();
    }

    /** The revisions each order's records carry, in offset order; events carry it in event_data, states in note. */
    private Map<String, List<Integer>> revisionsInOrder(List<ConsumerRecord<String, byte[]>> records, boolean events) {
        Map<String, List<Integer>> revisions = new HashMap<>();
        records.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset)).forEach(r -> {
            GenericRecord value = decoder.decode(r.value());
            int revision = events ? OrderService.revisionOf(value.get("event_data").toString())
                    : Integer.parseInt(value.get("note").toString().substring("revision ".length()));
            revisions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(revision);
        });
        return revisions;
    }

    /**
     * The dead letters of this scenario's rows, good or bad, once the one of {@code lastEventId} is among
     * them (or after two minutes): the rows before it have had theirs, so a missing one is missing and an extra one is there.
     */
    private List<ConsumerRecord<String, byte[]>> awaitDeadLettersUntil(Set<String> ourEventIds, String lastEventId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<ConsumerRecord<String, byte[]>> letters = List.of();
        while (System.nanoTime() < deadline) {
            letters = env.kafka().readToEnd(DLQ_TOPIC, true, Duration.ofSeconds(30)).stream()
                    .filter(r -> ourEventIds.contains(header(r, "outbox.dlq.event.id"))).toList();
            if (letters.stream().anyMatch(r -> lastEventId.equals(header(r, "outbox.dlq.event.id")))) {
                return letters;
            }
            sleep(500);
        }
        return letters;
    }
}
