package io.outboxconnect.connector;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

import io.outboxconnect.transforms.StructJson;

/**
 * The value converter of an outbox connector: the bytes {@code AvroEventRouter} wrote (the
 * Confluent wire format, or a dead letter's original value) pass unchanged, as with Kafka's
 * {@code ByteArrayConverter} (which is in Connect's runtime, not its API), and Debezium's
 * heartbeat records are written as JSON ({@code {"ts_ms":…}}, by {@link StructJson}, as dead
 * letters are).
 *
 * <p>Heartbeats must be written, not dropped: Connect commits a source offset only with a record
 * it writes (a record a transform drops commits nothing, on an exactly-once worker as on an
 * at-least-once one), and Debezium confirms to PostgreSQL only committed offsets. With heartbeats
 * dropped, a database whose other tables are busy while the outbox is quiet keeps its WAL for the
 * slot until the next outbox row; {@code ByteArrayConverter} cannot write them (their value is a
 * {@code Struct}).
 *
 * <p>Any other value is refused with an error naming its topic and schema: a record that is
 * neither an outbox row nor a heartbeat means a table other than the outbox is captured, or that
 * a transform before the outbox SMT changed the records, and publishing it somewhere as JSON
 * would hide that. Reading ({@code toConnectData}) gives the bytes as they are.
 */
public class OutboxValueConverter implements Converter, Versioned {

    /** The name of the value schema of Debezium's heartbeat records ({@code io.debezium.schema.SchemaFactory}). */
    public static final String HEARTBEAT_VALUE_SCHEMA = "io.debezium.connector.common.Heartbeat";

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value instanceof Struct struct && HEARTBEAT_VALUE_SCHEMA.equals(struct.schema().name())) {
            return StructJson.utf8(struct);
        }
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        throw new DataException("A record for topic " + topic + " has a " + describe(schema, value) + " value, not the bytes "
                + "AvroEventRouter writes: only outbox rows (routed by the SMT) and Debezium's heartbeats are written. " + cause(schema));
    }

    /** What most likely produced a record that is neither an outbox row nor a heartbeat, from its schema's name. */
    private static String cause(Schema schema) {
        String name = schema == null || schema.name() == null ? "" : schema.name();
        if (name.endsWith(".MessageValue")) {
            return "It is a logical decoding message (pg_logical_emit_message): set message.prefix.exclude.list=.* on the connector.";
        }
        if (name.endsWith(".TransactionMetadataValue")) {
            return "It is Debezium's transaction metadata: set provide.transaction.metadata=false on the connector.";
        }
        return "A table that is not an outbox is captured (table.include.list, outbox.tables), or a transform before the outbox SMT "
                + "changed the records.";
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, value);
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return OutboxConnectorTask.VERSION;
    }

    private static String describe(Schema schema, Object value) {
        if (schema == null) {
            return "schemaless " + value.getClass().getSimpleName();
        }
        return schema.type() + (schema.name() == null ? "" : " (schema " + schema.name() + ")");
    }
}
