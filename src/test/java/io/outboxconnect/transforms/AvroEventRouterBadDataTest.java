package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.outboxconnect.registry.IncompatibleSchemaException;
import io.outboxconnect.registry.RegistryUnavailableException;
import io.outboxconnect.transforms.OutboxChangeEvents.Columns;

/**
 * Bad data under the default policy ({@code errors.data.policy=dlq}): every row the plugin cannot
 * publish goes to the dead-letter topic once, whole, with the reason in headers, and is published on
 * no stream; infrastructure faults are never dead letters. Rows arrive as OutboxConnector emits
 * them: one copy per stream, marked, one after the other.
 */
class AvroEventRouterBadDataTest {

    static final String DLQ_TOPIC = "public.commerce.outbox_dlq.c1.v1";
    static final String STATE_TOPIC = AvroEventRouterStateTest.STATE_TOPIC;
    /** Every bad payload carries it; no reason may quote it (payloads may hold personal data). */
    static final String SECRET = "SECRET-4111-1111";
    static final String ORDER_JSON = AvroEventRouterStateTest.ORDER_JSON.replace("\"customer_id\": \"c-1\"", "\"customer_id\": \"" + SECRET + "\"");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final Metrics metrics = new Metrics();
    private AvroEventRouter<SourceRecord> router;
    private PluginMetricsImpl pluginMetrics;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
        metrics.close();
    }

    private AvroEventRouter<SourceRecord> router(Object... keyValues) {
        registry.register(AvroEventRouterTest.EVENTS_SUBJECT, AvroEventRouterTest.orderEventSchema());
        registry.register(STATE_TOPIC + "-value", orderSchema());
        Map<String, Object> config = AvroEventRouterTest.config(keyValues);
        config.remove("errors.data.policy");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        router = new AvroEventRouter<>(c -> registry);
        router.configure(config);
        if (pluginMetrics != null) {
            try {
                pluginMetrics.close(); // as the worker does when it closes a transformation
            }
            catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        pluginMetrics = new PluginMetricsImpl(metrics, Map.of("connector", "orders", "task", "0", "transformation", "outbox"));
        router.withPluginMetrics(pluginMetrics);
        return router;
    }

    private static String orderSchema() {
        try {
            return Files.readString(Path.of("schemas/commerce/order.avsc"));
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The copies OutboxConnector emits for one change event, through the router; what comes out. */
    private List<SourceRecord> publish(SourceRecord change) {
        List<SourceRecord> out = new ArrayList<>();
        for (OutboxStream stream : List.of(OutboxStream.EVENT, OutboxStream.STATE)) {
            var headers = change.headers().duplicate();
            headers.addString(OutboxStream.HEADER, stream.value());
            headers.addString(OutboxStream.ROW_HEADER, "event,state");
            SourceRecord copy = change.newRecord(change.topic(), change.kafkaPartition(), change.keySchema(), change.key(),
                    change.valueSchema(), change.value(), change.timestamp(), headers);
            SourceRecord result = router.apply(copy);
            if (result != null) {
                out.add(result);
            }
        }
        return out;
    }

    private static OutboxChangeEvents.Row order() {
        return OutboxChangeEvents.seed000().row().with("aggregate_id", "0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10").with("event_data", ORDER_JSON);
    }

    private static OutboxChangeEvents.Row textPayloadOrder() {
        return OutboxChangeEvents.of(Columns.SEED_000, OutboxChangeEvents.zonedTimestamp(), org.apache.kafka.connect.data.Schema.STRING_SCHEMA).row()
                .with("aggregate_id", "o-7").with("event_data", ORDER_JSON);
    }

    private static String header(SourceRecord record, String key) {
        Header header = record.headers().lastWithName(key);
        return header == null ? null : String.valueOf(header.value());
    }

    /** Asserts the row went, alone, to the dead-letter topic, whole, and returns that record. */
    private SourceRecord deadLettered(List<SourceRecord> out, OutboxChangeEvents.Row row, String stream, String reason) throws IOException {
        assertThat(out).as("a bad row is published on no stream, and goes to the dead-letter topic once").hasSize(1);
        SourceRecord dead = out.get(0);
        assertThat(dead.topic()).isEqualTo(DLQ_TOPIC);
        Object aggregateId = row.values.get("aggregate_id");
        assertThat(dead.key()).as("keyed by aggregate id, when there is one").isEqualTo(aggregateId == null || aggregateId.toString().isEmpty() ? null : aggregateId);
        byte[] bytes = (byte[]) dead.value();
        if (DeadLetters.GZIP.equals(header(dead, DeadLetters.CONTENT_ENCODING))) {
            try (var gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = gzip.readAllBytes();
            }
        }
        Map<?, ?> value = JSON.readValue(bytes, Map.class);
        Map<String, Object> expected = new LinkedHashMap<>(row.values);
        assertThat(value).as("the dead letter holds every column of the row, unchanged").isEqualTo(expected);
        assertThat(header(dead, DeadLetters.REASON)).contains(row.eventId()).contains(reason).doesNotContain(SECRET);
        assertThat(header(dead, DeadLetters.STREAM)).isEqualTo(stream);
        assertThat(header(dead, DeadLetters.TABLE)).isEqualTo("public.commerce_order_outbox");
        assertThat(header(dead, DeadLetters.EVENT_ID)).isEqualTo(row.eventId());
        assertThat(header(dead, DeadLetters.EXCEPTION)).isNotBlank();
        assertThat(header(dead, DeadLetters.LSN)).isNotBlank();
        return dead;
    }

    private double metric(String name, String... tags) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("connector", "orders", "task", "0", "transformation", "outbox"));
        for (int i = 0; i < tags.length; i += 2) {
            all.put(tags[i], tags[i + 1]);
        }
        KafkaMetric metric = metrics.metric(new MetricName(name, "plugins", "", all));
        return metric == null ? 0 : ((Number) metric.metricValue()).doubleValue();
    }

    @Test
    void aGoodRowIsPublishedOnBothStreamsAndCounted() {
        var row = order();

        router();
        List<SourceRecord> out = publish(row.inserted());

        assertThat(out).extracting(SourceRecord::topic).containsExactly(AvroEventRouterTest.EVENTS_TOPIC, STATE_TOPIC);
        assertThat(metric("events-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isEqualTo(1.0);
        assertThat(metric("states-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isEqualTo(1.0);
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isZero();
        assertThat(metric("serialization-time-ns-avg")).isPositive();
        assertThat(metric("event-age-ms-max")).isPositive();
    }

    @Test
    void malformedJsonInATextPayloadColumn() throws IOException {
        var row = textPayloadOrder().with("event_data", "{\"customer_id\": \"" + SECRET + "\", ");
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "event", "'event_data' is not well-formed JSON");
        assertThat(header(dead, DeadLetters.AGGREGATE_TYPE)).isEqualTo("order");
        assertThat(header(dead, DeadLetters.EVENT_TYPE)).isEqualTo("ORDER_CREATED");
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isEqualTo(1.0);
    }

    @Test
    void aNumberNoBigDecimalHoldsIsBadDataNotATaskFailure() throws IOException {
        // Jackson reports this exponent with a NumberFormatException, not a parse error: it once escaped as one
        var row = order().with("event_data", ORDER_JSON.replaceFirst("\\{", "{\"weight\": 1e9999999999, "));
        router();

        deadLettered(publish(row.inserted()), row, "event", "holds a number out of any range");
    }

    /** A json or text column may hold any exponent JSON allows: one that fits no int or decimal is bad data, found at once. */
    @Test
    void aNumberWithAHugeExponentIsBadDataNotATaskFailure() throws IOException {
        for (String[] field : new String[][] {{"\"quantity\": 2", "\"quantity\": 1e999999999", "$.lines[0].quantity"},
            {"\"total_amount\": 39.80", "\"total_amount\": 1e99999999", "$.total_amount"}}) {
            var row = textPayloadOrder().with("event_data", ORDER_JSON.replace(field[0], field[1]));
            assertThat((String) row.values.get("event_data")).contains(field[1]);
            router();

            deadLettered(publish(row.inserted()), row, "state", field[2]);
        }
    }

    @Test
    void aPreloadedAggregateWhoseSchemaIsMissingFailsTheTaskEvenWhenThePreloadWasDeferred() {
        registry.register(AvroEventRouterTest.EVENTS_SUBJECT, AvroEventRouterTest.orderEventSchema());
        // the registry is away while the task starts, and back (without the state schema) for its first record
        registry.fault = () -> new RegistryUnavailableException("The schema registry did not answer", null);
        router = new AvroEventRouter<>(c -> registry);
        router.configure(AvroEventRouterTest.config("errors.data.policy", "dlq", "schemas.preload.aggregates", "order",
                "schemas.preload.streams", "event,state"));
        registry.fault = null;

        assertThatThrownBy(() -> publish(order().inserted()))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .isNotInstanceOf(DataException.class)
                .hasMessageContaining(STATE_TOPIC + "-value")
                .hasMessageContaining("schemas.preload.aggregates");
    }

    @Test
    void jsonNullPayload() throws IOException {
        var row = textPayloadOrder().with("event_data", "null");
        router();

        deadLettered(publish(row.inserted()), row, "event", "holds JSON null where the full aggregate, a JSON object, is expected");
    }

    @Test
    void sqlNullPayload() throws IOException {
        var row = OutboxChangeEvents.of(Columns.SEED_000, OutboxChangeEvents.zonedTimestamp(),
                SchemaBuilder.string().name("io.debezium.data.Json").version(1).optional().build()).row().with("event_data", null);
        router();

        deadLettered(publish(row.inserted()), row, "event", "column 'event_data' is null");
    }

    @Test
    void payloadThatIsNotAnObject() throws IOException {
        var row = order().with("event_data", "[\"" + SECRET + "\"]");
        router();

        deadLettered(publish(row.inserted()), row, "event", "holds a JSON array");
    }

    @Test
    void emptyObjectWhereTheAggregateHasRequiredFieldsPublishesNeitherEventNorState() throws IOException {
        var row = order().with("event_data", "{}");
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "state", "the payload does not fit com.acme.commerce.Order");
        assertThat(header(dead, DeadLetters.PATH)).isEqualTo("$.order_id");
    }

    @Test
    void missingAggregateId() throws IOException {
        var row = order().with("aggregate_id", "");
        router();

        deadLettered(publish(row.inserted()), row, "event", "column 'aggregate_id' is empty");
    }

    @Test
    void emptyAggregateType() throws IOException {
        var row = order().with("aggregate_type", "");
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "event", "column 'aggregate_type' is empty");
        assertThat(header(dead, DeadLetters.AGGREGATE_TYPE)).isNull();
    }

    @Test
    void anAggregateTypeWithNoSchemaNamesTheSubjectAndCostsOneRegistryCall() throws IOException {
        var row = order().with("aggregate_type", "invoice");
        router();

        deadLettered(publish(row.inserted()), row, "event", "'public.commerce.invoice_event.c1.v1-value'");
        int calls = registry.calls.get();
        var again = order().with("aggregate_type", "invoice");
        deadLettered(publish(again.inserted()), again, "event", "'public.commerce.invoice_event.c1.v1-value'");
        assertThat(registry.calls.get()).as("a missing schema is remembered for a while").isEqualTo(calls);
    }

    @Test
    void anEventTypeNotInTheEnum() throws IOException {
        var row = order().with("event_type", "ORDER_EXPLODED");
        router();

        deadLettered(publish(row.inserted()), row, "event", "'ORDER_EXPLODED', which is not an event type of com.acme.commerce.event.OrderEventType");
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_EXPLODED")).isEqualTo(1.0);
    }

    @Test
    void aWrongTypeForAField() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("\"quantity\": 2", "\"quantity\": \"" + SECRET + "\""));
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "state", "$.lines[0].quantity");
        assertThat(header(dead, DeadLetters.PATH)).isEqualTo("$.lines[0].quantity");
        assertThat(header(dead, DeadLetters.EXPECTED_TYPE)).isEqualTo("int");
    }

    @Test
    void aMissingRequiredField() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("\"currency\": \"EUR\",", ""));
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "state", "$.currency");
        assertThat(header(dead, DeadLetters.PATH)).isEqualTo("$.currency");
    }

    @Test
    void anUnknownFieldIsBadDataUnlessIgnored() throws IOException {
        String withExtra = ORDER_JSON.replace("{\"order_id\"", "{\"loyalty_points\": 3, \"order_id\"");
        var row = order().with("event_data", withExtra);
        router();

        deadLettered(publish(row.inserted()), row, "state", "$.loyalty_points");
        router.close();
        router("state.unknown.fields", "ignore");
        assertThat(publish(order().with("event_data", withExtra).inserted())).extracting(SourceRecord::topic)
                .containsExactly(AvroEventRouterTest.EVENTS_TOPIC, STATE_TOPIC);
    }

    @Test
    void anIntOutOfRange() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("\"quantity\": 2", "\"quantity\": 3000000000"));
        router();

        deadLettered(publish(row.inserted()), row, "state", "$.lines[0].quantity");
    }

    @Test
    void aLongOutOfRange() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("\"created_at\": \"2026-01-01T00:00:00Z\"", "\"created_at\": 99999999999999999999999"));
        router();

        deadLettered(publish(row.inserted()), row, "state", "$.created_at");
    }

    @Test
    void anUnparseableTimestampInThePayload() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("2026-01-01T00:00:00Z", "yesterday " + SECRET));
        router();

        deadLettered(publish(row.inserted()), row, "state", "$.created_at");
    }

    @Test
    void anUnparseableEventDateColumn() throws IOException {
        var row = order().with("event_date", "yesterday " + SECRET);
        router();

        deadLettered(publish(row.inserted()), row, "event", "'event_date'");
    }

    @Test
    void aDecimalWithTooMuchScale() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("\"total_amount\": 39.80", "\"total_amount\": 39.801"));
        router();

        SourceRecord dead = deadLettered(publish(row.inserted()), row, "state", "$.total_amount");
        assertThat(header(dead, DeadLetters.EXPECTED_TYPE)).contains("decimal(12,2)");
    }

    @Test
    void aPayloadOverTheConfiguredMaximum() throws IOException {
        var row = order();
        router("payload.max.bytes", 100);

        deadLettered(publish(row.inserted()), row, "event", "over payload.max.bytes=100");
    }

    @Test
    void aDeadLetterOverItsLimitIsSentGzippedWholeAndOneAtItsLimitAsItIs() throws IOException {
        var row = order().with("event_data", ORDER_JSON.replace("{\"order_id\"", "{\"padding\": \"" + "x".repeat(5_000) + "\", \"order_id\""));
        router("payload.max.bytes", 100);
        SourceRecord plain = deadLettered(publish(row.inserted()), row, "event", "over payload.max.bytes=100");
        int jsonBytes = ((byte[]) plain.value()).length;
        assertThat(jsonBytes).isGreaterThan(5_000);
        assertThat(header(plain, DeadLetters.CONTENT_ENCODING)).isNull();

        router("payload.max.bytes", 100, "errors.dlq.max.bytes", jsonBytes);
        SourceRecord atTheLimit = deadLettered(publish(row.inserted()), row, "event", "over payload.max.bytes=100");
        assertThat(header(atTheLimit, DeadLetters.CONTENT_ENCODING)).as("a dead letter at its limit is plain JSON").isNull();
        assertThat((byte[]) atTheLimit.value()).isEqualTo(plain.value());

        router("payload.max.bytes", 100, "errors.dlq.max.bytes", jsonBytes - 1);
        SourceRecord over = deadLettered(publish(row.inserted()), row, "event", "over payload.max.bytes=100");
        assertThat(header(over, DeadLetters.CONTENT_ENCODING)).isEqualTo("gzip");
        assertThat(((byte[]) over.value()).length).as("gzipped").isLessThan(1_000);
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isEqualTo(1.0);
    }

    @Test
    void aDeadLetterOverItsLimitEvenGzippedFailsTheTaskNamingTheRowAndSendsNothing() {
        StringBuilder noise = new StringBuilder();
        Random random = new Random(7);
        for (int i = 0; i < 4_000; i++) {
            noise.append((char) ('a' + random.nextInt(26)));
        }
        var row = order().with("event_data", ORDER_JSON.replace("{\"order_id\"", "{\"padding\": \"" + noise + "\", \"order_id\""));
        router("payload.max.bytes", 100, "errors.dlq.max.bytes", 2_000);

        assertThatThrownBy(() -> publish(row.inserted()))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("public.commerce_order_outbox")
                .hasMessageContaining("over payload.max.bytes=100")
                .hasMessageContaining("errors.dlq.max.bytes=2000")
                .hasMessageContaining("producer.override.max.request.size")
                .hasMessageContaining(DLQ_TOPIC)
                .hasMessageMatching("(?s).* is \\d+ bytes of JSON, \\d+ gzipped, .*")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(noise.substring(0, 20)));
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_CREATED")).as("nothing was sent").isZero();
    }

    @Test
    void rowsNamingEverNewAggregatesWithoutSchemasAreDeadLettersAndTheirMemoryStaysBounded() throws IOException {
        router();
        int rows = StreamSchemas.MISSING_CACHED * 3 + 7;
        for (int i = 0; i < rows; i++) {
            var row = order().with("aggregate_type", "agg_" + i);
            deadLettered(publish(row.inserted()), row, "event", "No event envelope schema for aggregate 'agg_" + i + "'");
            assertThat(router.missingSchemasRemembered()).isLessThanOrEqualTo(StreamSchemas.MISSING_CACHED);
        }
        assertThat(router.missingSchemasRemembered()).as("the last ones are still remembered").isPositive();
        int calls = registry.calls.get();
        var again = order().with("aggregate_type", "agg_" + (rows - 1));
        deadLettered(publish(again.inserted()), again, "event", "No event envelope schema");
        assertThat(registry.calls.get()).as("a remembered aggregate costs no registry call").isEqualTo(calls);
    }

    @Test
    void aRowNamingAnAggregateWithoutItsSchemaFileIsADeadLetter() throws IOException {
        var row = order().with("aggregate_type", "ordr");
        router("schemas.event.source", "schemas/{domain}/{aggregate}_event.avsc", "schemas.state.source", "schemas/{domain}/{aggregate}.avsc");
        deadLettered(publish(row.inserted()), row, "event", "schemas.event.source names one file per aggregate, and schemas/commerce/ordr_event.avsc does not exist");

        var order = order();
        List<SourceRecord> published = publish(order.inserted());
        assertThat(published).extracting(SourceRecord::topic).containsExactly(AvroEventRouterTest.EVENTS_TOPIC, STATE_TOPIC);

        router("schemas.event.source", "schemas/commerce/missing_event.avsc");
        assertThatThrownBy(() -> publish(order.inserted())).as("one file for every aggregate: a missing one is configuration")
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("schemas.event.source").hasMessageContaining("does not exist");
    }

    @Test
    void updatesAndDeletesOfOutboxRowsAreIgnoredAndCountedNotDeadLettered() {
        var row = order();
        router();

        assertThat(publish(row.updated())).isEmpty();
        assertThat(publish(row.deleted())).isEmpty();
        assertThat(metric("ignored-total", "operation", "update")).as("once per change, not per copy").isEqualTo(1.0);
        assertThat(metric("ignored-total", "operation", "delete")).as("once per change, not per copy").isEqualTo(1.0);
        assertThat(publish(row.updated())).isEmpty();
        assertThat(metric("ignored-total", "operation", "update")).isEqualTo(2.0);
    }

    /** Connect fails the task on a record timestamp before 1970, and would at the same row after every restart. */
    @Test
    void anEventDateBefore1970StaysInTheEnvelopeAndTheRecordsTakeTheChangeEventsTime() throws IOException {
        var row = order().with("event_date", "1969-07-20T20:17:40Z");
        router();

        List<SourceRecord> out = publish(row.inserted());

        assertThat(out).extracting(SourceRecord::topic).containsExactly(AvroEventRouterTest.EVENTS_TOPIC, STATE_TOPIC);
        assertThat(out).extracting(SourceRecord::timestamp).containsExactly(OutboxChangeEvents.SOURCE_TS_MS, OutboxChangeEvents.SOURCE_TS_MS);
        assertThat(decode(out.get(0), AvroEventRouterTest.orderEventSchema()).get("event_date"))
                .isEqualTo(java.time.Instant.parse("1969-07-20T20:17:40Z").getEpochSecond() * 1_000_000L);
        assertThat(metric("record-timestamps-replaced-total")).isEqualTo(1.0);
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_CREATED")).isZero();
    }

    @Test
    void aDeadLetteredRowIsNotCountedAsHavingItsTimestampReplaced() throws IOException {
        var row = order().with("event_date", "1969-07-20T20:17:40Z").with("event_type", "ORDER_EXPLODED");
        router();

        deadLettered(publish(row.inserted()), row, "event", "'ORDER_EXPLODED'");
        assertThat(metric("record-timestamps-replaced-total")).isZero();
    }

    /** Brokers refuse records more than message.timestamp.after.max.ms (one hour since Kafka 4.0) ahead of their clock. */
    @Test
    void anEventDateOverHalfAnHourAheadStaysInTheEnvelopeAndTheRecordsTakeTheChangeEventsTime() throws IOException {
        // local time east of UTC written into the column as if it were UTC
        java.time.Instant ahead = java.time.Instant.now().plus(java.time.Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        var row = order().with("event_date", ahead.toString());
        router();

        List<SourceRecord> out = publish(row.inserted());

        assertThat(out).extracting(SourceRecord::timestamp).containsExactly(OutboxChangeEvents.SOURCE_TS_MS, OutboxChangeEvents.SOURCE_TS_MS);
        assertThat(decode(out.get(0), AvroEventRouterTest.orderEventSchema()).get("event_date"))
                .isEqualTo(ahead.getEpochSecond() * 1_000_000L + ahead.getNano() / 1_000);
        assertThat(metric("record-timestamps-replaced-total")).isEqualTo(1.0);
    }

    @Test
    void anEventDateAFewMinutesAheadIsStillTheRecordTimestamp() {
        java.time.Instant ahead = java.time.Instant.now().plus(java.time.Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        var row = order().with("event_date", ahead.toString());
        router();

        List<SourceRecord> out = publish(row.inserted());

        assertThat(out).extracting(SourceRecord::timestamp).containsExactly(ahead.toEpochMilli(), ahead.toEpochMilli());
        assertThat(metric("record-timestamps-replaced-total")).isZero();
    }

    @Test
    void unicodeSurrogatePairsAndNulRoundTripIntactOnBothStreams() throws IOException {
        String note = "\u0000nul caf\u00e9 \u4e2d \uD83D\uDE00";
        var row = textPayloadOrder().with("event_data",
                ORDER_JSON.replace("\"currency\": \"EUR\"", "\"currency\": \"EUR\", \"note\": \"\\u0000nul caf\u00e9 \u4e2d \\ud83d\\ude00\""));
        router();

        List<SourceRecord> out = publish(row.inserted());

        assertThat(out).hasSize(2);
        GenericRecord event = decode(out.get(0), AvroEventRouterTest.orderEventSchema());
        assertThat(JSON.readTree(event.get("event_data").toString()).get("note").asText()).isEqualTo(note);
        assertThat(decode(out.get(1), orderSchema()).get("note").toString()).isEqualTo(note);
    }

    @Test
    void anUnpairedSurrogateIsBadDataNotSilentlyReplaced() throws IOException {
        var row = textPayloadOrder().with("event_data", ORDER_JSON.replace("\"currency\": \"EUR\"", "\"currency\": \"EUR\", \"note\": \"x\\ud800y\""));
        router();

        deadLettered(publish(row.inserted()), row, "event", "unpaired UTF-16 surrogate escape at /note");
    }

    @Test
    void failPolicyFailsTheTaskNamingTheRow() {
        var row = order().with("event_type", "ORDER_EXPLODED");
        router("errors.data.policy", "fail");

        assertThatThrownBy(() -> publish(row.inserted())).isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("ORDER_EXPLODED")
                .hasMessageContaining("errors.data.policy=fail");
    }

    @Test
    void logPolicySkipsTheRowAndCountsIt() {
        var row = order().with("event_type", "ORDER_EXPLODED");
        router("errors.data.policy", "log");

        assertThat(publish(row.inserted())).isEmpty();
        assertThat(metric("dead-letters-total", "aggregate", "order", "event_type", "ORDER_EXPLODED")).isEqualTo(1.0);
    }

    @Test
    void theDeadLetterTopicIsConfigurableWithoutTheAggregate() throws IOException {
        var row = order().with("event_type", "ORDER_EXPLODED");
        router("errors.dlq.topic.format", "{env}.{domain}.outbox-errors");

        assertThat(publish(row.inserted()).get(0).topic()).isEqualTo("public.commerce.outbox-errors");
        assertThatThrownBy(() -> router("errors.dlq.topic.format", "{env}.{aggregate}.dlq"))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("errors.dlq.topic.format");
    }

    @Test
    void aRegistryOutageFailsTheTaskAndIsNeverADeadLetter() {
        router();
        registry.fault = () -> new RegistryUnavailableException("Schema registry unreachable at http://127.0.0.1:1 after 3 attempts", null);

        assertThatThrownBy(() -> publish(order().inserted())).isInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void anIncompatibleSchemaFailsTheTaskAndIsNeverADeadLetter() {
        router = new AvroEventRouter<>(c -> registry);
        router.configure(AvroEventRouterTest.config("errors.data.policy", "dlq", "schemas.auto.register", true,
                "schemas.event.source", "schemas/{domain}/{aggregate}_event.avsc"));
        registry.fault = () -> new IncompatibleSchemaException("Schema being registered is incompatible with an earlier schema for subject "
                + AvroEventRouterTest.EVENTS_SUBJECT, 409, 409);

        assertThatThrownBy(() -> router.apply(order().inserted())).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(AvroEventRouterTest.EVENTS_SUBJECT);
    }

    @Test
    void withoutTheConnectorsMarksTheRouterChecksOnlyItsOwnStream() {
        var row = order().with("event_data", "{}");
        router();

        assertThat(router.apply(row.inserted()).topic()).as("an empty object is a valid event_data; no state stream is involved")
                .isEqualTo(AvroEventRouterTest.EVENTS_TOPIC);
    }

    private static GenericRecord decode(SourceRecord record, String schemaJson) throws IOException {
        byte[] bytes = (byte[]) record.value();
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isPositive();
        Schema schema = new Schema.Parser().parse(schemaJson);
        return new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }
}
