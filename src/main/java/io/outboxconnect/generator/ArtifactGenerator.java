package io.outboxconnect.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.outboxconnect.naming.OutboxNames;

/**
 * Every artifact of seed 000 for one aggregate, under an output root laid out as this repository is:
 * {@code schemas/{domain}/}, {@code connector-configs/} (JSON + companion doc), {@code connector-configs/migrations/},
 * {@code connector-configs/docs/}, {@code connector-configs/strimzi/}. The same spec and the same root give
 * byte-identical files: the migration keeps its number once it exists.
 */
public final class ArtifactGenerator {

    static final String MIGRATIONS = "connector-configs/migrations";
    private static final Pattern NUMBERED = Pattern.compile("(\\d{3,})_.*\\.sql");

    private ArtifactGenerator() {
    }

    /** The artifacts, relative path to content, in a stable order. */
    public static Map<String, String> artifacts(AggregateSpec spec, Path root) throws IOException {
        ConnectorConfig connector = ConnectorConfig.of(spec);
        String stem = spec.fileStem();
        Map<String, String> files = new LinkedHashMap<>();
        files.put(MIGRATIONS + "/" + migrationFileName(spec, root.resolve(MIGRATIONS)), OutboxMigration.sql(spec));
        files.put("connector-configs/" + stem + "-connector.json", connector.json());
        files.put("connector-configs/" + stem + "-connector.md", connector.markdown());
        files.put(spec.names().eventSchemaFile(spec.aggregate()), AvroSchemas.envelope(spec));
        files.put(spec.names().stateSchemaFile(spec.aggregate()), AvroSchemas.aggregate(spec));
        files.put("connector-configs/docs/kafka-topics-" + stem + ".md", TopicDocument.markdown(spec));
        files.put("connector-configs/strimzi/" + stem + "-kafkaconnector.yaml", StrimziManifests.kafkaConnector(spec, connector));
        files.put("connector-configs/strimzi/" + stem + "-kafkaconnect.yaml", StrimziManifests.kafkaConnectBuild(spec));
        return files;
    }

    /** Writes the artifacts under {@code root}; returns what was written, each marked as unchanged or written. */
    public static List<String> write(AggregateSpec spec, Path root) throws IOException {
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, String> file : artifacts(spec, root).entrySet()) {
            Path target = root.resolve(file.getKey());
            byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
            if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                report.add("unchanged " + file.getKey());
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            report.add("wrote     " + file.getKey());
        }
        return report;
    }

    /** {@code NNN_create_{domain}_{aggregate}_outbox.sql}: its existing number, or the next free one. */
    static String migrationFileName(AggregateSpec spec, Path migrations) throws IOException {
        String suffix = "_create_" + spec.domain() + "_" + spec.aggregate() + "_outbox.sql";
        int highest = 0;
        if (Files.isDirectory(migrations)) {
            try (Stream<Path> entries = Files.list(migrations)) {
                for (Path p : entries.sorted().toList()) {
                    String name = p.getFileName().toString();
                    Matcher m = NUMBERED.matcher(name);
                    if (!m.matches()) {
                        continue;
                    }
                    if (name.endsWith(suffix)) {
                        return name;
                    }
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        return String.format("%03d", highest + 1) + suffix;
    }

    /** Seed 000's Phase 2: the derived names, for the team to confirm. */
    public static String derivedNames(AggregateSpec spec) {
        OutboxNames names = spec.names();
        String a = spec.aggregate();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Outbox table", spec.database().schema() + "." + spec.outboxTable() + " (" + spec.tableLayout().key() + ")");
        rows.put("Connector", spec.connectorName());
        rows.put("Replication slot", spec.replicationSlot());
        rows.put("Publication", spec.publication());
        rows.put("Kafka topic (events)", spec.eventTopic());
        rows.put("Kafka topic (latest state, compacted)", spec.stateTopic());
        rows.put("Kafka topic (dead letters)", spec.deadLetterTopic());
        rows.put("Subject (events)", OutboxNames.valueSubject(spec.eventTopic()));
        rows.put("Subject (state)", OutboxNames.valueSubject(spec.stateTopic()));
        rows.put("Avro schema (event envelope)", names.eventRecordFullName(a));
        rows.put("Avro enum (event types)", names.eventTypeEnumFullName(a) + " {UNKNOWN (reader default), " + String.join(", ", spec.eventTypes()) + "}");
        rows.put("Avro schema (aggregate)", names.aggregateRecordFullName(a));
        if (spec.cleanup() == AggregateSpec.Cleanup.RETAIN) {
            rows.put("Signalling table (replays)", spec.database().schema() + "." + spec.signalTable());
        }
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        StringBuilder out = new StringBuilder("## Derived names\n\n");
        out.append("| ").append(pad("Artifact", width)).append(" | Value |\n|").append("-".repeat(width + 2)).append("|-------|\n");
        rows.forEach((k, v) -> out.append("| ").append(pad(k, width)).append(" | ").append(v).append(" |\n"));
        return out.toString();
    }

    /** Seed 000's Phase 4: what the team still has to do. */
    public static String checklist(AggregateSpec spec, Path root) throws IOException {
        String stem = spec.fileStem();
        String table = spec.outboxTable();
        boolean retain = spec.cleanup() == AggregateSpec.Cleanup.RETAIN;
        String first = spec.eventTypes().isEmpty() ? "" : spec.eventTypes().get(0);
        return "## Integration checklist for " + OutboxNames.pascalCase(spec.aggregate()) + "\n\n"
                + "In the service, for every change of the aggregate:\n"
                + "- [ ] open a database transaction\n"
                + "- [ ] write the business rows\n"
                + "- [ ] build the COMPLETE aggregate as JSON (schemas/" + spec.domain() + "/" + spec.aggregate() + ".avsc describes it)\n"
                + "- [ ] INSERT INTO " + table + " (aggregate_type, aggregate_id, event_type, event_data)\n"
                + "      VALUES ('" + spec.aggregate() + "', <aggregate id>, '" + first + "', <aggregate JSON>)\n"
                + (retain ? "" : "- [ ] DELETE the outbox row in the same transaction (clean-up: delete)\n")
                + "- [ ] commit; on any error roll back: no row, no event\n\n"
                + "Infrastructure:\n"
                + "- [ ] apply " + MIGRATIONS + "/" + migrationFileName(spec, root.resolve(MIGRATIONS)) + " and create the connector's role (see its end)\n"
                + "- [ ] give the worker the ConfigProvider of " + spec.database().password() + " (config.providers=env,file)\n"
                + "- [ ] outbox-connect register --spec <spec> --connect-url ... --registry-url ...  (schemas, FORWARD_TRANSITIVE, connector, RUNNING)\n"
                + "- [ ] topics: created by the connector, or by hand (connector-configs/docs/kafka-topics-" + stem + ".md)\n"
                + (retain ? "- [ ] schedule the purge of rows older than " + spec.retentionDays() + " days\n" : "")
                + "- [ ] an integration test: call the API, consume " + spec.eventTopic() + ", decode with the registry's schema\n\n"
                + "Monitoring:\n"
                + "- [ ] outbox-connect status --spec <spec> ... in your checks (non-zero exit when a threshold is exceeded)\n"
                + "- [ ] alert on new records in " + spec.deadLetterTopic() + "\n";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
