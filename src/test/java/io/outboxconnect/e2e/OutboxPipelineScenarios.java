package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.outboxconnect.sandbox.OutboxEnvironment;

/**
 * The example connector ({@code connector-configs/commerce-order-connector.json}) in a real Connect
 * worker that loads the plugin from its plugin path, fed by PostgreSQL logical decoding, writing to
 * a real broker, with schemas in a real registry. Subclasses say where: the embedded sandbox or
 * containers.
 */
abstract class OutboxPipelineScenarios {

    static final String EVENTS_TOPIC = ExampleDeployment.EVENTS_TOPIC;
    static final ObjectMapper JSON = new ObjectMapper();

    OutboxEnvironment env;
    EventDecoder decoder;

    abstract OutboxEnvironment environment();

    @BeforeEach
    void deployTheExample() {
        env = environment();
        ExampleDeployment.deploy(env);
        decoder = new EventDecoder(env.registry());
    }

    static String header(ConsumerRecord<String, byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Places one order through the outbox and returns its event id. */
    String placeOneOrder() throws java.sql.SQLException {
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            String eventId = OrderService.write(c, OrderService.newOrderId(), "ORDER_CREATED", "PLACED", 1);
            c.commit();
            return eventId;
        }
    }

    /**
     * Reads the events topic, {@code read_committed} (the worker publishes in Kafka transactions when
     * exactly-once), until the record with {@code eventId} has arrived; returns everything read.
     */
    List<ConsumerRecord<String, byte[]>> readUntil(String eventId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            all = env.kafka().readToEnd(EVENTS_TOPIC, true, Duration.ofSeconds(30));
            if (all.stream().anyMatch(r -> eventId.equals(header(r, "id")))) {
                return all;
            }
            sleep(200);
        }
        throw new AssertionError("event " + eventId + " not on " + EVENTS_TOPIC + " within 60 s; " + all.size() + " records read");
    }

    @Test
    void theTestJvmCannotLoadThePluginItOnlyLivesInTheWorker() {
        assertThatThrownBy(() -> Class.forName("io.outboxconnect.transforms.AvroEventRouter")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.debezium.connector.postgresql.PostgresConnector")).isInstanceOf(ClassNotFoundException.class);

        Set<String> plugins = new HashSet<>();
        env.connect().plugins().forEach(p -> plugins.add(p.path("class").asText()));
        assertThat(plugins).contains("io.outboxconnect.transforms.AvroEventRouter", "io.outboxconnect.connector.OutboxConnector",
                "io.outboxconnect.connector.StringHeaderConverter",
                "io.debezium.connector.postgresql.PostgresConnector");
    }

    @Test
    void aBusinessRowAndItsOutboxRowInOneTransactionPublishExactlyThatEvent() throws Exception {
        String orderId = OrderService.newOrderId();
        String eventId;
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            eventId = OrderService.write(c, orderId, "ORDER_CREATED", "PLACED", 1);
            c.commit();
        }

        List<ConsumerRecord<String, byte[]>> records = readUntil(eventId).stream().filter(r -> eventId.equals(header(r, "id"))).toList();

        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(record.key()).isEqualTo(orderId);
        assertThat(header(record, "event_type")).isEqualTo("ORDER_CREATED");
        assertThat(record.headers().toArray()).extracting(Header::key)
                .as("the contract's headers, and no Debezium context headers (extended.headers.enabled=false)")
                .containsExactly("id", "event_type");
        GenericRecord envelope = decoder.decode(record.value());
        assertThat(envelope.get("event_id").toString()).isEqualTo(eventId);
        assertThat(envelope.get("aggregate_type").toString()).isEqualTo("order");
        assertThat(envelope.get("aggregate_id").toString()).isEqualTo(orderId);
        assertThat(envelope.get("event_type").toString()).isEqualTo("ORDER_CREATED");
        assertThat((Long) envelope.get("event_date")).isBetween((System.currentTimeMillis() - 120_000) * 1000, System.currentTimeMillis() * 1000);
        JsonNode aggregate = JSON.readTree(envelope.get("event_data").toString());
        assertThat(aggregate.path("order_id").asText()).isEqualTo(orderId);
        assertThat(aggregate.path("lines").get(0).path("sku").asText()).isEqualTo("SKU-1");
        assertThat(envelope.get("event_data").toString()).as("compact JSON").doesNotContain(": ");

        Schema registered = decoder.writerSchema(record.value());
        assertThat(SchemaNormalization.toParsingForm(registered))
                .as("the registered schema is the checked-in .avsc")
                .isEqualTo(SchemaNormalization.toParsingForm(new Schema.Parser().parse(ExampleDeployment.read(ExampleDeployment.ORDER_EVENT_AVSC))));

        if (env.apicurioDeserializerConfig().isPresent()) {
            try (AvroKafkaDeserializer<GenericRecord> apicurio = new AvroKafkaDeserializer<>()) {
                apicurio.configure(env.apicurioDeserializerConfig().get(), false);
                GenericRecord second = apicurio.deserialize(record.topic(), record.value());
                assertThat(second.get("event_id").toString()).isEqualTo(eventId);
                assertThat(second.get("event_type").toString()).isEqualTo("ORDER_CREATED");
                assertThat(second.get("event_data").toString()).isEqualTo(envelope.get("event_data").toString());
            }
        }
    }

    @Test
    void aRolledBackTransactionPublishesNothing() throws Exception {
        String rolledBack;
        String committed;
        try (Connection c = env.connectDatabase()) {
            c.setAutoCommit(false);
            rolledBack = OrderService.write(c, OrderService.newOrderId(), "ORDER_CREATED", "PLACED", 1);
            c.rollback();
            committed = OrderService.write(c, OrderService.newOrderId(), "ORDER_CREATED", "PLACED", 1);
            c.commit();
        }

        List<ConsumerRecord<String, byte[]>> records = readUntil(committed);

        assertThat(records).noneMatch(r -> rolledBack.equals(header(r, "id")));
    }

    @Test
    void aThousandEventsOverFiftyAggregatesFromFourConnectionsArriveOnceInCommitOrder() throws Exception {
        int aggregates = 50;
        int perAggregate = 20;
        List<String> orderIds = IntStream.range(0, aggregates).mapToObj(i -> OrderService.newOrderId()).toList();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> written = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            written.add(writers.submit(() -> {
                // each writer owns every 4th aggregate, so its commit order is that aggregate's commit order
                List<String> eventIds = new ArrayList<>();
                try (Connection c = env.connectDatabase()) {
                    c.setAutoCommit(false);
                    for (int revision = 1; revision <= perAggregate; revision++) {
                        for (int a = writer; a < aggregates; a += 4) {
                            eventIds.add(OrderService.write(c, orderIds.get(a), revision == 1 ? "ORDER_CREATED" : "ORDER_UPDATED", "PLACED", revision));
                            c.commit();
                        }
                    }
                }
                return eventIds;
            }));
        }
        List<String> eventIds = new ArrayList<>();
        for (Future<List<String>> f : written) {
            eventIds.addAll(f.get());
        }
        writers.shutdown();
        assertThat(eventIds).hasSize(aggregates * perAggregate);

        Set<String> ours = new HashSet<>(orderIds);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<ConsumerRecord<String, byte[]>> records = List.of();
        while (System.nanoTime() < deadline) {
            records = env.kafka().readToEnd(EVENTS_TOPIC, true, Duration.ofSeconds(30)).stream().filter(r -> ours.contains(r.key())).toList();
            if (records.size() >= eventIds.size()) {
                break;
            }
            sleep(500);
        }

        assertThat(records.stream().map(r -> header(r, "id")).collect(Collectors.toSet())).as("every committed event arrived").containsAll(eventIds);
        assertThat(records).as("none twice").hasSize(eventIds.size());
        Map<String, List<Integer>> revisionsByOrder = new HashMap<>();
        Map<String, Integer> partitionByOrder = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records.stream().sorted((a, b) -> Long.compare(a.offset(), b.offset())).toList()) {
            int revision = OrderService.revisionOf(decoder.decode(record.value()).get("event_data").toString());
            revisionsByOrder.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(revision);
            assertThat(partitionByOrder.computeIfAbsent(record.key(), k -> record.partition())).as("one partition per aggregate").isEqualTo(record.partition());
        }
        List<Integer> expected = IntStream.rangeClosed(1, perAggregate).boxed().toList();
        assertThat(revisionsByOrder).hasSize(aggregates).allSatisfy((order, revisions) -> assertThat(revisions).as("order %s", order).isEqualTo(expected));
    }

    @Test
    void validateReportsAnErrorOnTheOffendingSmtField() {
        Map<String, String> config = ExampleDeployment.connectorConfig(env);
        config.put("transforms.outbox.naming.env", "pub.lic");

        JsonNode answer = env.connect().validate(config.get("connector.class"), config);

        assertThat(answer.path("error_count").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode offending = validated(answer, "transforms.outbox.naming.env").path("value");
        assertThat(offending.path("errors").toString()).contains("only letters, digits");
    }

    /** The tasks get the connector's default from {@code OutboxConnector.taskConfigs} (OutboxConnectorTest); here, the worker shows it. */
    @Test
    void theWorkerShowsTheConnectorsDefaultForDebeziumsContextHeaders() {
        Map<String, String> config = ExampleDeployment.connectorConfig(env);
        assertThat(config.remove("extended.headers.enabled")).as("the example sets it").isEqualTo("false");
        config.put("name", "outbox-headers-default");

        JsonNode answer = env.connect().validate(config.get("connector.class"), config);

        JsonNode definition = validated(answer, "extended.headers.enabled").path("definition");
        assertThat(definition.path("default_value").asText()).isEqualTo("false");
        assertThat(definition.path("documentation").asText()).contains("default is false");
        assertThat(answer.path("error_count").asInt()).as("errors").isZero();
    }

    /**
     * Writes to tables the connector does not capture still let PostgreSQL release its WAL: with no
     * outbox row after them, the slot's confirmed position passes them within a few heartbeat
     * intervals (Connect commits an offset only with a record it writes, and Debezium confirms only
     * committed offsets, so the heartbeats must be written, not dropped). Then a logical decoding
     * message of another application neither fails the task nor holds the next order back.
     */
    @Test
    void writesToOtherTablesAloneStillLetPostgresqlReleaseTheWal() throws Exception {
        readUntil(placeOneOrder()); // caught up: what follows is not an outbox row
        env.execute("CREATE TABLE IF NOT EXISTS audit_noise (id bigserial PRIMARY KEY, note text)");
        for (int tx = 0; tx < 20; tx++) {
            env.execute("INSERT INTO audit_noise (note) SELECT repeat('x', 200) FROM generate_series(1, 500)");
        }
        long written = env.queryLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        String confirmed = "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint FROM pg_replication_slots WHERE slot_name = '"
                + ExampleDeployment.SLOT + "'";
        long heartbeatMs = Long.parseLong(ExampleDeployment.connectorConfig(env).get("heartbeat.interval.ms"));
        Duration timeout = Duration.ofMillis(3 * heartbeatMs).plusSeconds(30);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long held = written - env.queryLong(confirmed);
        while (held > 0 && System.nanoTime() < deadline) {
            sleep(500);
            held = written - env.queryLong(confirmed);
        }
        System.out.printf("[e2e] %s: the slot held %d bytes of WAL past the writes to other tables %d ms after them%n", env.name(),
                Math.max(held, 0), (System.nanoTime() - start) / 1_000_000);
        assertThat(held).as("bytes of WAL written to other tables that the slot still holds %s later (heartbeat every %d ms)", timeout, heartbeatMs)
                .isLessThanOrEqualTo(0);

        env.execute("SELECT pg_logical_emit_message(true, 'another-app', 'not an outbox row')",
                "INSERT INTO audit_noise (note) VALUES ('with a logical message')");
        env.execute("SELECT pg_logical_emit_message(false, 'another-app', 'not an outbox row either')");
        String next = placeOneOrder();
        assertThat(readUntil(next)).anyMatch(r -> next.equals(header(r, "id")));
        JsonNode status = env.connect().status(ExampleDeployment.connectorJson(env).get("name").asText());
        assertThat(status.path("tasks").get(0).path("state").asText()).as("task state: %s", status).isEqualTo("RUNNING");
    }

    /** The entry (definition and value) of one key in a validate answer; fails when the answer has none. */
    private static JsonNode validated(JsonNode answer, String key) {
        for (JsonNode entry : answer.path("configs")) {
            if (entry.path("definition").path("name").asText().equals(key)) {
                return entry;
            }
        }
        throw new AssertionError("validate answers nothing on " + key + ": " + answer);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
