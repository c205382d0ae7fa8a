package io.outboxconnect.generator;

import java.util.List;

import io.outboxconnect.naming.OutboxNames;

/**
 * What a team decides to put one aggregate on the outbox (seed 000's Phase 1 questions), read and
 * validated by {@link AggregateSpecReader}. Every name derived from it comes from {@link #names()}.
 */
public record AggregateSpec(
        String company,
        String domain,
        String aggregate,
        String env,
        String cluster,
        String schemaVersion,
        int partitions,
        List<String> eventTypes,
        List<FieldSpec> fields,
        TableLayout tableLayout,
        Cleanup cleanup,
        int retentionDays,
        Database database,
        Registry registry,
        Topics topics,
        Monitoring monitoring) {

    /** One outbox table per aggregate (the default), or one shared by every aggregate of the domain. */
    public enum TableLayout {
        PER_AGGREGATE, SHARED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Delete the row in the inserting transaction, or keep rows (replayable) and purge them after retention days. */
    public enum Cleanup {
        DELETE, RETAIN;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Where the connector reaches PostgreSQL; the password is a ConfigProvider reference, never a literal. */
    public record Database(String hostname, int port, String dbname, String schema, String user, String password) {
    }

    /** The registry as the worker reaches it; credentials, when set, are a ConfigProvider reference. */
    public record Registry(String url, String basicAuthUserInfo) {
    }

    /** Topic settings of the generated topic.creation groups and topic document. */
    public record Topics(int replicationFactor, int eventsRetentionDays, int deadLetterRetentionDays) {
    }

    /** Thresholds {@code status} compares against. */
    public record Monitoring(long maxSlotLagBytes, long maxOutboxRows, long maxOldestRowAgeSeconds) {
    }

    /** A field of the aggregate record. */
    public record FieldSpec(String name, TypeSpec type, boolean nullable, String doc) {
    }

    /** The spec's types (seed 000's list, widened); each maps to one Avro type. */
    public enum Kind {
        STRING, INT, LONG, FLOAT, DOUBLE, DECIMAL, BOOLEAN, DATE, TIMESTAMP, UUID, ENUM, ARRAY, OBJECT, MAP
    }

    /**
     * A type: {@code name} and {@code doc} for the named Avro types (object, enum), {@code symbols} for enums
     * (without the reader default, which the generator adds), {@code fields} for objects, {@code element} for
     * arrays and maps, precision and scale for decimals.
     */
    public record TypeSpec(Kind kind, int precision, int scale, String name, String doc, List<String> symbols,
            List<FieldSpec> fields, TypeSpec element) {

        static TypeSpec simple(Kind kind) {
            return new TypeSpec(kind, 0, 0, null, null, List.of(), List.of(), null);
        }
    }

    /** The names of seed 000's Phase 2, from the one naming class the plugin uses. */
    public OutboxNames names() {
        return OutboxNames.builder().company(company).domain(domain).env(env).cluster(cluster).version(schemaVersion).build();
    }

    public String outboxTable() {
        return tableLayout == TableLayout.SHARED ? names().sharedOutboxTable() : names().outboxTable(aggregate);
    }

    public String connectorName() {
        return tableLayout == TableLayout.SHARED ? names().sharedConnectorName() : names().connectorName(aggregate);
    }

    public String replicationSlot() {
        return tableLayout == TableLayout.SHARED ? names().sharedReplicationSlot() : names().replicationSlot(aggregate);
    }

    public String publication() {
        return tableLayout == TableLayout.SHARED ? names().sharedPublication() : names().publication(aggregate);
    }

    public String debeziumTopicPrefix() {
        return tableLayout == TableLayout.SHARED ? names().sharedDebeziumTopicPrefix() : names().debeziumTopicPrefix(aggregate);
    }

    public String signalTable() {
        return OutboxNames.signalTable(outboxTable());
    }

    public String aggregateIdIndex() {
        return outboxTable() + "_aggregate_id_idx";
    }

    public String eventDateIndex() {
        return outboxTable() + "_event_date_idx";
    }

    /** The PostgreSQL names the migration and the connector use, by what they name. */
    public java.util.Map<String, String> postgresNames() {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("outbox table", outboxTable());
        names.put("aggregate id index", aggregateIdIndex());
        names.put("event date index", eventDateIndex());
        if (cleanup == Cleanup.RETAIN) {
            names.put("signalling table", signalTable());
        }
        names.put("replication slot", replicationSlot());
        names.put("publication", publication());
        return names;
    }

    public String eventTopic() {
        return names().eventTopic(aggregate);
    }

    public String stateTopic() {
        return names().stateTopic(aggregate);
    }

    public String deadLetterTopic() {
        return names().deadLetterTopic(OutboxNames.DEFAULT_DEAD_LETTER_TOPIC_FORMAT);
    }

    /** {@code {domain}-{aggregate}}: how the generated files are named. */
    public String fileStem() {
        return domain + "-" + aggregate;
    }
}
