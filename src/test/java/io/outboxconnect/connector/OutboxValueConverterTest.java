package io.outboxconnect.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.ServiceLoader;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.outboxconnect.transforms.OutboxChangeEvents;

/** Passes the SMT's bytes, writes Debezium's heartbeats as JSON and refuses every other record by name. */
class OutboxValueConverterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Converter converter = configured(new OutboxValueConverter());

    @Test
    void theSmtsBytesPassUnchanged() {
        byte[] wire = {0, 0, 0, 0, 7, 2, (byte) 0xff};
        assertThat(converter.fromConnectData("t", Schema.BYTES_SCHEMA, wire)).isSameAs(wire);
        assertThat(converter.fromConnectData("t", Schema.OPTIONAL_BYTES_SCHEMA, null)).as("a state tombstone").isNull();
        assertThat(converter.fromConnectData("t", null, wire)).isSameAs(wire);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3}, 2, 3);
        assertThat(converter.fromConnectData("t", Schema.BYTES_SCHEMA, buffer)).containsExactly(1, 2, 3);
        assertThat(converter.toConnectData("t", wire).value()).isSameAs(wire);
    }

    @Test
    void aHeartbeatIsWrittenAsKafkasJsonConverterWritesItWithoutSchema() throws Exception {
        SourceRecord heartbeat = OutboxChangeEvents.heartbeat();
        JsonConverter kafkas = new JsonConverter();
        kafkas.configure(Map.of("schemas.enable", "false"), false);

        byte[] ours = converter.fromConnectData(heartbeat.topic(), heartbeat.valueSchema(), heartbeat.value());

        assertThat(JSON.readTree(ours)).isEqualTo(JSON.readTree(kafkas.fromConnectData(heartbeat.topic(), heartbeat.valueSchema(), heartbeat.value())));
        assertThat(JSON.readTree(ours).path("ts_ms").asLong()).isEqualTo(((Struct) heartbeat.value()).getInt64("ts_ms"));
    }

    @Test
    void theHeartbeatSchemaIsDebeziumsOwn() {
        Schema debeziums = io.debezium.schema.SchemaFactory.get().heartbeatValueSchema(io.debezium.schema.SchemaNameAdjuster.NO_OP);

        byte[] json = converter.fromConnectData("__debezium-heartbeat.outbox", debeziums, new Struct(debeziums).put("ts_ms", 5L));

        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"ts_ms\":5}");
    }

    @Test
    void aHeartbeatWithFieldsOfOtherKindsIsStillValidJson() throws Exception {
        Schema schema = SchemaBuilder.struct().name(OutboxValueConverter.HEARTBEAT_VALUE_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).field("ratio", Schema.FLOAT64_SCHEMA).build();
        Struct value = new Struct(schema).put("ts_ms", 1L).put("note", "a \"quoted\"\n note").put("ratio", Double.NaN);

        var json = JSON.readTree(converter.fromConnectData("__debezium-heartbeat.outbox", schema, value));

        assertThat(json.path("ts_ms").asLong()).isEqualTo(1L);
        assertThat(json.path("note").asText()).isEqualTo("a \"quoted\"\n note");
        assertThat(json.path("ratio").asText()).as("a non-finite number as a string, as in dead letters").isEqualTo("NaN");
    }

    @Test
    void aChangeEventOfAnotherTableIsRefusedNamingItsTopicAndSchema() {
        SourceRecord orders = OutboxChangeEvents.otherTableInsert();

        assertThatThrownBy(() -> converter.fromConnectData(orders.topic(), orders.valueSchema(), orders.value())).isInstanceOf(DataException.class)
                .hasMessageContaining("topic " + orders.topic()).hasMessageContaining(orders.valueSchema().name())
                .hasMessageContaining("table.include.list");
        assertThatThrownBy(() -> converter.fromConnectData("t", Schema.STRING_SCHEMA, "text")).isInstanceOf(DataException.class)
                .hasMessageContaining("STRING");
        assertThatThrownBy(() -> converter.fromConnectData("t", null, Map.of("a", 1))).isInstanceOf(DataException.class)
                .hasMessageContaining("schemaless");
    }

    @Test
    void aLogicalMessageOrTransactionMetadataIsRefusedNamingTheKeyThatSkipsIt() {
        Schema message = SchemaBuilder.struct().name("outbox.message.MessageValue").field("op", Schema.STRING_SCHEMA).build();
        Schema transaction = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
                .field("status", Schema.STRING_SCHEMA).build();

        assertThatThrownBy(() -> converter.fromConnectData("outbox.message", message, new Struct(message).put("op", "m")))
                .isInstanceOf(DataException.class).hasMessageContaining("message.prefix.exclude.list");
        assertThatThrownBy(() -> converter.fromConnectData("outbox.transaction", transaction, new Struct(transaction).put("status", "END")))
                .isInstanceOf(DataException.class).hasMessageContaining("provide.transaction.metadata=false");
    }

    @Test
    void theWorkerFindsItAsAConverter() {
        assertThat(ServiceLoader.load(Converter.class).stream().map(p -> p.type().getName()))
                .contains(OutboxValueConverter.class.getName());
    }

    private static Converter configured(Converter converter) {
        converter.configure(Map.of(), false);
        return converter;
    }
}
