package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.outboxconnect.sandbox.Postgres;
import io.outboxconnect.sandbox.Sandbox;

/**
 * The CLI, run as a user runs it ({@code java -jar outbox-connect-<version>-cli.jar}), on a second aggregate that is
 * not the example: a shipment of the logistics domain, with nested records, decimals, a map and retained rows.
 * {@code generate} writes its artifacts, the worker's validate endpoint accepts the generated connector JSON,
 * {@code register} deploys it, the pipeline publishes shipments decoded with the generated schemas, {@code status}
 * reports it, and {@code replay} re-publishes retained rows.
 */
@ExtendWith(Sandbox.class)
@EnabledIfSystemProperty(named = "sandbox", matches = "embedded")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliShipmentIT {

    private static final Path SPEC = ExampleDeployment.PROJECT.resolve("src/test/resources/specs/logistics-shipment.yaml");
    private static final String CONNECTOR = "logistics-shipment-outbox-connector";
    private static final String EVENTS_TOPIC = "staging.logistics.shipment_event.k2.v1";
    private static final String STATE_TOPIC = "staging.logistics.shipment.k2.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path output;
    private static final List<String> shipments = new ArrayList<>();
    private static final Map<String, String> eventIds = new HashMap<>();

    /** Leaves the sandbox as it found it: the other scenarios count replication slots. */
    @AfterAll
    static void cleanUp() throws InterruptedException {
        try {
            Sandbox.get().connect().deleteConnector(CONNECTOR);
        }
        catch (RuntimeException alreadyGone) {
            // nothing deployed
        }
        String ours = "slot_name IN ('logistics_shipment_slot', 'logistics_crate_slot')";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Sandbox.get().queryLong("SELECT count(*) FROM pg_replication_slots WHERE " + ours) > 0 && System.nanoTime() < deadline) {
            // a slot can be dropped once its walsender is gone, i.e. once the deleted connector's task has stopped
            Sandbox.get().queryLong("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE " + ours + " AND NOT active");
            Thread.sleep(200);
        }
        assertThat(Sandbox.get().queryLong("SELECT count(*) FROM pg_replication_slots WHERE " + ours)).as("slots left behind").isZero();
    }

    @Test
    @Order(1)
    void generateWritesTheShipmentsArtifactsAndTheDryRunShowsTheDerivedNames() throws Exception {
        Cli dryRun = cli("generate", "--spec", SPEC.toString(), "--output", output.toString(), "--dry-run");
        assertThat(dryRun.exit).as(dryRun.toString()).isZero();
        assertThat(dryRun.out).contains("| Kafka topic (events)", EVENTS_TOPIC, "com.acme.logistics.event.ShipmentEvent", "Integration checklist");
        try (Stream<Path> files = Files.walk(output)) {
            assertThat(files.filter(Files::isRegularFile)).as("a dry run writes nothing").isEmpty();
        }

        Cli generate = cli("generate", "--spec", SPEC.toString(), "--output", output.toString());

        assertThat(generate.exit).as(generate.toString()).isZero();
        assertThat(output.resolve("connector-configs/logistics-shipment-connector.json")).exists();
        assertThat(output.resolve("connector-configs/migrations/001_create_logistics_shipment_outbox.sql")).exists();
        assertThat(output.resolve("schemas/logistics/shipment.avsc")).exists();
    }

    @Test
    @Order(2)
    void theWorkerValidatesTheGeneratedConnectorJsonWithoutErrors() throws Exception {
        applyMigration();
        Map<String, String> config = environmentConfig();
        config.put("name", CONNECTOR);

        JsonNode answer = Sandbox.get().connect().validate(config.get("connector.class"), config);

        List<String> errors = new ArrayList<>();
        answer.path("configs").forEach(c -> c.path("value").path("errors").forEach(e -> errors.add(c.path("value").path("name").asText() + ": " + e.asText())));
        assertThat(errors).as("validate errors").isEmpty();
        assertThat(answer.path("error_count").asInt()).isZero();
    }

    @Test
    @Order(3)
    void registerSetsForwardTransitiveRegistersBothSchemasAndRunsTheConnector() throws Exception {
        Cli register = register();

        assertThat(register.exit).as(register.toString()).isZero();
        assertThat(register.out).contains("registered " + EVENTS_TOPIC + "-value", "registered " + STATE_TOPIC + "-value",
                "created connector " + CONNECTOR, "RUNNING");
        var registry = Sandbox.get().registry();
        assertThat(registry.compatibility(EVENTS_TOPIC + "-value")).isEqualTo("FORWARD_TRANSITIVE");
        assertThat(registry.compatibility(STATE_TOPIC + "-value")).isEqualTo("FORWARD_TRANSITIVE");
        assertThat(Sandbox.get().connect().status(CONNECTOR).path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
        Sandbox.get().awaitActiveSlot("logistics_shipment_slot", Duration.ofSeconds(60));

        Cli again = register();
        assertThat(again.exit).as("register is idempotent: " + again).isZero();
        assertThat(again.out).contains("updated connector " + CONNECTOR);
        Cli check = cli(registerArgs("--schemas", "check"));
        assertThat(check.exit).as(check.toString()).isZero();
        assertThat(check.out).contains("checked " + EVENTS_TOPIC + "-value: registered as version 1 (latest 1), compatibility FORWARD_TRANSITIVE");
    }

    @Test
    @Order(4)
    void anIncompatibleAggregateSchemaIsRefusedBeforeTheConnectorIsTouched() throws Exception {
        // without 'carrier', readers of version 1 (which requires it) could not read new states: not FORWARD compatible
        Path withoutCarrier = output.resolve("without-carrier.yaml");
        Files.writeString(withoutCarrier, Files.readString(SPEC).replace("  - {name: carrier, type: string, doc: Carrier code.}\n", ""));
        List<String> args = new ArrayList<>(List.of(registerArgs("--schemas", "check")));
        args.set(args.indexOf(SPEC.toString()), withoutCarrier.toString());

        Cli check = cli(args.toArray(String[]::new));
        args.remove("check");
        args.remove("--schemas");
        Cli register = cli(args.toArray(String[]::new));

        assertThat(check.exit).as(check.toString()).isEqualTo(3);
        assertThat(check.err).contains(STATE_TOPIC + "-value: this schema is incompatible with the registered versions");
        assertThat(register.exit).as(register.toString()).isEqualTo(3);
        assertThat(register.err).contains(STATE_TOPIC + "-value: incompatible with the registered versions under FORWARD_TRANSITIVE");
        assertThat(register.out).doesNotContain("connector");
        assertThat(Sandbox.get().registry().latest(STATE_TOPIC + "-value").path("version").asInt()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void shipmentsWithNestedAndDecimalFieldsArePublishedAndDecodeWithTheGeneratedSchemas() throws Exception {
        Sandbox.get().connect().awaitRunning(CONNECTOR, Duration.ofSeconds(60));
        Sandbox.get().awaitActiveSlot("logistics_shipment_slot", Duration.ofSeconds(60));
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        shipments.addAll(List.of(first, second));
        write(first, "SHIPMENT_CREATED", "PENDING", "12.500");
        write(second, "SHIPMENT_CREATED", "PENDING", "3.000");
        write(first, "SHIPMENT_DISPATCHED", "IN_TRANSIT", "12.500");

        // read_committed: with exactly.once.support=required the worker publishes in Kafka transactions
        List<ConsumerRecord<String, byte[]>> events = Sandbox.get().kafka().read(EVENTS_TOPIC, 3, true, Duration.ofSeconds(60));
        List<ConsumerRecord<String, byte[]>> states = Sandbox.get().kafka().read(STATE_TOPIC, 3, true, Duration.ofSeconds(60));

        assertThat(events).hasSize(3);
        assertThat(states).hasSize(3);
        EventDecoder decoder = new EventDecoder(Sandbox.get().registry());
        Schema generatedEnvelope = new Schema.Parser().parse(Files.readString(output.resolve("schemas/logistics/shipment_event.avsc")));
        Schema generatedState = new Schema.Parser().parse(Files.readString(output.resolve("schemas/logistics/shipment.avsc")));
        for (ConsumerRecord<String, byte[]> event : events) {
            assertThat(decoder.writerSchema(event.value())).isEqualTo(generatedEnvelope);
            GenericRecord envelope = decoder.decode(event.value());
            assertThat(envelope.get("aggregate_type").toString()).isEqualTo("shipment");
            assertThat(envelope.get("aggregate_id").toString()).isEqualTo(event.key());
            assertThat(envelope.get("event_id").toString()).isEqualTo(eventIds.get(event.key() + "/" + envelope.get("event_type")));
        }
        ConsumerRecord<String, byte[]> lastOfFirst = states.stream().filter(r -> r.key().equals(first)).reduce((a, b) -> b).orElseThrow();
        assertThat(decoder.writerSchema(lastOfFirst.value())).isEqualTo(generatedState);
        GenericRecord state = decoder.decode(lastOfFirst.value());
        assertThat(state.get("status").toString()).isEqualTo("IN_TRANSIT");
        assertThat(state.get("weight_kg")).isEqualTo(new java.math.BigDecimal("12.500"));
        assertThat(state.get("declared_value")).isEqualTo(new java.math.BigDecimal("99.90"));
        GenericRecord coordinates = (GenericRecord) ((GenericRecord) state.get("destination")).get("coordinates");
        assertThat(coordinates.get("latitude")).isEqualTo(45.76);
        assertThat(((GenericRecord) ((List<?>) state.get("parcels")).get(0)).get("weight_kg")).isEqualTo(new java.math.BigDecimal("6.250"));
        assertThat(((Map<?, ?>) state.get("attributes")).get(new org.apache.avro.util.Utf8("dock")).toString()).isEqualTo("4");
    }

    @Test
    @Order(6)
    void statusShowsTheConnectorTheSlotTheRetainedRowsAndTheTopicsEndOffsets() throws Exception {
        Cli status = cli(statusArgs().toArray(String[]::new));

        assertThat(status.exit).as(status.toString()).isZero();
        assertThat(status.out).contains("connector " + CONNECTOR, "RUNNING", "slot logistics_shipment_slot", "active, lag",
                "outbox rows", "3 (retained, not checked)", "events " + EVENTS_TOPIC, "state " + STATE_TOPIC)
                .doesNotContain("FAIL");
        // the end offsets are the broker's (with exactly-once, transaction markers count too)
        assertThat(status.out).contains("(sum " + endOffsetSum(EVENTS_TOPIC) + ")");

        // a threshold the pipeline exceeds: the spec with at most 2 outbox rows, though retained rows are 3
        Path strict = output.resolve("strict.yaml");
        Files.writeString(strict, Files.readString(SPEC).replace("max_slot_lag_bytes: 10485760", "max_slot_lag_bytes: 10485760\n  max_outbox_rows: 2"));
        List<String> args = new ArrayList<>(statusArgs());
        args.set(args.indexOf(SPEC.toString()), strict.toString());
        Cli exceeded = cli(args.toArray(String[]::new));
        assertThat(exceeded.exit).as(exceeded.toString()).isEqualTo(3);
        assertThat(exceeded.out).containsPattern("FAIL +outbox rows +3 \\(max 2\\)");
    }

    @Test
    @Order(7)
    void replayRepublishesTheRetainedRowsOfOneShipmentWithTheirEventIds() throws Exception {
        String first = shipments.get(0);
        String second = shipments.get(1);
        Map<TopicPartition, Long> beforeReplay = endOffsets(EVENTS_TOPIC);
        Cli replay = cli("replay", "--spec", SPEC.toString(), "--jdbc-url", jdbcUrl(), "--db-user", Postgres.USER, "--aggregate-id", first);

        assertThat(replay.exit).as(replay.toString()).isZero();
        assertThat(replay.out).contains("replay requested", "\"filter\":\"aggregate_id IN ('" + first + "')\"").doesNotContain(second);
        // the two retained rows of the first shipment arrive once more, past the end offsets the topic had before the replay
        Set<String> firstsEventIds = Set.of(eventIds.get(first + "/SHIPMENT_CREATED"), eventIds.get(first + "/SHIPMENT_DISPATCHED"));
        recordsFrom(EVENTS_TOPIC, beforeReplay, records -> ids(records).containsAll(firstsEventIds));
        // then a row of the other shipment: whatever else the replay published (its rows among them) is on the topic before it
        write(second, "SHIPMENT_DELIVERED", "DELIVERED", "3.000");
        String sentinel = eventIds.get(second + "/SHIPMENT_DELIVERED");
        List<ConsumerRecord<String, byte[]>> published = recordsFrom(EVENTS_TOPIC, beforeReplay, records -> ids(records).contains(sentinel));

        EventDecoder decoder = new EventDecoder(Sandbox.get().registry());
        assertThat(published).as("the events published since the replay was requested")
                .extracting(r -> r.key() + " " + decoder.decode(r.value()).get("event_id"))
                .containsExactlyInAnyOrder(first + " " + eventIds.get(first + "/SHIPMENT_CREATED"), first + " " + eventIds.get(first + "/SHIPMENT_DISPATCHED"),
                        second + " " + sentinel);
    }

    @Test
    @Order(8)
    void registerExitsNonZeroWithTheWorkersTraceWhenATaskFails() throws Exception {
        Path crate = output.resolve("crate.yaml");
        Files.writeString(crate, Files.readString(SPEC).replace("aggregate: shipment", "aggregate: crate").replace("SHIPMENT_", "CRATE_"));
        List<String> args = new ArrayList<>(List.of(registerArgs()));
        args.set(args.indexOf(SPEC.toString()), crate.toString());
        // the crate's migration was never applied, so its publication does not exist and the generated
        // config does not let Debezium create one: the task fails at start, whatever the registry says
        args.addAll(List.of("--timeout", "90"));
        try {
            Cli register = cli(args.toArray(String[]::new));

            assertThat(register.exit).as(register.toString()).isEqualTo(4);
            assertThat(register.err).contains("logistics-crate-outbox-connector FAILED", "task 0", "Exception", "Publication autocreation is disabled");
        }
        finally {
            try {
                Sandbox.get().connect().deleteConnector("logistics-crate-outbox-connector");
            }
            catch (IllegalStateException notCreated) {
                // the worker refused it: nothing to delete
            }
        }
    }

    /** The event ids (header {@code id}) of {@code records}. */
    private static Set<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(new String(r.headers().lastHeader("id").value(), StandardCharsets.UTF_8)));
        return ids;
    }

    /**
     * The records of {@code topic} at or past the offsets {@code from} gives each partition, read {@code read_committed}, once
     * {@code done} holds of them (or after 90 s: the caller's assertions then say what is missing).
     */
    private static List<ConsumerRecord<String, byte[]>> recordsFrom(String topic, Map<TopicPartition, Long> from,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<ConsumerRecord<String, byte[]>> records;
        do {
            records = Sandbox.get().kafka().readToEnd(topic, true, Duration.ofSeconds(30)).stream()
                    .filter(r -> r.offset() >= from.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)).toList();
            if (done.test(records)) {
                return records;
            }
            Thread.sleep(200);
        }
        while (System.nanoTime() < deadline);
        return records;
    }

    private static long endOffsetSum(String topic) throws Exception {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The broker's end offset of each partition of {@code topic}. */
    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (var admin = Sandbox.get().broker().admin()) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        }
    }

    private static void applyMigration() throws IOException {
        String sql = Files.readString(output.resolve("connector-configs/migrations/001_create_logistics_shipment_outbox.sql"));
        List<String> statements = new ArrayList<>(List.of(sql, "DO $$ BEGIN CREATE ROLE logistics_outbox WITH LOGIN REPLICATION PASSWORD 'postgres'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$"));
        // the role statements the migration documents, as a superuser would run them
        sql.lines().filter(l -> l.startsWith("--   GRANT")).map(l -> l.substring(5)).map(l -> l.contains("--") ? l.substring(0, l.indexOf("--")) : l)
                .forEach(statements::add);
        Sandbox.get().execute(statements.toArray(String[]::new));
    }

    /** The generated connector with the sandbox's locations, as register --set gives them. */
    private static Map<String, String> environmentConfig() throws IOException {
        JsonNode config = JSON.readTree(output.resolve("connector-configs/logistics-shipment-connector.json").toFile()).get("config");
        Map<String, String> map = new HashMap<>();
        config.fieldNames().forEachRemaining(k -> map.put(k, config.get(k).asText()));
        for (int i = 0; i < locations().size(); i += 2) {
            String[] kv = locations().get(i + 1).split("=", 2);
            map.put(kv[0], kv[1]);
        }
        return map;
    }

    private static List<String> locations() {
        Map<String, String> where = Sandbox.get().connectorLocations();
        // 'required' is rejected by a worker without exactly.once.source.support=enabled
        return List.of("--set", "database.hostname=" + where.get("database.hostname"), "--set", "database.port=" + where.get("database.port"),
                "--set", "database.dbname=" + where.get("database.dbname"),
                "--set", "transforms.outbox.schema.registry.url=" + where.get("schema.registry.url"),
                "--set", "exactly.once.support=" + (Sandbox.get().exactlyOnce() ? "required" : "requested"));
    }

    private static String[] registerArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("register", "--spec", SPEC.toString(), "--connect-url", Sandbox.get().connect().url(),
                "--registry-url", Sandbox.get().connectorLocations().get("schema.registry.url")));
        args.addAll(locations());
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static Cli register() throws Exception {
        return cli(registerArgs());
    }

    private static List<String> statusArgs() {
        return List.of("status", "--spec", SPEC.toString(), "--connect-url", Sandbox.get().connect().url(), "--jdbc-url", jdbcUrl(),
                "--db-user", Postgres.USER, "--bootstrap-servers", Sandbox.get().broker().bootstrapServers());
    }

    private static String jdbcUrl() {
        return Sandbox.get().postgres().jdbcUrl();
    }

    private static void write(String shipmentId, String eventType, String status, String weight) throws Exception {
        String eventId = UUID.randomUUID().toString();
        eventIds.put(shipmentId + "/" + eventType, eventId);
        String json = """
                {"shipment_id": "%s", "carrier": "DHL", "status": "%s", "weight_kg": %s, "declared_value": 99.90, "pieces": 1,
                 "tracking_events": 2, "fragile": false, "volume_m3": 0.5, "dispatch_date": "2026-03-01", "updated_at": "2026-03-01T10:00:00Z",
                 "destination": {"city": "Lyon", "country": "FR", "coordinates": {"latitude": 45.76, "longitude": 4.83}},
                 "parcels": [{"barcode": "P1", "weight_kg": "6.250"}], "labels": ["fragile"], "attributes": {"dock": "4"}}"""
                .formatted(shipmentId, status, weight);
        try (Connection c = Sandbox.get().connectDatabase(); PreparedStatement insert = c.prepareStatement("""
                INSERT INTO logistics_shipment_outbox (event_id, aggregate_type, aggregate_id, event_type, event_data)
                VALUES (?::uuid, 'shipment', ?, ?, ?::jsonb)""")) {
            insert.setString(1, eventId);
            insert.setString(2, shipmentId);
            insert.setString(3, eventType);
            insert.setString(4, json);
            insert.executeUpdate();
        }
    }

    /** One run of the CLI jar in its own JVM. */
    private record Cli(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Cli cli(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("sandbox.cli.jar"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("outbox-cli-", ".out");
        Path stderr = Files.createTempFile("outbox-cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("OUTBOX_DB_PASSWORD", Postgres.PASSWORD);
        Process process = builder.start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                throw new AssertionError("outbox-connect " + String.join(" ", args) + " did not finish in 180 s");
            }
            return new Cli(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        }
        finally {
            process.destroyForcibly();
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
