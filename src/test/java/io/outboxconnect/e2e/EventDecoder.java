package io.outboxconnect.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import io.outboxconnect.sandbox.RegistryRest;

/**
 * Decodes Confluent wire-format values the way any consumer does: the writer schema fetched from
 * the registry by the id in the value, then plain Apache Avro. Independent of the plugin's code.
 */
final class EventDecoder {

    private static final GenericData WITH_DECIMALS = new GenericData();

    static {
        WITH_DECIMALS.addLogicalTypeConversion(new Conversions.DecimalConversion());
    }

    private final RegistryRest registry;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    EventDecoder(RegistryRest registry) {
        this.registry = registry;
    }

    static int schemaId(byte[] value) {
        if (value[0] != 0) {
            throw new AssertionError("magic byte is " + value[0] + ", not 0");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    Schema writerSchema(byte[] value) {
        return schemas.computeIfAbsent(schemaId(value), id -> new Schema.Parser().parse(registry.schemaById(id)));
    }

    /**
     * The record in {@code value}, which must end where the record does: bytes left over mean the value
     * was written with another schema than the one its id names, which a consumer's decoder would not notice.
     */
    GenericRecord decode(byte[] value) {
        try {
            Schema schema = writerSchema(value);
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(schema, schema, WITH_DECIMALS).read(null, in);
            if (!in.isEnd()) {
                throw new AssertionError("bytes left after the " + schema.getFullName() + " record (schema id " + schemaId(value) + ") in a value of "
                        + value.length + " bytes: " + record);
            }
            return record;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
