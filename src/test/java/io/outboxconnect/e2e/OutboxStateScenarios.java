package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The second half of the promise: every outbox row also updates the aggregate's latest state on
 * the log-compacted topic, from the same replication slot, in the same Kafka transaction as its
 * event (the sandbox's worker runs with {@code exactly.once.source.support=enabled}; the test
 * reads with {@code read_committed}).
 */
abstract class OutboxStateScenarios extends OutboxPipelineScenarios {

    static final String STATE_TOPIC = ExampleDeployment.STATE_TOPIC;

    @Test
    void theCompactedTopicHoldsEachAggregatesLatestStateAndATombstoneForDeletedOnes() throws Exception {
        List<String> orderIds = IntStream.range(0, 100).mapToObj(i -> OrderService.newOrderId()).toList();
        Set<String> deleted = new HashSet<>();
        int written = 0;
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            for (int i = 0; i < orderIds.size(); i++) {
                String id = orderIds.get(i);
                OrderService.write(c, id, "ORDER_CREATED", "PLACED", 1);
                c.commit();
                written++;
            }
            for (int revision = 2; revision <= 4; revision++) {
                for (String id : orderIds) {
                    OrderService.write(c, id, "ORDER_UPDATED", revision == 4 ? "PAID" : "PLACED", revision);
                    c.commit();
                    written++;
                }
            }
            for (int i = 0; i < orderIds.size(); i += 3) {
                OrderService.delete(c, orderIds.get(i), 5);
                c.commit();
                deleted.add(orderIds.get(i));
                written++;
            }
        }
        Map<String, String[]> database = latestRows(orderIds);

        Set<String> ours = new HashSet<>(orderIds);
        List<ConsumerRecord<String, byte[]>> state = awaitRecords(STATE_TOPIC, ours, written);
        List<ConsumerRecord<String, byte[]>> events = awaitRecords(EVENTS_TOPIC, ours, written);

        assertThat(state).as("one state record per outbox row").hasSize(written);
        Map<String, ConsumerRecord<String, byte[]>> last = new HashMap<>();
        state.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset)).forEach(r -> last.put(r.key(), r));
        assertThat(last).hasSize(orderIds.size());
        for (String id : orderIds) {
            ConsumerRecord<String, byte[]> latest = last.get(id);
            if (deleted.contains(id)) {
                assertThat(database).doesNotContainKey(id);
                assertThat(latest.value()).as("tombstone for deleted order %s", id).isNull();
            }
            else {
                GenericRecord order = decoder.decode(latest.value());
                assertThat(order.get("status").toString()).as("status of %s", id).isEqualTo(database.get(id)[0]);
                assertThat((BigDecimal) order.get("total_amount")).as("total of %s", id).isEqualByComparingTo(database.get(id)[1]);
                assertThat(order.get("order_id").toString()).isEqualTo(id);
            }
        }
        Map<String, Integer> eventPartition = new HashMap<>();
        events.forEach(r -> eventPartition.put(r.key(), r.partition()));
        assertThat(last.values()).allSatisfy(r -> assertThat(r.partition()).as("event and state of %s on one partition", r.key())
                .isEqualTo(eventPartition.get(r.key())));
    }

    @Test
    void oneReplicationSlotFeedsBothStreams() {
        assertThat(env.queryLong("SELECT count(*) FROM pg_replication_slots")).isEqualTo(1);
        assertThat(env.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + ExampleDeployment.SLOT + "' AND active")).isEqualTo(1);
    }

    @Test
    void bothTopicsAreCreatedWithTheirRetentionAndCompactionSettings() throws Exception {
        readUntil(placeOneOrder());
        try (Admin admin = env.kafka().admin()) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, EVENTS_TOPIC), new ConfigResource(ConfigResource.Type.TOPIC, STATE_TOPIC))).all().get();
            Config events = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, EVENTS_TOPIC));
            Config state = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, STATE_TOPIC));
            assertThat(events.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(events.get("retention.ms").value()).isEqualTo("604800000");
            assertThat(state.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(state.get("min.cleanable.dirty.ratio").value()).isEqualTo("0.1");
            assertThat(state.get("delete.retention.ms").value()).isEqualTo("86400000");
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(EVENTS_TOPIC, STATE_TOPIC)).allTopicNames().get();
            assertThat(topics.get(STATE_TOPIC).partitions()).hasSameSizeAs(topics.get(EVENTS_TOPIC).partitions());
        }
    }

    @Test
    void eventsAndStatesAreWrittenInKafkaTransactions() throws Exception {
        assumeTrue(env.exactlyOnce(), "the worker runs at-least-once");
        readUntil(placeOneOrder());
        try (var consumer = env.kafka().consumer(true)) {
            for (String topic : List.of(EVENTS_TOPIC, STATE_TOPIC)) {
                var partitions = consumer.partitionsFor(topic).stream().map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
                Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
                List<ConsumerRecord<String, byte[]>> records = env.kafka().readToEnd(topic, true, Duration.ofSeconds(30));
                Map<Integer, Long> lastOffset = new HashMap<>();
                records.forEach(r -> lastOffset.merge(r.partition(), r.offset(), Math::max));
                assertThat(lastOffset).isNotEmpty();
                // a transaction's commit marker follows its last record: the end offset lies beyond the last record
                lastOffset.forEach((partition, offset) -> assertThat(end.get(new org.apache.kafka.common.TopicPartition(topic, partition)))
                        .as("%s-%d ends with a transaction marker", topic, partition).isGreaterThan(offset + 1));
            }
        }
    }

    /**
     * At-least-once, a restart may re-send what was written after the last offset commit: nothing is lost, and D duplicates are reported.
     * Each restart is seen to happen: a new task opens a new replication connection, so a new walsender streams the slot.
     */
    @Test
    void restartingTheTaskMidStreamLosesNothingAndDuplicatesNothingUnderExactlyOnce() throws Exception {
        String connector = ExampleDeployment.deploy(env);
        List<String> orderIds = IntStream.range(0, 20).mapToObj(i -> OrderService.newOrderId()).toList();
        List<String> eventIds = new ArrayList<>();
        // the walsender streaming the slot: before the first restart, after the first, after the second
        List<Long> walsenders = new ArrayList<>();
        walsenders.add(awaitWalsenderOtherThan(walsenders, Duration.ofSeconds(60)));
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            for (int revision = 1; revision <= 15; revision++) {
                for (String id : orderIds) {
                    eventIds.add(OrderService.write(c, id, revision == 1 ? "ORDER_CREATED" : "ORDER_UPDATED", "PLACED", revision));
                    c.commit();
                }
                if (revision == 10) {
                    // rows kept coming while the first restart happened
                    walsenders.add(awaitWalsenderOtherThan(walsenders, Duration.ofSeconds(60)));
                }
                if (revision == 5 || revision == 10) {
                    // while rows keep coming: the task stops, commits what it has, and resumes from its offsets
                    env.connect().restart(connector);
                }
            }
        }
        walsenders.add(awaitWalsenderOtherThan(walsenders, Duration.ofSeconds(60)));
        env.connect().awaitRunning(connector, Duration.ofSeconds(60));
        assertThat(walsenders).as("a new task streams the slot after each restart").hasSize(3).doesNotHaveDuplicates().doesNotContain(0L);

        Set<String> ours = new HashSet<>(orderIds);
        List<ConsumerRecord<String, byte[]>> events = awaitRecords(EVENTS_TOPIC, ours, eventIds.size());
        List<ConsumerRecord<String, byte[]>> states = awaitRecords(STATE_TOPIC, ours, eventIds.size());

        List<String> eventIdsSeen = events.stream().map(r -> header(r, "id")).toList();
        List<String> stateIdsSeen = states.stream().map(r -> header(r, "id")).toList();
        assertThat(new HashSet<>(eventIdsSeen)).as("no event lost").containsAll(eventIds);
        assertThat(new HashSet<>(stateIdsSeen)).as("no state lost").containsAll(eventIds);
        System.out.printf("[restart] %s: %d events committed, %d event duplicates, %d state duplicates%n", env.exactlyOnce() ? "exactly-once" : "at-least-once",
                eventIds.size(), eventIdsSeen.size() - eventIds.size(), stateIdsSeen.size() - eventIds.size());
        if (env.exactlyOnce()) {
            assertThat(eventIdsSeen).as("every event exactly once").hasSameSizeAs(eventIds);
            assertThat(stateIdsSeen).as("every state exactly once").hasSameSizeAs(eventIds);
        }
    }

    /**
     * Waits until a walsender streams the example's slot that is none of {@code previous}, and
     * returns its pid: a task that (re)started opened a new replication connection.
     */
    private long awaitWalsenderOtherThan(List<Long> previous, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String query = "SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '" + ExampleDeployment.SLOT + "' AND active";
        long pid = 0;
        while (System.nanoTime() < deadline) {
            pid = env.queryLong(query);
            if (pid != 0 && !previous.contains(pid)) {
                return pid;
            }
            sleep(100);
        }
        throw new AssertionError("no new walsender streams the slot " + ExampleDeployment.SLOT + " within " + timeout + " (walsenders before: "
                + previous + ", now: " + pid + "): the task did not restart");
    }

    List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, Set<String> keys, int expected) {
        return awaitRecords(topic, keys, records -> records.size() >= expected);
    }

    /** Reads {@code topic}'s records of {@code keys} until the records with the given event ids (header {@code id}) are among them. */
    List<ConsumerRecord<String, byte[]>> awaitRecordsUntil(String topic, Set<String> keys, Set<String> eventIds) {
        return awaitRecords(topic, keys, records -> records.stream().map(r -> header(r, "id")).collect(Collectors.toSet()).containsAll(eventIds));
    }

    private List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, Set<String> keys, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            records = env.kafka().readToEnd(topic, true, Duration.ofSeconds(30)).stream().filter(r -> keys.contains(r.key())).toList();
            if (done.test(records)) {
                return records;
            }
            sleep(500);
        }
        return records;
    }

    private Map<String, String[]> latestRows(List<String> orderIds) throws Exception {
        Map<String, String[]> rows = new HashMap<>();
        try (Connection c = env.connectDatabase();
                PreparedStatement select = c.prepareStatement("SELECT order_id::text, status, total_amount FROM orders WHERE order_id::text = ANY(?)")) {
            select.setArray(1, c.createArrayOf("text", orderIds.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getBigDecimal(3).toPlainString()});
                }
            }
        }
        return rows;
    }
}
