package io.outboxconnect.transforms;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import io.outboxconnect.avro.IsoInstants;

/**
 * Reads the outbox's event date column into epoch microseconds, whatever Debezium emitted for it:
 * {@code TIMESTAMPTZ} arrives as {@code ZonedTimestamp} (ISO-8601 text), {@code TIMESTAMP} as
 * {@code Timestamp}, {@code MicroTimestamp} or {@code NanoTimestamp} depending on
 * {@code time.precision.mode} (Kafka's {@code Timestamp} in {@code connect} mode,
 * {@code IsoTimestamp} text in {@code isostring} mode, {@code StructuredZonedTimestamp} and
 * {@code StructuredTimestamp} structs of date and time fields in {@code structured} mode).
 * PostgreSQL keeps microseconds, so no representation loses anything that was stored.
 */
final class EventDates {

    static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    static final String ISO_TIMESTAMP = "io.debezium.time.IsoTimestamp";
    static final String TIMESTAMP = "io.debezium.time.Timestamp";
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String CONNECT_TIMESTAMP = org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME;
    static final String STRUCTURED_ZONED_TIMESTAMP = "io.debezium.time.StructuredZonedTimestamp";
    static final String STRUCTURED_TIMESTAMP = "io.debezium.time.StructuredTimestamp";

    /**
     * How far ahead of the worker's clock an event date may be and still be the record timestamp:
     * brokers refuse records more than {@code message.timestamp.after.max.ms} ahead of their own
     * clock (one hour by default since Kafka 4.0), and half of that leaves room for the two clocks
     * to differ.
     */
    static final long MAX_AHEAD_MS = java.util.concurrent.TimeUnit.MINUTES.toMillis(30);

    private EventDates() {
    }

    /**
     * Whether Kafka takes {@code millis} as a record timestamp when the worker's clock says
     * {@code nowMillis}. Connect fails the task on a timestamp before 1970, and the broker refuses one
     * too far ahead (an application writing local time into a {@code TIMESTAMP} column east of UTC is
     * enough); either would stop the connector at the same row after every restart.
     */
    static boolean isRecordTimestamp(long millis, long nowMillis) {
        return millis >= 0 && millis - nowMillis <= MAX_AHEAD_MS;
    }

    /** Epoch microseconds as ISO-8601 text, for messages. */
    static String describe(long micros) {
        return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS).toString();
    }

    /**
     * @param column the column name, for the error message
     * @return microseconds since the epoch, or {@code null} when the value is null
     * @throws DataException naming the column and its type when the value cannot be read as an instant
     */
    static Long toEpochMicros(String column, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name == null) {
            if (value instanceof String text) {
                return parseIso(column, "text", text);
            }
            throw new DataException("The event date column '" + column + "' is a plain " + schema.type()
                    + " without a logical type; use a TIMESTAMPTZ or TIMESTAMP column, or unset table.field.event.timestamp");
        }
        switch (name) {
            case ZONED_TIMESTAMP:
            case ISO_TIMESTAMP:
                return parseIso(column, name, (String) value);
            case TIMESTAMP:
                return Math.multiplyExact((Long) value, 1_000L);
            case MICRO_TIMESTAMP:
                return (Long) value;
            case NANO_TIMESTAMP:
                return Math.floorDiv((Long) value, 1_000L);
            case CONNECT_TIMESTAMP:
                return Math.multiplyExact(((Date) value).getTime(), 1_000L);
            case STRUCTURED_ZONED_TIMESTAMP:
            case STRUCTURED_TIMESTAMP:
                return structured(column, name, (Struct) value);
            default:
                throw new DataException("The event date column '" + column + "' has the unsupported type " + name
                        + "; supported: " + ZONED_TIMESTAMP + ", " + TIMESTAMP + ", " + MICRO_TIMESTAMP + ", " + NANO_TIMESTAMP
                        + ", " + ISO_TIMESTAMP + ", " + CONNECT_TIMESTAMP + ", " + STRUCTURED_ZONED_TIMESTAMP + ", " + STRUCTURED_TIMESTAMP);
        }
    }

    /** A structured timestamp: its fields, at its offset (none, for a TIMESTAMP column: UTC by Debezium's convention). */
    private static long structured(String column, String type, Struct value) {
        String special = value.schema().field("specialValue") == null ? null : value.getString("specialValue");
        if (special != null) {
            throw new DataException("The event date column '" + column + "' (" + type + ") holds " + special + ", not an instant");
        }
        try {
            LocalDateTime local = LocalDateTime.of(value.getInt32("year"), value.getInt8("month"), value.getInt8("day"),
                    value.getInt8("hour"), value.getInt8("minute"), value.getInt8("second"), value.getInt32("nanos"));
            Integer offsetSeconds = value.schema().field("offsetSeconds") == null ? null : value.getInt32("offsetSeconds");
            return micros(local.toInstant(offsetSeconds == null ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetSeconds)));
        }
        catch (java.time.DateTimeException | NullPointerException | DataException e) {
            throw new DataException("The event date column '" + column + "' (" + type + ") is not a whole date and time: " + e.getMessage(), e);
        }
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static long parseIso(String column, String type, String text) {
        Instant common = IsoInstants.parseOrNull(text); // the formatter cost a quarter of a row
        if (common != null) {
            return micros(common);
        }
        try {
            return micros(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        }
        catch (DateTimeParseException withoutOffset) {
            try {
                // IsoTimestamp of a TIMESTAMP column carries no offset: it is UTC by Debezium's convention
                return micros(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC));
            }
            catch (DateTimeParseException e) {
                throw new DataException("The event date column '" + column + "' (" + type + ") holds text that is not an ISO-8601 timestamp", e);
            }
        }
    }
}
