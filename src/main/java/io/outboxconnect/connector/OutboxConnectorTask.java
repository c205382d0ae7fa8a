package io.outboxconnect.connector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;

import io.debezium.data.Envelope;
import io.outboxconnect.transforms.OutboxStream;

/**
 * Runs the Debezium task and emits each outbox change event once per configured stream, each copy
 * marked in the {@value OutboxStream#HEADER} header, in stream order and next to each other, so
 * an aggregate's event and state leave in the order the database committed them and in the same
 * transaction when exactly-once delivery is enabled.
 *
 * <p>Offsets: only a change event's <em>last</em> copy carries its source offset; the earlier copies
 * carry the offset before it (the previous record's of the same source partition, or what Connect
 * has stored when the change event is the first since the task started). The worker commits an
 * offset once every record up to the one carrying it is acknowledged (at-least-once), or writes
 * the offset of each record it sends into the transaction (exactly-once), and Debezium confirms to
 * PostgreSQL only offsets Connect has committed. So a row's WAL position is committed, and
 * confirmed, only when all its copies are written: a row whose state copy fails is read again
 * after the restart, even if its event copy was written. Debezium's own {@link #commitRecord}
 * is told of a change event once, when its last copy is acknowledged.
 */
public class OutboxConnectorTask extends SourceTask {

    static final String VERSION = OutboxConnectorTask.class.getPackage().getImplementationVersion() == null
            ? "unknown" : OutboxConnectorTask.class.getPackage().getImplementationVersion();

    private static final Object NO_TABLE_YET = new Object();

    private SourceTaskContext taskContext;
    private SourceTask delegate;
    /** Per stream, in stream order, the header marking its copies; then the header naming all of the row's streams. Headers are immutable. */
    private List<Header> streamMarks;
    private Header rowMark;
    private List<Pattern> tables;
    /**
     * The last table tested and whether it is an outbox table. Compared by value: Debezium parses
     * each message's table name anew, so every change event carries new strings.
     */
    private Object lastSchema = NO_TABLE_YET;
    private Object lastTable = NO_TABLE_YET;
    private boolean lastWasOutbox;
    /** Per source partition, the offset of the last record emitted, or what Connect had stored before the first. */
    private final Map<Map<String, ?>, Map<String, ?>> offsetsBefore = new HashMap<>();
    /** Copies in flight → the Debezium record and how many of its copies are not yet acknowledged. */
    private final Map<SourceRecord, Pending> inFlight = new IdentityHashMap<>();

    private static final class Pending {
        final SourceRecord original;
        int remaining;

        Pending(SourceRecord original, int remaining) {
            this.original = original;
            this.remaining = remaining;
        }
    }

    /**
     * One stream's copy of a change event. A copy is equal only to itself: the exactly-once worker
     * keeps every record it sent in a hash map until its transaction commits, and a
     * {@link SourceRecord}'s own {@code hashCode} walks the whole change event (its schema and every
     * value of before, after and source) each time, which took more than half of the producer's
     * network thread with two copies per row. Two copies are never the same record anyway: the
     * worker must acknowledge each of them.
     */
    static final class Copy extends SourceRecord {

        Copy(SourceRecord original, Map<String, ?> offset, Headers headers) {
            super(original.sourcePartition(), offset, original.topic(), original.kafkaPartition(), original.keySchema(),
                    original.key(), original.valueSchema(), original.value(), original.timestamp(), headers);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    @Override
    public void initialize(SourceTaskContext context) {
        super.initialize(context);
        this.taskContext = context;
    }

    @Override
    public void start(Map<String, String> props) {
        OutboxConnectorConfig config = new OutboxConnectorConfig(props);
        List<OutboxStream> streams = config.streams();
        streamMarks = streams.stream().map(stream -> header(OutboxStream.HEADER, stream.value())).toList();
        rowMark = header(OutboxStream.ROW_HEADER, String.join(",", streams.stream().map(OutboxStream::value).toList()));
        tables = config.tables();
        String taskClass = props.get(OutboxConnectorConfig.DELEGATE_TASK_CLASS);
        if (taskClass == null) {
            throw new ConnectException("The task configuration lacks " + OutboxConnectorConfig.DELEGATE_TASK_CLASS + "; it is set by OutboxConnector");
        }
        try {
            delegate = (SourceTask) Class.forName(taskClass, true, OutboxConnectorTask.class.getClassLoader()).getDeclaredConstructor().newInstance();
        }
        catch (ReflectiveOperationException | ClassCastException e) {
            throw new ConnectException("Cannot create the Debezium task " + taskClass + ": " + e, e);
        }
        delegate.initialize(taskContext);
        delegate.start(props);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> records = delegate.poll();
        if (records == null || records.isEmpty()) {
            return records;
        }
        List<SourceRecord> out = new ArrayList<>(records.size() * streamMarks.size());
        for (SourceRecord record : records) {
            if (!isOutboxChangeEvent(record)) {
                out.add(record);
                emitted(record);
                continue;
            }
            Map<String, ?> offsetBefore = offsetBefore(record.sourcePartition()); // may read Connect's offsets: not under the lock
            Pending pending = new Pending(record, streamMarks.size());
            synchronized (inFlight) {
                for (int i = 0; i < streamMarks.size(); i++) {
                    Headers headers = new ConnectHeaders(record.headers()).add(streamMarks.get(i)).add(rowMark);
                    boolean last = i == streamMarks.size() - 1;
                    SourceRecord copy = new Copy(record, last ? record.sourceOffset() : offsetBefore, headers);
                    inFlight.put(copy, pending);
                    out.add(copy);
                }
            }
            emitted(record);
        }
        return out;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        SourceRecord acknowledged = record;
        synchronized (inFlight) {
            Pending pending = inFlight.remove(record);
            if (pending != null) {
                if (--pending.remaining > 0) {
                    return;
                }
                acknowledged = pending.original;
            }
        }
        delegate.commitRecord(acknowledged, metadata);
    }

    @Override
    public void commit() throws InterruptedException {
        delegate.commit();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
    }

    @Override
    public String version() {
        return VERSION;
    }

    /** Number of copies emitted and not yet acknowledged; for tests and metrics. */
    int inFlight() {
        synchronized (inFlight) {
            return inFlight.size();
        }
    }

    private void emitted(SourceRecord record) {
        if (record.sourcePartition() != null) {
            offsetsBefore.put(record.sourcePartition(), record.sourceOffset());
        }
    }

    /**
     * The offset a change event's earlier copies carry: the last one emitted for its partition, or
     * the one Connect has stored (null when none, which the worker stores as "no offset", what it
     * had anyway).
     */
    private Map<String, ?> offsetBefore(Map<String, ?> partition) {
        if (partition == null) {
            return null;
        }
        if (!offsetsBefore.containsKey(partition)) {
            offsetsBefore.put(partition, taskContext.offsetStorageReader().offset(partition));
        }
        return offsetsBefore.get(partition);
    }

    /** A string header, built once and added to every copy (Connect's headers are immutable). */
    private static Header header(String key, String value) {
        return new ConnectHeaders().addString(key, value).lastWithName(key);
    }

    private boolean isOutboxChangeEvent(SourceRecord record) {
        if (record.value() == null || record.valueSchema() == null || !Envelope.isEnvelopeSchema(record.valueSchema())) {
            return false;
        }
        if (tables.isEmpty()) {
            return true;
        }
        Struct source = ((Struct) record.value()).getStruct(Envelope.FieldName.SOURCE);
        if (source == null) {
            return false;
        }
        Field schemaField = source.schema().field("schema");
        Field tableField = source.schema().field("table");
        Object schema = schemaField == null ? null : source.get(schemaField);
        Object table = tableField == null ? null : source.get(tableField);
        if (!Objects.equals(schema, lastSchema) || !Objects.equals(table, lastTable)) {
            String name = (schemaField == null ? "" : schema + ".") + (tableField == null ? "" : table);
            lastWasOutbox = tables.stream().anyMatch(p -> p.matcher(name).matches());
            lastSchema = schema;
            lastTable = table;
        }
        return lastWasOutbox;
    }
}
