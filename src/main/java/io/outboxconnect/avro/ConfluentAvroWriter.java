package io.outboxconnect.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes records of one schema in the Confluent wire format: the magic byte {@code 0x00}, the
 * registry's schema id as a 4-byte big-endian int, then the Avro binary encoding.
 *
 * <p>Not thread-safe: the writer, the encoder and the buffer are reused across records, as a
 * Connect task applies its transformations from one thread.
 */
public final class ConfluentAvroWriter {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_LENGTH = 5;

    private final int schemaId;
    private final Schema schema;
    private final GenericDatumWriter<GenericRecord> writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;
    private AvroOutput output = new AvroOutput(512);
    /** An output grown past this for one large record is let go after it. */
    private static final int RETAINED_BYTES = 256 * 1024;

    public ConfluentAvroWriter(int schemaId, Schema schema) {
        this.schemaId = schemaId;
        this.schema = schema;
        this.writer = new GenericDatumWriter<>(schema);
    }

    public byte[] write(GenericRecord record) {
        buffer.reset();
        buffer.write(MAGIC_BYTE);
        buffer.write(schemaId >>> 24);
        buffer.write(schemaId >>> 16);
        buffer.write(schemaId >>> 8);
        buffer.write(schemaId);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** Starts a value written directly: the header is written, the Avro encoding follows. */
    AvroOutput begin() {
        output.truncate(0);
        output.writeByte(MAGIC_BYTE);
        output.writeByte(schemaId >>> 24);
        output.writeByte(schemaId >>> 16);
        output.writeByte(schemaId >>> 8);
        output.writeByte(schemaId);
        return output;
    }

    /** The value {@link #begin} started. */
    byte[] finish() {
        byte[] value = output.toByteArray();
        if (output.buffer().length > RETAINED_BYTES) {
            output = new AvroOutput(512);
        }
        return value;
    }

    public int schemaId() {
        return schemaId;
    }

    public Schema schema() {
        return schema;
    }

    /** The schema id of a value in the Confluent wire format. */
    public static int schemaIdOf(byte[] value) {
        if (value == null || value.length < HEADER_LENGTH || value[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("Not in the Confluent wire format (magic byte 0x00 and a 4-byte schema id)");
        }
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }
}
