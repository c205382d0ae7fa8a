package io.outboxconnect.transforms;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import io.debezium.data.Envelope;

/**
 * Builds outbox change events the way Debezium's PostgresConnector does: a key struct of the
 * primary key, an {@link Envelope} value with {@code before}/{@code after}, a PostgreSQL
 * {@code source} block and {@code op}/{@code ts_ms}, column types as pgoutput maps them
 * ({@code uuid} → {@code io.debezium.data.Uuid}, {@code jsonb} → {@code io.debezium.data.Json},
 * {@code timestamptz} → {@code io.debezium.time.ZonedTimestamp}).
 */
public final class OutboxChangeEvents {

    static final String TOPIC_PREFIX = "outbox";
    static final long SOURCE_TS_MS = 1_717_243_200_123L;

    /** Column names of one outbox table convention. */
    record Columns(String eventId, String aggregateType, String aggregateId, String eventType, String eventDate, String payload) {
        static final Columns SEED_000 = new Columns("event_id", "aggregate_type", "aggregate_id", "event_type", "event_date", "event_data");
        static final Columns DEBEZIUM = new Columns("id", "aggregatetype", "aggregateid", "type", null, "payload");
    }

    private final String table;
    private final Columns columns;
    private final Schema eventDateSchema;
    private final Schema payloadSchema;
    private final Schema rowSchema;
    private final Schema keySchema;
    private final Envelope envelope;
    private long lsn = 24_023_128L;

    private OutboxChangeEvents(String table, Columns columns, Schema eventDateSchema, Schema payloadSchema) {
        this.table = table;
        this.columns = columns;
        this.eventDateSchema = eventDateSchema;
        this.payloadSchema = payloadSchema;
        String prefix = TOPIC_PREFIX + ".public." + table;
        SchemaBuilder row = SchemaBuilder.struct().name(prefix + ".Value")
                .field(columns.eventId(), uuid())
                .field(columns.aggregateType(), Schema.STRING_SCHEMA)
                .field(columns.aggregateId(), Schema.STRING_SCHEMA)
                .field(columns.eventType(), Schema.STRING_SCHEMA);
        if (columns.eventDate() != null) {
            row.field(columns.eventDate(), eventDateSchema);
        }
        row.field(columns.payload(), payloadSchema);
        this.rowSchema = row.optional().build();
        this.keySchema = SchemaBuilder.struct().name(prefix + ".Key").field(columns.eventId(), uuid()).build();
        this.envelope = Envelope.defineSchema().withName(prefix + ".Envelope").withRecord(rowSchema).withSource(sourceSchema()).build();
    }

    /** Seed 000's table: event_date TIMESTAMPTZ, event_data JSONB. */
    static OutboxChangeEvents seed000() {
        return new OutboxChangeEvents("commerce_order_outbox", Columns.SEED_000, zonedTimestamp(), json());
    }

    static OutboxChangeEvents of(Columns columns, Schema eventDateSchema, Schema payloadSchema) {
        return new OutboxChangeEvents(columns == Columns.DEBEZIUM ? "outboxevent" : "commerce_order_outbox", columns, eventDateSchema, payloadSchema);
    }

    static Schema uuid() {
        return SchemaBuilder.string().name("io.debezium.data.Uuid").version(1).build();
    }

    static Schema json() {
        return SchemaBuilder.string().name("io.debezium.data.Json").version(1).build();
    }

    static Schema zonedTimestamp() {
        return SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1).build();
    }

    static Schema int64Timestamp(String name) {
        return SchemaBuilder.int64().name(name).version(1).build();
    }

    Row row() {
        return new Row();
    }

    /** One outbox row; defaults describe an ORDER_CREATED of order o-1. */
    final class Row {
        final Map<String, Object> values = new LinkedHashMap<>();

        Row() {
            values.put(columns.eventId(), UUID.randomUUID().toString());
            values.put(columns.aggregateType(), "order");
            values.put(columns.aggregateId(), "o-1");
            values.put(columns.eventType(), "ORDER_CREATED");
            if (columns.eventDate() != null) {
                values.put(columns.eventDate(), eventDateSchema.type() == Schema.Type.STRING ? "2024-06-01T12:00:00.123456Z" : null);
            }
            values.put(columns.payload(), "{\"order_id\": \"o-1\", \"lines\": [{\"sku\": \"A-1\", \"quantity\": 2}]}");
        }

        Row with(String column, Object value) {
            values.put(column, value);
            return this;
        }

        Row with(Consumer<Map<String, Object>> change) {
            change.accept(values);
            return this;
        }

        String eventId() {
            return (String) values.get(columns.eventId());
        }

        Struct struct() {
            Struct struct = new Struct(rowSchema);
            values.forEach(struct::put);
            return struct;
        }

        SourceRecord inserted() {
            return record(envelope.create(struct(), source(false), Instant.ofEpochMilli(SOURCE_TS_MS)));
        }

        SourceRecord snapshotRead() {
            return record(envelope.read(struct(), source(true), Instant.ofEpochMilli(SOURCE_TS_MS)));
        }

        SourceRecord updated() {
            return record(envelope.update(struct(), struct(), source(false), Instant.ofEpochMilli(SOURCE_TS_MS)));
        }

        SourceRecord deleted() {
            return record(envelope.delete(struct(), source(false), Instant.ofEpochMilli(SOURCE_TS_MS)));
        }

        /** A TRUNCATE of the outbox table, as Debezium emits it when truncates are not skipped ({@code skipped.operations}). */
        SourceRecord truncated() {
            return record(envelope.truncate(source(false), Instant.ofEpochMilli(SOURCE_TS_MS)));
        }

        /** The tombstone Debezium emits after a delete (tombstones.on.delete=true). */
        SourceRecord tombstone() {
            return new SourceRecord(partition(), offset(), topic(), null, keySchema, key(), null, null);
        }

        private Struct key() {
            return new Struct(keySchema).put(columns.eventId(), eventId());
        }

        private SourceRecord record(Struct value) {
            return new SourceRecord(partition(), offset(), topic(), null, keySchema, key(), envelope.schema(), value);
        }
    }

    /** A heartbeat record as Debezium's heartbeat emits it. */
    public static SourceRecord heartbeat() {
        Schema key = SchemaBuilder.struct().name("io.debezium.connector.common.ServerNameKey").field("serverName", Schema.STRING_SCHEMA).build();
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        return new SourceRecord(Map.of("server", TOPIC_PREFIX), Map.of("lsn", 1L), "__debezium-heartbeat." + TOPIC_PREFIX, null,
                key, new Struct(key).put("serverName", TOPIC_PREFIX), value, new Struct(value).put("ts_ms", SOURCE_TS_MS));
    }

    /** An insert into a business table captured by the same connector. */
    public static SourceRecord otherTableInsert() {
        Schema row = SchemaBuilder.struct().name(TOPIC_PREFIX + ".public.orders.Value").field("id", Schema.STRING_SCHEMA)
                .field("status", Schema.STRING_SCHEMA).optional().build();
        Envelope envelope = Envelope.defineSchema().withName(TOPIC_PREFIX + ".public.orders.Envelope").withRecord(row).withSource(sourceSchema()).build();
        Struct value = envelope.create(new Struct(row).put("id", "o-1").put("status", "PLACED"), sourceStruct("orders", false, 1L),
                Instant.ofEpochMilli(SOURCE_TS_MS));
        return new SourceRecord(Map.of("server", TOPIC_PREFIX), Map.of("lsn", 1L), TOPIC_PREFIX + ".public.orders", null, null, null,
                envelope.schema(), value);
    }

    private String topic() {
        return TOPIC_PREFIX + ".public." + table;
    }

    private static Map<String, ?> partition() {
        return Map.of("server", TOPIC_PREFIX);
    }

    private Map<String, ?> offset() {
        return Map.of("lsn", lsn, "txId", 771L, "ts_usec", SOURCE_TS_MS * 1000);
    }

    private Struct source(boolean snapshot) {
        return sourceStruct(table, snapshot, ++lsn);
    }

    private static Schema sourceSchema() {
        return SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("version", Schema.STRING_SCHEMA)
                .field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
                .field("db", Schema.STRING_SCHEMA)
                .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA)
                .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    private static final Schema SOURCE_SCHEMA = sourceSchema();

    private static Struct sourceStruct(String table, boolean snapshot, long lsn) {
        return new Struct(SOURCE_SCHEMA)
                .put("version", "3.7.0.Final")
                .put("connector", "postgresql")
                .put("name", TOPIC_PREFIX)
                .put("ts_ms", SOURCE_TS_MS - 5)
                .put("snapshot", snapshot ? "true" : "false")
                .put("db", "shop")
                .put("sequence", "[null,\"" + lsn + "\"]")
                .put("ts_us", (SOURCE_TS_MS - 5) * 1000)
                .put("ts_ns", (SOURCE_TS_MS - 5) * 1_000_000)
                .put("schema", "public")
                .put("table", table)
                .put("txId", 771L)
                .put("lsn", lsn);
    }
}
