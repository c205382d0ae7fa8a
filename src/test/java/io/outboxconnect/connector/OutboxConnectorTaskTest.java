package io.outboxconnect.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

import io.debezium.data.Envelope;
import io.outboxconnect.transforms.OutboxStream;

public class OutboxConnectorTaskTest {

    /** Stands in for Debezium's task: hands out prepared batches and records what the worker told it. */
    public static final class RecordingTask extends SourceTask {
        public static final Deque<List<SourceRecord>> BATCHES = new ArrayDeque<>();
        static final List<SourceRecord> COMMITTED = new ArrayList<>();
        static int commits;
        static boolean stopped;

        static void reset() {
            BATCHES.clear();
            COMMITTED.clear();
            commits = 0;
            stopped = false;
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public List<SourceRecord> poll() {
            return BATCHES.poll();
        }

        @Override
        public void commitRecord(SourceRecord record, RecordMetadata metadata) {
            COMMITTED.add(record);
        }

        @Override
        public void commit() {
            commits++;
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }

    private static final Schema ROW = SchemaBuilder.struct().name("outbox.public.commerce_order_outbox.Value")
            .field("event_id", Schema.STRING_SCHEMA).optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("lsn", Schema.INT64_SCHEMA).build();
    private static final Envelope ENVELOPE = Envelope.defineSchema().withName("outbox.public.commerce_order_outbox.Envelope")
            .withRecord(ROW).withSource(SOURCE).build();

    /** A task context whose offset reader has {@code stored} for every partition (null: nothing stored). */
    public record StoredOffsets(Map<String, Object> stored) implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return stored;
                }

                @Override
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    Map<Map<String, T>, Map<String, Object>> offsets = new HashMap<>();
                    partitions.forEach(p -> offsets.put(p, stored));
                    return offsets;
                }
            };
        }
    }

    public static SourceRecord insert(String table, long lsn) {
        Struct value = ENVELOPE.create(new Struct(ROW).put("event_id", "e-" + lsn),
                new Struct(SOURCE).put("schema", "public").put("table", table).put("lsn", lsn), Instant.EPOCH);
        return new SourceRecord(Map.of("server", "outbox"), Map.of("lsn", lsn), "outbox.public." + table, null, null, null,
                ENVELOPE.schema(), value);
    }

    private static SourceRecord heartbeat() {
        Schema schema = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        return new SourceRecord(Map.of("server", "outbox"), Map.of("lsn", 9L), "__debezium-heartbeat.outbox", schema, new Struct(schema).put("ts_ms", 1L));
    }

    /** What Connect has stored for the source partition when the task starts. */
    public static final Map<String, Object> STORED = Map.of("lsn", 0L);

    private static OutboxConnectorTask started(String... extra) {
        return started(STORED, extra);
    }

    public static OutboxConnectorTask started(Map<String, Object> stored, String... extra) {
        RecordingTask.reset();
        Map<String, String> props = new HashMap<>();
        props.put(OutboxConnectorConfig.DELEGATE_TASK_CLASS, RecordingTask.class.getName());
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        OutboxConnectorTask task = new OutboxConnectorTask();
        task.initialize(new StoredOffsets(stored));
        task.start(props);
        return task;
    }

    private static String stream(SourceRecord record) {
        var header = record.headers().lastWithName(OutboxStream.HEADER);
        return header == null ? null : (String) header.value();
    }

    @Test
    void emitsEachOutboxChangeEventOncePerStreamEventFirst() throws InterruptedException {
        OutboxConnectorTask task = started();
        SourceRecord first = insert("commerce_order_outbox", 1);
        SourceRecord second = insert("commerce_order_outbox", 2);
        RecordingTask.BATCHES.add(List.of(first, second));

        List<SourceRecord> out = task.poll();

        assertThat(out).extracting(OutboxConnectorTaskTest::stream).containsExactly("event", "state", "event", "state");
        assertThat(out).as("a row's offset is on its last copy only; its earlier copies carry the offset before it")
                .extracting(SourceRecord::sourceOffset).containsExactly(STORED, first.sourceOffset(), first.sourceOffset(), second.sourceOffset());
        assertThat(out.get(1).value()).isSameAs(first.value());
        assertThat(out).as("every copy names all the row's streams, so a row bad for one is published on none")
                .extracting(r -> r.headers().lastWithName(OutboxStream.ROW_HEADER).value()).containsOnly("event,state");
        assertThat(first.headers().lastWithName(OutboxStream.HEADER)).as("Debezium's record is not modified").isNull();
    }

    @Test
    void debeziumLearnsOfAChangeEventOnlyWhenItsLastCopyIsAcknowledged() throws InterruptedException {
        OutboxConnectorTask task = started();
        SourceRecord original = insert("commerce_order_outbox", 1);
        RecordingTask.BATCHES.add(List.of(original));
        List<SourceRecord> out = task.poll();

        task.commitRecord(out.get(1), null);
        assertThat(RecordingTask.COMMITTED).as("state acknowledged, event still in flight").isEmpty();

        task.commitRecord(out.get(0), null);
        assertThat(RecordingTask.COMMITTED).containsExactly(original);
        assertThat(task.inFlight()).isZero();
    }

    @Test
    void aCopyIsHashedAndComparedByIdentityAsTheWorkerKeepsItInAHashMap() throws InterruptedException {
        OutboxConnectorTask task = started();
        SourceRecord original = insert("commerce_order_outbox", 1);
        RecordingTask.BATCHES.add(List.of(original, original));
        List<SourceRecord> out = task.poll();

        assertThat(out).hasSize(4);
        SourceRecord copy = out.get(0);
        SourceRecord sameContent = out.get(2); // the same change event's event copy, polled twice
        assertThat(sameContent.headers()).isEqualTo(copy.headers());
        assertThat(sameContent.value()).isSameAs(copy.value());
        assertThat(copy).isNotEqualTo(sameContent);
        assertThat(copy.hashCode()).as("not a walk of the change event").isEqualTo(System.identityHashCode(copy));
        Map<SourceRecord, Integer> sent = new HashMap<>();
        out.forEach(r -> sent.put(r, sent.size()));
        assertThat(sent).as("every copy stays an entry of its own, as the exactly-once worker needs").hasSize(4);
        // what the copy carries is Debezium's record's, untouched
        assertThat(copy.sourcePartition()).isEqualTo(original.sourcePartition());
        assertThat(out.get(1).sourceOffset()).isEqualTo(original.sourceOffset());
        assertThat(copy.topic()).isEqualTo(original.topic());
        assertThat(copy.key()).isEqualTo(original.key());
        assertThat(copy.timestamp()).isEqualTo(original.timestamp());
    }

    @Test
    void theFirstCopiesOfARowCarryTheOffsetOfTheRecordBeforeItWhateverItWas() throws InterruptedException {
        OutboxConnectorTask task = started((Map<String, Object>) null);
        SourceRecord first = insert("commerce_order_outbox", 1);
        SourceRecord heartbeat = heartbeat();
        SourceRecord second = insert("commerce_order_outbox", 2);
        RecordingTask.BATCHES.add(List.of(first, heartbeat));
        RecordingTask.BATCHES.add(List.of(second));

        List<SourceRecord> out = new ArrayList<>(task.poll());
        out.addAll(task.poll());

        assertThat(out).extracting(SourceRecord::sourceOffset).as("nothing stored before the first row; the heartbeat's offset before the second")
                .containsExactly(null, first.sourceOffset(), heartbeat.sourceOffset(), heartbeat.sourceOffset(), second.sourceOffset());
    }

    @Test
    void recordsThatAreNotChangeEventsAreEmittedOnceUnmarked() throws InterruptedException {
        OutboxConnectorTask task = started();
        SourceRecord heartbeat = heartbeat();
        RecordingTask.BATCHES.add(List.of(heartbeat));

        List<SourceRecord> out = task.poll();
        task.commitRecord(out.get(0), null);

        assertThat(out).containsExactly(heartbeat);
        assertThat(RecordingTask.COMMITTED).containsExactly(heartbeat);
    }

    @Test
    void onlyConfiguredOutboxTablesAreFannedOut() throws InterruptedException {
        OutboxConnectorTask task = started(OutboxConnectorConfig.TABLES, "public\\..*_outbox");
        SourceRecord outbox = insert("commerce_order_outbox", 1);
        SourceRecord business = insert("orders", 2);
        // the task remembers the last table's answer by value, as Debezium builds new strings for every change event
        SourceRecord businessAgain = insert(new String("orders".toCharArray()), 3);
        SourceRecord outboxAgain = insert(new String("commerce_order_outbox".toCharArray()), 4);
        RecordingTask.BATCHES.add(List.of(outbox, business, businessAgain, outbox, outboxAgain, business));

        List<SourceRecord> out = task.poll();

        assertThat(out).extracting(OutboxConnectorTaskTest::stream)
                .containsExactly("event", "state", null, null, "event", "state", "event", "state", null);
        assertThat(out.get(2)).isSameAs(business);
        assertThat(out.get(3)).isSameAs(businessAgain);
    }

    @Test
    void streamsAreConfigurable() throws InterruptedException {
        OutboxConnectorTask task = started(OutboxConnectorConfig.STREAMS, "state");
        RecordingTask.BATCHES.add(List.of(insert("commerce_order_outbox", 1)));

        List<SourceRecord> out = task.poll();
        task.commitRecord(out.get(0), null);

        assertThat(out).extracting(OutboxConnectorTaskTest::stream).containsExactly("state");
        assertThat(RecordingTask.COMMITTED).hasSize(1);
    }

    @Test
    void emptyPollsAndCommitsAndStopReachDebezium() throws InterruptedException {
        OutboxConnectorTask task = started();

        assertThat(task.poll()).isNull();
        task.commit();
        task.stop();

        assertThat(RecordingTask.commits).isEqualTo(1);
        assertThat(RecordingTask.stopped).isTrue();
    }
}
