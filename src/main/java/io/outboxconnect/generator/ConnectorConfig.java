package io.outboxconnect.generator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.outboxconnect.generator.AggregateSpec.Cleanup;
import io.outboxconnect.generator.AggregateSpec.TableLayout;
import io.outboxconnect.naming.OutboxNames;

/**
 * The connector of an aggregate: every key with its value and the reason for it, in groups. The same
 * entries give the ready-to-post JSON ({@link #json()}: valid JSON, no comments) and its companion
 * document ({@link #markdown()}), so the explanation can never describe another configuration.
 */
public final class ConnectorConfig {

    /** One key of the connector's configuration and why it has that value. */
    public record Entry(String key, String value, String why) {
    }

    /** Keys that belong together, explained under one heading. */
    public record Group(String title, List<Entry> entries) {
    }

    private final AggregateSpec spec;
    private final List<Group> groups = new ArrayList<>();

    private ConnectorConfig(AggregateSpec spec) {
        this.spec = spec;
    }

    public static ConnectorConfig of(AggregateSpec spec) {
        ConnectorConfig c = new ConnectorConfig(spec);
        c.build();
        return c;
    }

    public String name() {
        return spec.connectorName();
    }

    public List<Group> groups() {
        return groups;
    }

    /** The configuration as a map, in order (for {@code PUT /connectors/{name}/config}). */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        groups.forEach(g -> g.entries().forEach(e -> config.put(e.key(), e.value())));
        return config;
    }

    private void build() {
        OutboxNames names = spec.names();
        String table = spec.database().schema() + "." + spec.outboxTable();
        boolean shared = spec.tableLayout() == TableLayout.SHARED;
        boolean retain = spec.cleanup() == Cleanup.RETAIN;
        String heartbeatTopic = OutboxNames.heartbeatTopic(spec.debeziumTopicPrefix());

        group("Connector",
                e("connector.class", "io.outboxconnect.connector.OutboxConnector",
                        "outbox-connect's connector: Debezium's PostgresConnector by delegation, each outbox row emitted once per stream."),
                e("tasks.max", "1", "A PostgreSQL replication slot is read by exactly one task."),
                e("exactly.once.support", "required",
                        "Event, state record and source offset in one Kafka transaction. Needs exactly.once.source.support=enabled on every "
                                + "worker; on a worker without it, set 'requested' (at-least-once: consumers de-duplicate by the id header)."),
                e("consumer.override.fetch.max.wait.ms", "50",
                        "After every transaction Debezium reads the task's committed offsets back before it confirms WAL positions to "
                                + "PostgreSQL; when the transaction's markers are not written yet, the worker's read_committed offsets consumer "
                                + "waits out fetch.max.wait.ms (500 ms by default), which held the pipeline still for about 0.5 s a few times a "
                                + "minute. 50 ms bounds that wait. The worker's connector.client.config.override.policy must allow it (Kafka's "
                                + "default, All, does); where it does not, remove this key or set consumer.fetch.max.wait.ms on the worker."),
                e("producer.override.batch.size", "262144",
                        "Batches of up to 256 KiB per partition instead of the producer's 16 KiB: every outbox row is two records, and a "
                                + "Debezium poll hands over up to 2,048 rows at once. On the 2-core sandbox it raised the pipeline's rows/s by about "
                                + "10%, latency unchanged (README, Performance). Same override policy as above; or set producer.batch.size on the worker."),
                e("outbox.streams", "event,state", "Each outbox row becomes an event (events topic) and the aggregate's latest state (compacted topic)."),
                e("outbox.tables", regexQuote(table), "Only rows of the outbox table are fanned out"
                        + (retain ? "; the signalling table is not an outbox." : ".")));

        group("Database (secrets are ConfigProvider references, resolved by the worker)",
                e("database.hostname", spec.database().hostname(), "The PostgreSQL primary (logical replication does not run on a standby)."),
                e("database.port", String.valueOf(spec.database().port()), "PostgreSQL's port."),
                e("database.user", spec.database().user(), "A role WITH LOGIN REPLICATION and SELECT on the outbox table (see the migration)."),
                e("database.password", spec.database().password(),
                        "A ConfigProvider reference: the worker resolves it (config.providers=env,file on the worker); the secret never "
                                + "appears in this file nor in GET /connectors/{name}/config."),
                e("database.dbname", spec.database().dbname(), "The database holding the outbox table."),
                e("topic.prefix", spec.debeziumTopicPrefix(),
                        "Debezium's logical server name: it keys the source offsets and the metrics. Never change it on a running connector "
                                + "(the offsets would be lost). It names no topic here: the SMT routes every record."));

        List<Entry> capture = new ArrayList<>(List.of(
                e("plugin.name", "pgoutput", "PostgreSQL's built-in logical decoding plugin (10+), no extension needed."),
                e("slot.name", spec.replicationSlot(),
                        "The replication slot: PostgreSQL keeps WAL until the connector confirms it. Watch its lag (outbox-connect status); "
                                + "drop it (pg_drop_replication_slot) when the connector is deleted for good."),
                e("publication.name", spec.publication(), "The publication created by the migration."),
                e("publication.autocreate.mode", "disabled",
                        "The migration creates the publication, so the connector's role needs no CREATE privilege on the database."),
                e("table.include.list", regexQuote(table), "Only the outbox table is captured."),
                e("snapshot.mode", "no_data",
                        "Stream from the slot's creation on; existing rows are not read at start ('never' in Debezium before 2.0)."),
                e("tombstones.on.delete", "false",
                        "Deleting an outbox row is clean-up, not an event: no tombstone is emitted for it."),
                e("extended.headers.enabled", "false",
                        "Debezium (since 3.x) adds four __debezium.context.* headers (connector, task, run id) to every record, and "
                                + "EventRouter keeps them: about 190 bytes on every event and state record, which consumers never need. The "
                                + "outbox topics carry the id and event_type headers only."),
                e("poll.interval.ms", "10", "Debezium's default (500 ms) dominates end-to-end latency; 10 ms gives p99 in the tens of ms."),
                e("heartbeat.interval.ms", "10000",
                        "A heartbeat every 10 s, written to " + heartbeatTopic + ": Connect commits a source offset only with a record it "
                                + "writes, and Debezium confirms to PostgreSQL only committed offsets, so without heartbeats (or with them "
                                + "dropped by a transform) a quiet outbox in a busy database keeps the slot's WAL until its next row."),
                e("heartbeat.action.query", "SELECT pg_logical_emit_message(true, 'outbox-connect-heartbeat', '')",
                        "With every heartbeat, a transaction holding only a logical decoding message (no table, no row): since "
                                + "PostgreSQL 15, pgoutput sends nothing of transactions that touch no published table, so without it the "
                                + "heartbeats would carry the position of the last outbox row and the slot would still hold the WAL of the "
                                + "database's other writes. The message itself is skipped (next key)."),
                e("message.prefix.exclude.list", ".*",
                        "Logical decoding messages (pg_logical_emit_message, PostgreSQL 14+) of other applications are not outbox rows: "
                                + "Debezium skips them instead of emitting records the value converter refuses.")));
        if (retain) {
            capture.add(e("signal.enabled.channels", "source", "Signals (replays) are rows inserted into the signalling table."));
            capture.add(e("signal.data.collection", spec.database().schema() + "." + spec.signalTable(),
                    "The signalling table of the migration: 'outbox-connect replay' inserts an execute-snapshot signal there."));
            capture.add(e("incremental.snapshot.chunk.size", "1024", "Rows per chunk when a replay re-reads retained outbox rows."));
        }
        group("Change capture", capture.toArray(Entry[]::new));

        group("Converters",
                e("key.converter", "org.apache.kafka.connect.storage.StringConverter",
                        "The key is the aggregate id as a plain string: per-aggregate order and compaction by key."),
                e("value.converter", "io.outboxconnect.connector.OutboxValueConverter",
                        "The SMT writes the Confluent wire format itself (0x00, schema id, Avro binary); the converter passes the bytes, "
                                + "writes Debezium's heartbeats as JSON ({\"ts_ms\":...}) and refuses any other record by topic and schema "
                                + "(Kafka's ByteArrayConverter cannot write heartbeats)."),
                e("header.converter", "io.outboxconnect.connector.StringHeaderConverter",
                        "Kafka's default SimpleHeaderConverter, the same bytes, with string headers (id, event_type, the dead letters' "
                                + "reasons) written straight as UTF-8 instead of through a StringBuilder and a copy of it."));

        List<Entry> transforms = new ArrayList<>();
        if (retain) {
            String signalTopic = OutboxNames.debeziumTableTopic(spec.debeziumTopicPrefix(), spec.database().schema(), spec.signalTable());
            transforms.addAll(List.of(
                    e("predicates", "isSignal", "Names the predicate that recognises signalling-table changes."),
                    e("predicates.isSignal.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches", "Kafka's topic-name predicate."),
                    e("predicates.isSignal.pattern", signalTopic.replace(".", "\\."),
                            "Changes of the signalling table (a replay's window marks), which Debezium streams as " + signalTopic + "."),
                    e("transforms", "dropSignals,outbox",
                            "Signalling-table changes are dropped first; every other record goes through the outbox SMT (heartbeats pass it "
                                    + "unchanged)."),
                    e("transforms.dropSignals.type", "org.apache.kafka.connect.transforms.Filter", "Kafka's Filter transform."),
                    e("transforms.dropSignals.predicate", "isSignal",
                            "Signalling-table changes are not outbox rows: passed on, the value converter would refuse them.")));
        }
        else {
            transforms.add(e("transforms", "outbox", "Every record goes through the outbox SMT (heartbeats pass it unchanged)."));
        }
        transforms.addAll(List.of(
                e("transforms.outbox.type", "io.outboxconnect.transforms.AvroEventRouter",
                        "outbox-connect's SMT: Debezium's EventRouter routing, key and headers, plus the Avro envelope and the state record."),
                e("transforms.outbox.naming.company", spec.company(), "com.{company} is the root of the Avro namespaces."),
                e("transforms.outbox.naming.domain", spec.domain(), "{domain} of the topic names and Avro namespaces."),
                e("transforms.outbox.naming.env", spec.env(), "{env} of the topic names."),
                e("transforms.outbox.naming.cluster", spec.cluster(), "{cluster} of the topic names."),
                e("transforms.outbox.naming.version", spec.schemaVersion(), "{version} of the topic names; raise it for a breaking schema change."),
                e("transforms.outbox.table.op.invalid.behavior", "warn",
                        "Updates of outbox rows are not events: they are logged (without their data) and skipped."),
                e("transforms.outbox.schemas.preload.aggregates", spec.aggregate(),
                        "The aggregate's schemas are looked up and checked when the task starts: a missing or incompatible schema "
                                + "fails the task at once, not at the first event."
                                + (shared ? " Other aggregates of the shared table are resolved at their first event." : "")),
                e("transforms.outbox.schemas.preload.streams", "event,state", "Both the envelope and the state schema are checked at start."),
                e("transforms.outbox.state.delete.event.types", "*_DELETED", "These event types leave a tombstone on the state topic."),
                e("transforms.outbox.errors.data.policy", "dlq",
                        "A row whose data cannot be published goes, whole and with the reason in headers, to the dead-letter topic; "
                                + "the connector keeps running."),
                e("transforms.outbox.errors.dlq.topic.format", OutboxNames.DEFAULT_DEAD_LETTER_TOPIC_FORMAT,
                        "The dead-letter topic: " + spec.deadLetterTopic() + "."),
                e("transforms.outbox.schema.registry.url", spec.registry().url(),
                        "The Confluent-compatible registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace, Redpanda).")));
        if (spec.registry().basicAuthUserInfo() != null) {
            transforms.add(e("transforms.outbox.schema.registry.basic.auth.user.info", spec.registry().basicAuthUserInfo(),
                    "The registry's credentials (user:password) as a ConfigProvider reference."));
        }
        group("Transforms", transforms.toArray(Entry[]::new));

        String rf = String.valueOf(spec.topics().replicationFactor());
        String partitions = String.valueOf(spec.partitions());
        String dlq = names.topicPattern(OutboxNames.DEFAULT_DEAD_LETTER_TOPIC_FORMAT, null);
        // a shared table serves every aggregate of the domain: its groups match any aggregate
        String eventsPattern = names.topicPattern(OutboxNames.DEFAULT_EVENT_TOPIC_FORMAT, shared ? null : spec.aggregate());
        String statePattern = names.topicPattern(OutboxNames.DEFAULT_STATE_TOPIC_FORMAT, shared ? null : spec.aggregate());
        List<Entry> topics = new ArrayList<>(List.of(
                e("topic.creation.default.replication.factor", rf, "Connect creates missing topics; required keys of the default group."),
                e("topic.creation.default.partitions", "-1", "The broker's default for any topic no group matches."),
                e("topic.creation.groups", "dead_letters,events,state,heartbeats", "The four kinds of topics this connector writes."),
                e("topic.creation.dead_letters.include", dlq, "The dead-letter topic: " + spec.deadLetterTopic() + "."),
                e("topic.creation.dead_letters.replication.factor", rf, "-1: the broker's default.replication.factor."),
                e("topic.creation.dead_letters.partitions", "1", "Few records, read by people: one partition keeps them in order."),
                e("topic.creation.dead_letters.cleanup.policy", "delete", "A bad row may have no key: never compact this topic."),
                e("topic.creation.dead_letters.retention.ms", days(spec.topics().deadLetterRetentionDays()),
                        spec.topics().deadLetterRetentionDays() + " days to look at and replay bad rows."),
                e("topic.creation.events.include", eventsPattern, "The events topic: " + (shared ? "of every aggregate of the domain." : spec.eventTopic() + ".")),
                e("topic.creation.events.replication.factor", rf, "-1: the broker's default.replication.factor."),
                e("topic.creation.events.partitions", partitions, "Keyed by aggregate id: one aggregate's events stay in order in one partition."),
                e("topic.creation.events.cleanup.policy", "delete", "Event history, deleted after the retention."),
                e("topic.creation.events.retention.ms", days(spec.topics().eventsRetentionDays()),
                        spec.topics().eventsRetentionDays() + " days of event history."),
                e("topic.creation.state.include", statePattern, "The latest-state topic: " + (shared ? "of every aggregate of the domain." : spec.stateTopic() + "."))));
        if (shared) {
            topics.add(e("topic.creation.state.exclude", eventsPattern + "|" + dlq,
                    "The state pattern would also match events and dead-letter topics."));
        }
        topics.addAll(List.of(
                e("topic.creation.state.replication.factor", rf, "-1: the broker's default.replication.factor."),
                e("topic.creation.state.partitions", partitions, "As many as the events topic: the same key lands in the same partition number."),
                e("topic.creation.state.cleanup.policy", "compact", "The latest state per aggregate id, kept for ever; tombstones remove deleted aggregates."),
                e("topic.creation.state.min.cleanable.dirty.ratio", "0.1", "Compact early: readers rebuilding state read fewer superseded records."),
                e("topic.creation.state.delete.retention.ms", "86400000", "Tombstones stay a day, so slow readers still see deletions."),
                e("topic.creation.heartbeats.include", regexQuote(heartbeatTopic), "Debezium's heartbeat topic: " + heartbeatTopic + "."),
                e("topic.creation.heartbeats.replication.factor", rf, "-1: the broker's default.replication.factor."),
                e("topic.creation.heartbeats.partitions", "1", "One key (the server name), one partition."),
                e("topic.creation.heartbeats.cleanup.policy", "compact",
                        "Only the latest heartbeat matters (it is what carries the offset); compaction keeps the topic at a few records.")));
        group("Topic creation", topics.toArray(Entry[]::new));

        group("Errors",
                e("errors.tolerance", "none", "Anything the SMT does not route to the dead-letter topic (registry down, wrong schema) fails the task: nothing is skipped."),
                e("errors.log.enable", "true", "Failures are logged by the worker."),
                e("errors.log.include.messages", "false", "Never log record contents: the aggregate may hold personal data."));
    }

    /** The ready-to-post connector: {"name": ..., "config": {...}}, groups separated by blank lines. */
    public String json() {
        StringBuilder out = new StringBuilder("{\n  \"name\": ").append(GeneratedJson.quote(name())).append(",\n  \"config\": {\n");
        for (int g = 0; g < groups.size(); g++) {
            List<Entry> entries = groups.get(g).entries();
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                boolean last = g == groups.size() - 1 && i == entries.size() - 1;
                out.append("    ").append(GeneratedJson.quote(e.key())).append(": ").append(GeneratedJson.quote(e.value()))
                        .append(last ? "\n" : ",\n");
            }
            if (g < groups.size() - 1) {
                out.append('\n');
            }
        }
        return out.append("  }\n}\n").toString();
    }

    /** The companion document: every key, its value and why, group by group. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Connector `").append(name()).append("`\n\n")
                .append("Generated by `outbox-connect generate` from the aggregate spec of `").append(spec.aggregate())
                .append("` (domain `").append(spec.domain()).append("`); do not edit, regenerate.\n\n")
                .append("`").append(spec.fileStem()).append("-connector.json` is valid JSON, ready to post:\n\n")
                .append("```sh\n")
                .append("curl -X PUT -H 'Content-Type: application/json' \\\n")
                .append("     --data \"$(jq .config ").append(spec.fileStem()).append("-connector.json)\" \\\n")
                .append("     http://connect:8083/connectors/").append(name()).append("/config\n")
                .append("# or: outbox-connect register --spec <spec> --connect-url http://connect:8083 --registry-url ...\n")
                .append("```\n\n")
                .append("The worker must resolve the ConfigProvider references: `config.providers=env,file`, ")
                .append("`config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider`, ")
                .append("`config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider`.\n");
        for (Group g : groups) {
            out.append("\n## ").append(g.title()).append("\n\n| key | value | why |\n|---|---|---|\n");
            for (Entry e : g.entries()) {
                out.append("| `").append(e.key()).append("` | `").append(e.value().replace("|", "\\|")).append("` | ")
                        .append(e.why().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    private void group(String title, Entry... entries) {
        groups.add(new Group(title, List.of(entries)));
    }

    private static Entry e(String key, String value, String why) {
        return new Entry(key, value, why);
    }

    private static String days(int days) {
        return String.valueOf(days * 86_400_000L);
    }

    private static String regexQuote(String table) {
        return table.replace(".", "\\.");
    }
}
