package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.outboxconnect.avro.ConfluentAvroWriter;
import io.outboxconnect.avro.EnvelopeContractException;
import io.outboxconnect.transforms.OutboxChangeEvents.Columns;

class AvroEventRouterTest {

    static final Path ORDER_EVENT_AVSC = Path.of("schemas/commerce/order_event.avsc");
    static final String EVENTS_TOPIC = "public.commerce.order_event.c1.v1";
    static final String EVENTS_SUBJECT = EVENTS_TOPIC + "-value";

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private AvroEventRouter<SourceRecord> router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    static String orderEventSchema() {
        try {
            return Files.readString(ORDER_EVENT_AVSC);
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put("naming.company", "acme");
        config.put("naming.domain", "commerce");
        config.put("naming.env", "public");
        config.put("naming.cluster", "c1");
        config.put("schema.registry.url", "http://127.0.0.1:1");
        // these specifications state each rejection as the exception the task fails with; the dead-letter
        // outcome of the same rows (the default policy) is specified in AvroEventRouterBadDataTest
        config.put("errors.data.policy", "fail");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private AvroEventRouter<SourceRecord> router(Map<String, Object> config) {
        router = new AvroEventRouter<>(c -> registry);
        router.configure(config);
        return router;
    }

    private AvroEventRouter<SourceRecord> routerWithRegisteredOrderSchema(Object... keyValues) {
        registry.register(EVENTS_SUBJECT, orderEventSchema());
        return router(config(keyValues));
    }

    /** Decodes with plain Apache Avro and the checked-in schema, after checking the wire-format header. */
    private GenericRecord decode(SourceRecord record) {
        byte[] bytes = (byte[]) record.value();
        assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.schemaById(id)).as("schema id %d resolves in the registry", id).isNotNull();
        Schema schema = new Schema.Parser().parse(orderEventSchema());
        try {
            return new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        }
        catch (IOException e) {
            throw new AssertionError("not an Avro record of " + ORDER_EVENT_AVSC, e);
        }
    }

    private static String header(SourceRecord record, String key) {
        Header header = record.headers().lastWithName(key);
        return header == null ? null : String.valueOf(header.value());
    }

    @Test
    void routesOrderCreatedToEventsTopicKeyedByAggregateId() {
        var row = OutboxChangeEvents.seed000().row().with("aggregate_id", "o-42");
        SourceRecord out = routerWithRegisteredOrderSchema().apply(row.inserted());

        assertThat(out.topic()).isEqualTo(EVENTS_TOPIC);
        assertThat(out.key()).isEqualTo("o-42");
        assertThat(out.keySchema().type()).isEqualTo(org.apache.kafka.connect.data.Schema.Type.STRING);
        GenericRecord envelope = decode(out);
        assertThat(envelope.get("event_id").toString()).isEqualTo(row.eventId());
        assertThat(envelope.get("aggregate_type").toString()).isEqualTo("order");
        assertThat(envelope.get("aggregate_id").toString()).isEqualTo("o-42");
        assertThat(envelope.get("event_type").toString()).isEqualTo("ORDER_CREATED");
        assertThat(envelope.get("event_date")).isEqualTo(1_717_243_200_123_456L);
        assertThat(envelope.get("event_data").toString()).isEqualTo("{\"order_id\":\"o-1\",\"lines\":[{\"sku\":\"A-1\",\"quantity\":2}]}");
        assertThat(header(out, "id")).isEqualTo(row.eventId());
        assertThat(header(out, "event_type")).isEqualTo("ORDER_CREATED");
        assertThat(out.timestamp()).isEqualTo(1_717_243_200_123L);
    }

    @Test
    void writesWithTheIdTheRegistryHoldsForTheSubject() {
        registry.register("some-other-subject", "{\"type\":\"string\"}");
        SourceRecord out = routerWithRegisteredOrderSchema().apply(OutboxChangeEvents.seed000().row().inserted());

        assertThat(ConfluentAvroWriter.schemaIdOf((byte[]) out.value())).isEqualTo(registry.latest(EVENTS_SUBJECT).id()).isEqualTo(2);
    }

    @Test
    void debeziumDefaultColumnNamesWorkByConfigurationAlone() {
        var events = OutboxChangeEvents.of(Columns.DEBEZIUM, null, OutboxChangeEvents.json());
        var row = events.row().with("aggregateid", "o-7").with("type", "ORDER_SHIPPED");
        SourceRecord out = routerWithRegisteredOrderSchema(
                "table.field.event.id", "id", "table.field.event.key", "aggregateid", "table.field.event.type", "type",
                "table.field.event.payload", "payload", "route.by.field", "aggregatetype").apply(row.inserted());

        GenericRecord envelope = decode(out);
        assertThat(out.topic()).isEqualTo(EVENTS_TOPIC);
        assertThat(out.key()).isEqualTo("o-7");
        assertThat(envelope.get("event_id").toString()).isEqualTo(row.eventId());
        assertThat(envelope.get("event_type").toString()).isEqualTo("ORDER_SHIPPED");
        assertThat(envelope.get("event_date")).as("no event date column: the source's ts_ms").isEqualTo(OutboxChangeEvents.SOURCE_TS_MS * 1000);
    }

    static Stream<Arguments> eventDateRepresentations() {
        long micros = 1_717_243_200_123_456L;
        return Stream.of(
                Arguments.of("TIMESTAMPTZ as ZonedTimestamp (UTC)", OutboxChangeEvents.zonedTimestamp(), "2024-06-01T12:00:00.123456Z", micros),
                Arguments.of("TIMESTAMPTZ as ZonedTimestamp (offset)", OutboxChangeEvents.zonedTimestamp(), "2024-06-01T14:00:00.123456+02:00", micros),
                Arguments.of("TIMESTAMP, adaptive, precision 6: MicroTimestamp", OutboxChangeEvents.int64Timestamp("io.debezium.time.MicroTimestamp"), micros, micros),
                Arguments.of("TIMESTAMP, adaptive, precision 3: Timestamp", OutboxChangeEvents.int64Timestamp("io.debezium.time.Timestamp"), 1_717_243_200_123L, 1_717_243_200_123_000L),
                Arguments.of("TIMESTAMP, nanoseconds mode: NanoTimestamp", OutboxChangeEvents.int64Timestamp("io.debezium.time.NanoTimestamp"), micros * 1000, micros),
                Arguments.of("TIMESTAMP, connect mode: Kafka Timestamp", Timestamp.SCHEMA, new Date(1_717_243_200_123L), 1_717_243_200_123_000L),
                Arguments.of("TIMESTAMP, isostring mode: IsoTimestamp", SchemaBuilder.string().name("io.debezium.time.IsoTimestamp").build(),
                        "2024-06-01T12:00:00.123456Z", micros),
                Arguments.of("pre-epoch MicroTimestamp", OutboxChangeEvents.int64Timestamp("io.debezium.time.MicroTimestamp"), -1_500_000L, -1_500_000L),
                Arguments.of("pre-epoch NanoTimestamp rounds down", OutboxChangeEvents.int64Timestamp("io.debezium.time.NanoTimestamp"), -1_500_000_001L, -1_500_001L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventDateRepresentations")
    void readsEventDateInEveryRepresentationDebeziumEmits(String representation, org.apache.kafka.connect.data.Schema schema, Object value, long expectedMicros) {
        var row = OutboxChangeEvents.of(Columns.SEED_000, schema, OutboxChangeEvents.json()).row().with("event_date", value);
        SourceRecord out = routerWithRegisteredOrderSchema().apply(row.inserted());

        assertThat(decode(out).get("event_date")).isEqualTo(expectedMicros);
        // Kafka takes no record timestamp before 1970: those records carry the change event's time
        assertThat(out.timestamp()).isEqualTo(expectedMicros < 0 ? OutboxChangeEvents.SOURCE_TS_MS : Math.floorDiv(expectedMicros, 1000L));
    }

    @Test
    void nullEventDateFallsBackToSourceTimestamp() {
        var row = OutboxChangeEvents.of(Columns.SEED_000, SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build(),
                OutboxChangeEvents.json()).row().with("event_date", null);

        assertThat(decode(routerWithRegisteredOrderSchema().apply(row.inserted())).get("event_date")).isEqualTo(OutboxChangeEvents.SOURCE_TS_MS * 1000);
    }

    @Test
    void unparseableEventDateIsRejectedNamingTheColumnNotTheValue() {
        var row = OutboxChangeEvents.seed000().row().with("event_date", "yesterday-ish");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("'event_date'")
                .hasMessageContaining("not an ISO-8601 timestamp")
                .hasMessageNotContaining("yesterday-ish");
    }

    @Test
    void snapshotReadIsPublishedLikeAnInsert() {
        var row = OutboxChangeEvents.seed000().row();
        SourceRecord out = routerWithRegisteredOrderSchema().apply(row.snapshotRead());

        assertThat(decode(out).get("event_id").toString()).isEqualTo(row.eventId());
    }

    @Test
    void textPayloadColumnIsEmittedAsCompactJson() {
        var row = OutboxChangeEvents.of(Columns.SEED_000, OutboxChangeEvents.zonedTimestamp(), org.apache.kafka.connect.data.Schema.STRING_SCHEMA).row()
                .with("event_data", "{\n  \"order_id\" : \"o-1\",\n  \"note\" : \"caf\u00e9 \\ud83d\\ude00\"\n}");

        assertThat(decode(routerWithRegisteredOrderSchema().apply(row.inserted())).get("event_data").toString())
                .as("escapes are decoded: the same characters, compact")
                .isEqualTo("{\"order_id\":\"o-1\",\"note\":\"caf\u00e9 \uD83D\uDE00\"}");
    }

    @Test
    void malformedJsonPayloadIsRejectedWithoutQuotingIt() {
        var row = OutboxChangeEvents.of(Columns.SEED_000, OutboxChangeEvents.zonedTimestamp(), org.apache.kafka.connect.data.Schema.STRING_SCHEMA).row()
                .with("event_data", "{\"secret\": \"4111-1111\"");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("commerce_order_outbox")
                .hasMessageContaining("'event_data' is not well-formed JSON")
                .hasMessageNotContaining("4111");
    }

    @Test
    void payloadThatIsNotAnObjectIsRejected() {
        var row = OutboxChangeEvents.seed000().row().with("event_data", "[1, 2]");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("holds a JSON array where the full aggregate, a JSON object, is expected");
    }

    @Test
    void unknownEventTypeIsRejectedNamingEventIdAggregateAndValue() {
        var row = OutboxChangeEvents.seed000().row().with("aggregate_id", "o-9").with("event_type", "ORDER_EXPLODED");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("aggregate 'order' (id o-9)")
                .hasMessageContaining("'ORDER_EXPLODED'")
                .hasMessageContaining("com.acme.commerce.event.OrderEventType");
    }

    @Test
    void theEnumsReaderDefaultIsNeverEmitted() {
        var row = OutboxChangeEvents.seed000().row().with("event_type", "UNKNOWN");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'UNKNOWN', which is not an event type");
    }

    @Test
    void missingAggregateIdIsRejectedNamingTheColumn() {
        var events = OutboxChangeEvents.of(Columns.SEED_000, OutboxChangeEvents.zonedTimestamp(), OutboxChangeEvents.json());
        var row = events.row();
        SourceRecord record = row.inserted();
        ((org.apache.kafka.connect.data.Struct) ((org.apache.kafka.connect.data.Struct) record.value()).get("after")).put("aggregate_id", "");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(record))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("column 'aggregate_id' is empty");
    }

    @Test
    void aggregateTypeThatCannotBeATopicSegmentIsRejected() {
        var row = OutboxChangeEvents.seed000().row().with("aggregate_type", "order.v2");

        assertThatThrownBy(() -> routerWithRegisteredOrderSchema().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("column 'aggregate_type'")
                .hasMessageContaining("cannot be part of a topic name");
    }

    @Test
    void updatesDeletesTruncatesAndTombstonesOfTheOutboxAreIgnored() {
        var row = OutboxChangeEvents.seed000().row();
        var router = routerWithRegisteredOrderSchema();

        assertThat(router.apply(row.updated())).isNull();
        assertThat(router.apply(row.deleted())).isNull();
        assertThat(router.apply(row.truncated())).isNull();
        assertThat(router.apply(row.tombstone())).isNull();
    }

    @Test
    void updateFailsTheTaskWhenInvalidOperationsAreFatal() {
        var row = OutboxChangeEvents.seed000().row();
        var router = routerWithRegisteredOrderSchema("table.op.invalid.behavior", "fatal");

        assertThatThrownBy(() -> router.apply(row.updated())).hasMessageContaining("Unexpected update");
    }

    @Test
    void heartbeatsAndOtherTablesPassThroughUntouched() {
        var router = routerWithRegisteredOrderSchema();
        SourceRecord heartbeat = OutboxChangeEvents.heartbeat();
        SourceRecord business = OutboxChangeEvents.otherTableInsert();

        assertThat(router.apply(heartbeat)).isSameAs(heartbeat);
        assertThat(router.apply(business)).isSameAs(business);
        assertThat(registry.calls.get()).as("no registry call for records that are not outbox events").isEqualTo(1);
    }

    @Test
    void oneSharedOutboxServesSeveralAggregates() {
        String shipmentSchema = orderEventSchema().replace("OrderEvent", "ShipmentEvent").replace("ORDER_CREATED", "SHIPMENT_CREATED");
        registry.register("public.commerce.shipment_event.c1.v1-value", shipmentSchema);
        var router = routerWithRegisteredOrderSchema();
        var events = OutboxChangeEvents.seed000();

        SourceRecord order = router.apply(events.row().inserted());
        SourceRecord shipment = router.apply(events.row().with("aggregate_type", "shipment").with("event_type", "SHIPMENT_CREATED").inserted());

        assertThat(order.topic()).isEqualTo(EVENTS_TOPIC);
        assertThat(shipment.topic()).isEqualTo("public.commerce.shipment_event.c1.v1");
        assertThat(ConfluentAvroWriter.schemaIdOf((byte[]) shipment.value())).isNotEqualTo(ConfluentAvroWriter.schemaIdOf((byte[]) order.value()));
    }

    @Test
    void topicFormatIsConfigurable() {
        registry.register("staging.sales.order.events-value", orderEventSchema().replace("com.acme.commerce", "com.acme.sales"));
        var router = router(config("naming.domain", "sales", "naming.env", "staging", "naming.event.topic.format", "{env}.{domain}.{aggregate}.events"));

        assertThat(router.apply(OutboxChangeEvents.seed000().row().inserted()).topic()).isEqualTo("staging.sales.order.events");
    }

    @Test
    void afterWarmUpNoRecordCallsTheRegistry() {
        var router = routerWithRegisteredOrderSchema();
        var events = OutboxChangeEvents.seed000();
        router.apply(events.row().inserted());
        int afterFirst = registry.calls.get();

        for (int i = 0; i < 100; i++) {
            router.apply(events.row().inserted());
        }

        assertThat(registry.calls.get()).isEqualTo(afterFirst);
    }

    @Test
    void anAggregateWithoutSchemaIsBadDataNamingTheSubjectAndHowToRegister() {
        var router = router(config());

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'" + EVENTS_SUBJECT + "'")
                .hasMessageContaining("/subjects/" + EVENTS_SUBJECT + "/versions")
                .hasMessageContaining("schemas.auto.register=true");
    }

    @Test
    void preloadedAggregateWithoutSchemaFailsAtStart() {
        assertThatThrownBy(() -> router(config("schemas.preload.aggregates", "order")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("'" + EVENTS_SUBJECT + "'");
    }

    @Test
    void anUnreachableRegistryDelaysTheTasksStartByTheShortPreloadBudgetOnlyAndTheFirstRecordRetriesInFull() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> config = config("schemas.preload.aggregates", "order", "schema.registry.url", "http://127.0.0.1:" + closedPort,
                "schema.registry.retry.timeout.ms", "7000", "schema.registry.retry.backoff.ms", "50");
        router = new AvroEventRouter<>(); // the real client, on a port nothing listens on
        long started = System.nanoTime();
        router.configure(config); // the worker's herder thread: must not wait out the outage
        long configureMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(configureMs).isBetween(AvroEventRouter.PRELOAD_BUDGET_MS - 500, AvroEventRouter.PRELOAD_BUDGET_MS + 1_500);
        started = System.nanoTime();
        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(io.outboxconnect.registry.RegistryUnavailableException.class)
                .hasMessageContaining("over 7000 ms");
        assertThat((System.nanoTime() - started) / 1_000_000).as("the first record retries for the full budget").isGreaterThanOrEqualTo(6_500);
    }

    @Test
    void pinnedVersionIsUsedInsteadOfLatest() {
        registry.register(EVENTS_SUBJECT, orderEventSchema());
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\""));
        var router = router(config("schemas.event.version", "1"));

        SourceRecord out = router.apply(OutboxChangeEvents.seed000().row().inserted());

        assertThat(ConfluentAvroWriter.schemaIdOf((byte[]) out.value())).isEqualTo(registry.version(EVENTS_SUBJECT, 1).id());
    }

    @Test
    void anEventTypeRegisteredWhileTheConnectorRunsIsPublishedWithTheNewLatestVersion() throws IOException {
        var router = routerWithRegisteredOrderSchema();
        int first = ConfluentAvroWriter.schemaIdOf((byte[]) router.apply(OutboxChangeEvents.seed000().row().inserted()).value());
        String withReturns = orderEventSchema().replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\"");
        int second = registry.register(EVENTS_SUBJECT, withReturns);

        SourceRecord returned = router.apply(OutboxChangeEvents.seed000().row().with("event_type", "ORDER_RETURNED").inserted());
        SourceRecord created = router.apply(OutboxChangeEvents.seed000().row().inserted());

        assertThat(second).isNotEqualTo(first);
        assertThat(ConfluentAvroWriter.schemaIdOf((byte[]) returned.value())).isEqualTo(second);
        byte[] bytes = (byte[]) returned.value();
        GenericRecord envelope = new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(withReturns))
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(envelope.get("event_type").toString()).isEqualTo("ORDER_RETURNED");
        assertThat(ConfluentAvroWriter.schemaIdOf((byte[]) created.value())).as("the new version from then on").isEqualTo(second);
    }

    @Test
    void rowsThatFitNoVersionAskTheRegistryForANewerOneAtMostOncePerInterval() {
        var router = routerWithRegisteredOrderSchema();
        router.apply(OutboxChangeEvents.seed000().row().inserted());
        int calls = registry.calls.get();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().with("event_type", "ORDER_TELEPORTED").inserted()))
                    .isInstanceOf(DataException.class).hasMessageContaining("ORDER_TELEPORTED");
        }

        assertThat(registry.calls.get() - calls).as("one look for a newer version, then none for %d s", StreamSchemas.LATEST_RECHECK_NANOS / 1_000_000_000L)
                .isEqualTo(1);
    }

    @Test
    void aPinnedVersionIsNeverSwappedForANewerOne() {
        registry.register(EVENTS_SUBJECT, orderEventSchema());
        var router = router(config("schemas.event.version", "1"));
        router.apply(OutboxChangeEvents.seed000().row().inserted());
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\""));
        int calls = registry.calls.get();

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().with("event_type", "ORDER_RETURNED").inserted()))
                .isInstanceOf(DataException.class);
        assertThat(registry.calls.get()).isEqualTo(calls);
    }

    @Test
    void autoRegisterRegistersTheConfiguredSourceFile() {
        var router = router(config("schemas.auto.register", true, "schemas.event.source", "schemas/{domain}/{aggregate}_event.avsc"));

        SourceRecord out = router.apply(OutboxChangeEvents.seed000().row().inserted());

        assertThat(registry.latest(EVENTS_SUBJECT).id()).isEqualTo(ConfluentAvroWriter.schemaIdOf((byte[]) out.value()));
        assertThat(new Schema.Parser().parse(registry.latest(EVENTS_SUBJECT).schema())).isEqualTo(new Schema.Parser().parse(orderEventSchema()));
    }

    @Test
    void configuredSourceMustBeTheRegisteredSchema() {
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\""));
        var router = router(config("schemas.event.source", orderEventSchema()));

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("is not registered under subject '" + EVENTS_SUBJECT + "'");
    }

    @Test
    void autoRegisterWithoutSourceIsAConfigurationError() {
        assertThatThrownBy(() -> router(config("schemas.auto.register", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schemas.event.source");
    }

    @Test
    void enumWithoutReaderDefaultIsRejected() {
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("\"default\": \"UNKNOWN\"", "\"doc\": \"no default\""));
        var router = router(config());

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(EnvelopeContractException.class)
                .hasMessageContaining(EVENTS_SUBJECT)
                .hasMessageContaining("without a \"default\" symbol");
    }

    @Test
    void envelopeWithAWrongFieldTypeIsRejected() {
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("\"logicalType\": \"timestamp-micros\"", "\"logicalType\": \"timestamp-millis\""));
        var router = router(config());

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(EnvelopeContractException.class)
                .hasMessageContaining("'event_date'")
                .hasMessageContaining("timestamp-micros");
    }

    @Test
    void envelopeNamedAgainstTheConventionIsRejected() {
        registry.register(EVENTS_SUBJECT, orderEventSchema().replace("com.acme.commerce.event", "com.other.commerce.event"));
        var router = router(config());

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().inserted()))
                .isInstanceOf(EnvelopeContractException.class)
                .hasMessageContaining("com.acme.commerce.event.OrderEvent");
    }

    @Test
    void eventRouterKeysThatTheEnvelopeMakesMeaninglessAreRejectedByName() {
        assertThatThrownBy(() -> router(config("route.topic.replacement", "outbox.${routedByValue}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("route.topic.replacement")
                .hasMessageContaining("naming.event.topic.format");
        assertThatThrownBy(() -> router(config("table.expand.json.payload", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("table.expand.json.payload");
        assertThatThrownBy(() -> router(config("table.fields.additional.placement", "event_type:envelope:type")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("table.fields.additional.placement");
    }

    @Test
    void additionalFieldsStillGoToHeaders() {
        var row = OutboxChangeEvents.seed000().row();
        SourceRecord out = routerWithRegisteredOrderSchema("table.fields.additional.placement", "aggregate_type:header:aggregate").apply(row.inserted());

        assertThat(header(out, "aggregate")).isEqualTo("order");
    }

    @Test
    void namingKeysAreRequiredAndValidated() {
        Map<String, Object> config = config();
        config.remove("naming.domain");
        assertThatThrownBy(() -> router(config)).isInstanceOf(ConfigException.class).hasMessageContaining("naming.domain");
        assertThatThrownBy(() -> router(config("naming.env", "pub.lic"))).isInstanceOf(ConfigException.class).hasMessageContaining("naming.env");
        assertThatThrownBy(() -> router(config("naming.event.topic.format", "{env}.events"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("{aggregate}");
        assertThatThrownBy(() -> router(config("schemas.event.version", "newest"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schemas.event.version");
    }

    @Test
    void closingTheRouterClosesTheRegistryClient() {
        routerWithRegisteredOrderSchema();
        router.close();
        router = null;

        assertThat(registry.closed).isTrue();
    }

    @Test
    void unicodeInThePayloadRoundTripsIntact() {
        // an escaped NUL (a raw one is not JSON), a 2-byte, a 3-byte and a 4-byte (surrogate pair) character
        String json = "{\"name\":\"\\u0000nul \u00e9 \u4e2d \uD83D\uDE00\"}";
        var row = OutboxChangeEvents.seed000().row().with("event_data", json);

        String decoded = decode(routerWithRegisteredOrderSchema().apply(row.inserted())).get("event_data").toString();

        assertThat(new String(decoded.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"\\u0000nul \u00e9 \u4e2d \uD83D\uDE00\"}");
    }

    @Test
    void recordTimestampIsTheEventDate() {
        var row = OutboxChangeEvents.seed000().row().with("event_date", Instant.parse("2025-01-02T03:04:05.678901Z").toString());

        assertThat(routerWithRegisteredOrderSchema().apply(row.inserted()).timestamp()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z").toEpochMilli());
    }
}
