package io.outboxconnect.e2e;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.outboxconnect.sandbox.OutboxEnvironment;

/**
 * Compares what PostgreSQL committed with what both topics hold, read to the end with
 * {@code read_committed}, for one scenario's aggregates: every committed event delivered at least
 * once on the events and the state topic, duplicates counted by the {@code id} header, no record
 * whose transaction did not commit, per aggregate the first deliveries in commit order, each event's
 * envelope matching its outbox row, and each aggregate's last state record matching the database's
 * latest row (a tombstone when the order is deleted).
 */
final class DeliveryAudit {

    static final List<String> TOPICS = List.of(ExampleDeployment.EVENTS_TOPIC, ExampleDeployment.STATE_TOPIC);

    /** An outbox row as the database committed it. */
    record Committed(String eventId, String aggregateId, String eventType, int revision) {
    }

    /** An order's latest row; absent when the order is deleted. */
    private record OrderRow(String status, BigDecimal total, int revision) {
    }

    /** A record of one of the scenario's aggregates, as read. */
    record Delivered(String topic, int partition, long offset, String key, String eventId, byte[] value) {
    }

    /** What one topic delivered of the committed events. */
    record TopicOutcome(long delivered, long lost, long duplicates, long uncommitted, boolean orderKept) {
    }

    record Outcome(long committed, TopicOutcome events, TopicOutcome states, boolean eventsMatchRows, boolean stateMatchesDatabase,
            List<String> problems) {

        boolean nothingLost() {
            return events.lost() == 0 && states.lost() == 0;
        }

        long duplicates() {
            return events.duplicates() + states.duplicates();
        }
    }

    private final OutboxEnvironment env;
    private final Set<String> orderIds;
    private final Map<TopicPartition, Long> from;
    private final EventDecoder decoder;

    /**
     * @param from where to start reading each partition: the end offsets before the scenario wrote
     *             (its aggregates are new, so nothing of them lies before); absent partitions from 0
     */
    DeliveryAudit(OutboxEnvironment env, List<String> orderIds, Map<TopicPartition, Long> from) {
        this.env = env;
        this.orderIds = new HashSet<>(orderIds);
        this.from = from;
        this.decoder = new EventDecoder(env.registry());
    }

    /** The current end offsets of both topics (none for a topic not created yet). */
    static Map<TopicPartition, Long> endOffsets(OutboxEnvironment env) {
        try (Admin admin = env.kafka().admin()) {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : TOPICS) {
                if (existing.contains(topic)) {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                }
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
            return offsets;
        }
        catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets: " + e, e);
        }
    }

    /**
     * Reads both topics until every committed event has arrived on both (then on to the end
     * offsets of that moment, to count late duplicates), or until {@code timeout}; then compares.
     *
     * @param everyFewSeconds run while waiting (the scenario restarts a failed task there)
     */
    Outcome await(Duration timeout, Runnable everyFewSeconds) {
        Map<String, Committed> committed = committedEvents();
        Map<String, OrderRow> latest = latestOrders();
        Map<String, List<Delivered>> byTopic = read(committed.keySet(), timeout, everyFewSeconds);
        List<String> problems = new ArrayList<>();
        TopicOutcome events = compare(ExampleDeployment.EVENTS_TOPIC, byTopic.get(ExampleDeployment.EVENTS_TOPIC), committed, problems);
        TopicOutcome states = compare(ExampleDeployment.STATE_TOPIC, byTopic.get(ExampleDeployment.STATE_TOPIC), committed, problems);
        boolean eventsMatchRows = envelopesMatchRows(byTopic.get(ExampleDeployment.EVENTS_TOPIC), committed, problems);
        boolean stateMatches = lastStatesMatch(byTopic.get(ExampleDeployment.STATE_TOPIC), committed, latest, problems);
        return new Outcome(committed.size(), events, states, eventsMatchRows, stateMatches, problems);
    }

    private Map<String, List<Delivered>> read(Set<String> expected, Duration timeout, Runnable everyFewSeconds) {
        Map<String, List<Delivered>> byTopic = new HashMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        TOPICS.forEach(t -> {
            byTopic.put(t, new ArrayList<>());
            seen.put(t, new HashSet<>());
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = env.kafka().consumer(true)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            Map<TopicPartition, Long> finalEnd = null;
            long nextCheck = System.nanoTime();
            while (System.nanoTime() < deadline) {
                if (System.nanoTime() > nextCheck) {
                    everyFewSeconds.run();
                    nextCheck = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (orderIds.contains(record.key())) {
                        String eventId = header(record, "id");
                        byTopic.get(record.topic()).add(new Delivered(record.topic(), record.partition(), record.offset(), record.key(), eventId, record.value()));
                        seen.get(record.topic()).add(eventId);
                    }
                }
                if (finalEnd == null && TOPICS.stream().allMatch(t -> seen.get(t).containsAll(expected))) {
                    finalEnd = consumer.endOffsets(partitions);
                }
                if (finalEnd != null) {
                    Map<TopicPartition, Long> end = finalEnd;
                    if (partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                        break;
                    }
                }
            }
        }
        return byTopic;
    }

    static TopicOutcome compare(String topic, List<Delivered> delivered, Map<String, Committed> committed, List<String> problems) {
        Set<String> distinct = new HashSet<>();
        long duplicates = 0;
        long uncommitted = 0;
        Map<String, List<Integer>> firstRevisions = new HashMap<>();
        for (Delivered record : inLogOrder(delivered)) {
            Committed row = committed.get(record.eventId());
            if (row == null) {
                uncommitted++;
                problem(problems, topic + ": record " + record.eventId() + " at " + record.partition() + "/" + record.offset() + " was never committed");
                continue;
            }
            if (!distinct.add(record.eventId())) {
                duplicates++;
                continue;
            }
            firstRevisions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(row.revision());
        }
        Map<String, List<Integer>> commitOrder = commitOrder(committed, distinct);
        boolean orderKept = true;
        for (Map.Entry<String, List<Integer>> aggregate : commitOrder.entrySet()) {
            List<Integer> first = firstRevisions.getOrDefault(aggregate.getKey(), List.of());
            if (!first.equals(aggregate.getValue())) {
                orderKept = false;
                problem(problems, topic + ": order " + aggregate.getKey() + " first deliveries " + first + ", committed " + aggregate.getValue());
            }
        }
        long lost = committed.keySet().stream().filter(id -> !distinct.contains(id)).count();
        if (lost > 0) {
            problem(problems, topic + ": " + lost + " committed events never delivered, e.g. "
                    + committed.keySet().stream().filter(id -> !distinct.contains(id)).limit(3).toList());
        }
        return new TopicOutcome(distinct.size(), lost, duplicates, uncommitted, orderKept);
    }

    /** Per aggregate, the revisions of the delivered events in commit order (each aggregate is written by one connection, in revision order). */
    private static Map<String, List<Integer>> commitOrder(Map<String, Committed> committed, Set<String> delivered) {
        Map<String, List<Integer>> order = new HashMap<>();
        committed.values().stream().filter(c -> delivered.contains(c.eventId()))
                .sorted(Comparator.comparingInt(Committed::revision))
                .forEach(c -> order.computeIfAbsent(c.aggregateId(), k -> new ArrayList<>()).add(c.revision()));
        return order;
    }

    private boolean envelopesMatchRows(List<Delivered> events, Map<String, Committed> committed, List<String> problems) {
        boolean match = true;
        for (Delivered record : events) {
            Committed row = committed.get(record.eventId());
            if (row == null) {
                continue;
            }
            GenericRecord envelope = decoder.decode(record.value());
            String eventData = envelope.get("event_data").toString();
            if (!envelope.get("event_id").toString().equals(row.eventId()) || !envelope.get("aggregate_id").toString().equals(row.aggregateId())
                    || !record.key().equals(row.aggregateId()) || !envelope.get("event_type").toString().equals(row.eventType())
                    || OrderService.revisionOf(eventData) != row.revision()) {
                match = false;
                problem(problems, "event " + row.eventId() + " does not match its outbox row: " + envelope);
            }
        }
        return match;
    }

    private boolean lastStatesMatch(List<Delivered> states, Map<String, Committed> committed, Map<String, OrderRow> latest, List<String> problems) {
        Map<String, Delivered> last = new HashMap<>();
        inLogOrder(states).forEach(r -> last.put(r.key(), r));
        Map<String, Committed> lastCommitted = new HashMap<>();
        committed.values().forEach(c -> lastCommitted.merge(c.aggregateId(), c, (a, b) -> a.revision() >= b.revision() ? a : b));
        boolean match = true;
        for (Map.Entry<String, Committed> aggregate : lastCommitted.entrySet()) {
            String orderId = aggregate.getKey();
            Delivered state = last.get(orderId);
            OrderRow row = latest.get(orderId);
            String mismatch = null;
            if (state == null) {
                mismatch = "no state record";
            }
            else if (!aggregate.getValue().eventId().equals(state.eventId())) {
                mismatch = "last state record is of event " + state.eventId() + ", the last committed event is " + aggregate.getValue().eventId();
            }
            else if (row == null) {
                if (state.value() != null) {
                    mismatch = "the order is deleted but the last state record is not a tombstone";
                }
            }
            else if (state.value() == null) {
                mismatch = "tombstone, but the order exists with revision " + row.revision();
            }
            else {
                GenericRecord order = decoder.decode(state.value());
                if (!order.get("status").toString().equals(row.status()) || ((BigDecimal) order.get("total_amount")).compareTo(row.total()) != 0
                        || !String.valueOf(order.get("note")).equals("revision " + row.revision())) {
                    mismatch = "state " + order + " differs from the database row " + row;
                }
            }
            if (mismatch != null) {
                match = false;
                problem(problems, "state of order " + orderId + ": " + mismatch);
            }
        }
        return match;
    }

    private Map<String, Committed> committedEvents() {
        Map<String, Committed> events = new HashMap<>();
        query("SELECT event_id::text, aggregate_id, event_type, event_data->>'note' FROM commerce_order_outbox WHERE aggregate_id = ANY(?)", rs -> {
            String note = rs.getString(4);
            events.put(rs.getString(1), new Committed(rs.getString(1), rs.getString(2), rs.getString(3),
                    Integer.parseInt(note.substring("revision ".length()))));
        });
        return events;
    }

    private Map<String, OrderRow> latestOrders() {
        Map<String, OrderRow> rows = new HashMap<>();
        query("SELECT order_id::text, status, total_amount, revision FROM orders WHERE order_id::text = ANY(?)",
                rs -> rows.put(rs.getString(1), new OrderRow(rs.getString(2), rs.getBigDecimal(3), rs.getInt(4))));
        return rows;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowReader reader) {
        try (Connection c = env.connectDatabase(); PreparedStatement select = c.prepareStatement(sql)) {
            select.setArray(1, c.createArrayOf("text", orderIds.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    private static List<Delivered> inLogOrder(List<Delivered> records) {
        return records.stream().sorted(Comparator.comparingInt(Delivered::partition).thenComparingLong(Delivered::offset)).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void problem(List<String> problems, String problem) {
        if (problems.size() < 20) {
            problems.add(problem);
        }
    }
}
