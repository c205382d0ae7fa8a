package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.outboxconnect.avro.EnvelopeContractException;

/** The state stream: the aggregate's latest state as a typed Avro record on the compacted topic. */
class AvroEventRouterStateTest {

    static final String STATE_TOPIC = "public.commerce.order.c1.v1";
    static final String ORDER_JSON = "{\"order_id\": \"0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10\", \"customer_id\": \"c-1\", \"status\": \"PAID\","
            + " \"currency\": \"EUR\", \"total_amount\": 39.80, \"lines\": [{\"sku\": \"A-1\", \"quantity\": 2, \"unit_price\": 19.90}],"
            + " \"created_at\": \"2026-01-01T00:00:00Z\", \"updated_at\": \"2026-01-02T00:00:00Z\"}";

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private AvroEventRouter<SourceRecord> router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    private static String orderSchema() {
        try {
            return Files.readString(Path.of("schemas/commerce/order.avsc"));
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private AvroEventRouter<SourceRecord> stateRouter(Object... keyValues) {
        registry.register(STATE_TOPIC + "-value", orderSchema());
        registry.register(AvroEventRouterTest.EVENTS_SUBJECT, AvroEventRouterTest.orderEventSchema());
        Object[] all = new Object[keyValues.length + 2];
        all[0] = "stream.default";
        all[1] = "state";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        router = new AvroEventRouter<>(c -> registry);
        router.configure(AvroEventRouterTest.config(all));
        return router;
    }

    private GenericRecord decode(SourceRecord record) throws IOException {
        byte[] bytes = (byte[]) record.value();
        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(id).isEqualTo(registry.latest(STATE_TOPIC + "-value").id());
        GenericData withDecimals = new GenericData();
        withDecimals.addLogicalTypeConversion(new Conversions.DecimalConversion());
        Schema schema = new Schema.Parser().parse(orderSchema());
        return new GenericDatumReader<GenericRecord>(schema, schema, withDecimals).read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }

    private static SourceRecord marked(SourceRecord record, OutboxStream stream) {
        record.headers().addString(OutboxStream.HEADER, stream.value());
        return record;
    }

    @Test
    void publishesTheAggregateAsATypedRecordOnTheStateTopicKeyedByAggregateId() throws IOException {
        var row = OutboxChangeEvents.seed000().row().with("aggregate_id", "o-5").with("event_type", "ORDER_UPDATED").with("event_data", ORDER_JSON);

        SourceRecord out = stateRouter().apply(row.inserted());

        assertThat(out.topic()).isEqualTo(STATE_TOPIC);
        assertThat(out.key()).isEqualTo("o-5");
        GenericRecord order = decode(out);
        assertThat(order.get("status").toString()).isEqualTo("PAID");
        assertThat(order.get("total_amount")).isEqualTo(new BigDecimal("39.80"));
        assertThat(((GenericRecord) ((List<?>) order.get("lines")).get(0)).get("unit_price")).isEqualTo(new BigDecimal("19.90"));
        assertThat(order.get("shipping_address")).isNull();
        assertThat(out.headers().lastWithName("id").value()).isEqualTo(row.eventId());
        assertThat(out.headers().lastWithName("event_type").value()).isEqualTo("ORDER_UPDATED");
    }

    @Test
    void bothCopiesOfARowCarryEventRoutersHeadersEachOnItsOwn() throws IOException {
        var router = stateRouter("table.fields.additional.placement", "aggregate_type:header:aggregate");
        var row = OutboxChangeEvents.seed000().row().with("aggregate_id", "o-6").with("event_type", "ORDER_UPDATED").with("event_data", ORDER_JSON);
        SourceRecord change = row.inserted();
        change.headers().addString("traceparent", "00-abc-def-01");
        List<SourceRecord> out = new java.util.ArrayList<>();
        for (OutboxStream stream : List.of(OutboxStream.EVENT, OutboxStream.STATE)) {
            var headers = change.headers().duplicate();
            headers.addString(OutboxStream.HEADER, stream.value());
            headers.addString(OutboxStream.ROW_HEADER, "event,state");
            out.add(router.apply(change.newRecord(change.topic(), change.kafkaPartition(), change.keySchema(), change.key(), change.valueSchema(),
                    change.value(), change.timestamp(), headers)));
        }

        assertThat(out).extracting(SourceRecord::topic).containsExactly(AvroEventRouterTest.EVENTS_TOPIC, STATE_TOPIC);
        for (SourceRecord record : out) {
            assertThat(record.key()).isEqualTo("o-6");
            assertThat(record.headers().lastWithName("id").value()).isEqualTo(row.eventId());
            assertThat(record.headers().lastWithName("event_type").value()).isEqualTo("ORDER_UPDATED");
            assertThat(record.headers().lastWithName("aggregate").value()).isEqualTo("order");
            assertThat(record.headers().lastWithName("traceparent").value()).isEqualTo("00-abc-def-01");
            assertThat(record.headers().lastWithName(OutboxStream.HEADER)).isNull();
            assertThat(record.headers().lastWithName(OutboxStream.ROW_HEADER)).isNull();
            assertThat(record.headers()).hasSize(4);
        }
        assertThat(decode(out.get(1)).get("status").toString()).isEqualTo("PAID");
        // a later transformation changing one record's headers leaves the other's alone
        out.get(0).headers().addString("only", "event");
        assertThat(out.get(1).headers().lastWithName("only")).isNull();
        assertThat(out.get(0).headers()).isNotSameAs(out.get(1).headers());
    }

    @Test
    void deletingEventTypesBecomeTombstones() {
        var row = OutboxChangeEvents.seed000().row().with("aggregate_id", "o-5").with("event_type", "ORDER_DELETED").with("event_data", "{}");

        SourceRecord out = stateRouter().apply(row.inserted());

        assertThat(out.topic()).isEqualTo(STATE_TOPIC);
        assertThat(out.key()).isEqualTo("o-5");
        assertThat(out.value()).isNull();
    }

    @Test
    void deletingEventTypesAreConfigurable() {
        var row = OutboxChangeEvents.seed000().row().with("event_type", "ORDER_CANCELLED").with("event_data", ORDER_JSON);

        assertThat(stateRouter("state.delete.event.types", "*_CANCELLED,ORDER_PURGED").apply(row.inserted()).value()).isNull();
    }

    @Test
    void theOutboxConnectorsMarkChoosesTheStreamAndIsNotPublished() {
        var events = OutboxChangeEvents.seed000();
        var router = stateRouter();

        SourceRecord event = router.apply(marked(events.row().with("event_data", ORDER_JSON).inserted(), OutboxStream.EVENT));
        SourceRecord state = router.apply(marked(events.row().with("event_data", ORDER_JSON).inserted(), OutboxStream.STATE));

        assertThat(event.topic()).isEqualTo(AvroEventRouterTest.EVENTS_TOPIC);
        assertThat(state.topic()).isEqualTo(STATE_TOPIC);
        assertThat(event.headers().lastWithName(OutboxStream.HEADER)).isNull();
        assertThat(state.headers().lastWithName(OutboxStream.HEADER)).isNull();
    }

    @Test
    void aPayloadThatDoesNotFitTheAggregateSchemaIsBadDataNamingPathAndType() {
        var row = OutboxChangeEvents.seed000().row().with("event_data", ORDER_JSON.replace("\"quantity\": 2", "\"quantity\": \"two\""));

        assertThatThrownBy(() -> stateRouter().apply(row.inserted()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(row.eventId())
                .hasMessageContaining("$.lines[0].quantity")
                .hasMessageContaining("expected int")
                .hasMessageNotContaining("two");
    }

    @Test
    void unknownAggregateFieldsFailByDefaultAndCanBeIgnored() throws IOException {
        String withExtra = ORDER_JSON.replace("{\"order_id\"", "{\"loyalty_points\": 3, \"order_id\"");

        assertThatThrownBy(() -> stateRouter().apply(OutboxChangeEvents.seed000().row().with("event_data", withExtra).inserted()))
                .hasMessageContaining("$.loyalty_points");
        router.close();
        SourceRecord out = stateRouter("state.unknown.fields", "ignore").apply(OutboxChangeEvents.seed000().row().with("event_data", withExtra).inserted());
        assertThat(decode(out).get("status").toString()).isEqualTo("PAID");
    }

    @Test
    void theAggregateSchemaMustFollowTheNamingConvention() {
        registry.register(STATE_TOPIC + "-value", orderSchema().replace("\"namespace\": \"com.acme.commerce\"", "\"namespace\": \"com.other.commerce\""));
        router = new AvroEventRouter<>(c -> registry);
        router.configure(AvroEventRouterTest.config("stream.default", "state"));

        assertThatThrownBy(() -> router.apply(OutboxChangeEvents.seed000().row().with("event_data", ORDER_JSON).inserted()))
                .isInstanceOf(EnvelopeContractException.class)
                .hasMessageContaining("com.acme.commerce.Order");
    }

    @Test
    void preloadChecksTheStateSchemaAtStartWhenAsked() {
        router = new AvroEventRouter<>(c -> registry);
        registry.register(AvroEventRouterTest.EVENTS_SUBJECT, AvroEventRouterTest.orderEventSchema());

        assertThatThrownBy(() -> router.configure(AvroEventRouterTest.config("schemas.preload.aggregates", "order", "schemas.preload.streams", "event,state")))
                .hasMessageContaining("'" + STATE_TOPIC + "-value'");
    }

    @Test
    void stateTopicFormatIsConfigurable() {
        registry.register("public.commerce.order.latest-value", orderSchema());
        router = new AvroEventRouter<>(c -> registry);
        router.configure(AvroEventRouterTest.config("stream.default", "state", "naming.state.topic.format", "{env}.{domain}.{aggregate}.latest"));

        assertThat(router.apply(OutboxChangeEvents.seed000().row().with("event_data", ORDER_JSON).inserted()).topic()).isEqualTo("public.commerce.order.latest");
    }

    @Test
    void anUnknownStreamMarkFailsTheTaskItIsNotData() {
        SourceRecord record = OutboxChangeEvents.seed000().row().inserted();
        record.headers().addString(OutboxStream.HEADER, "audit");

        assertThatThrownBy(() -> stateRouter().apply(record)).isInstanceOf(ConnectException.class).isNotInstanceOf(DataException.class)
                .hasMessageContaining("'audit'");
    }

}
