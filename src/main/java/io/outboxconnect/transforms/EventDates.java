package io.outboxconnect.transforms;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads the outbox's event date column into epoch microseconds, whatever Debezium emitted for it:
 * {@code TIMESTAMPTZ} arrives as {@code ZonedTimestamp} (ISO-8601 text), {@code TIMESTAMP} as
 * {@code Timestamp}, {@code MicroTimestamp} or {@code NanoTimestamp} depending on
 * {@code time.precision.mode} (Kafka's {@code Timestamp} in {@code connect} mode,
 * {@code IsoTimestamp} text in {@code isostring} mode). PostgreSQL keeps microseconds, so no
 * representation loses anything that was stored.
 */
final class EventDates {

    static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    static final String ISO_TIMESTAMP = "io.debezium.time.IsoTimestamp";
    static final String TIMESTAMP = "io.debezium.time.Timestamp";
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String CONNECT_TIMESTAMP = org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME;

    private EventDates() {
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
            default:
                throw new DataException("The event date column '" + column + "' has the unsupported type " + name
                        + "; supported: " + ZONED_TIMESTAMP + ", " + TIMESTAMP + ", " + MICRO_TIMESTAMP + ", " + NANO_TIMESTAMP
                        + ", " + ISO_TIMESTAMP + ", " + CONNECT_TIMESTAMP);
        }
    }

    private static final long NOT_UTC_SECONDS = Long.MIN_VALUE;

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, what a {@code ZonedTimestamp} of a {@code TIMESTAMPTZ}
     * always looks like (Debezium writes it in UTC), read without a formatter: the formatter cost more
     * than the rest of the row. Anything else, including an invalid date, is left to the formatter.
     *
     * @return epoch microseconds, or {@link #NOT_UTC_SECONDS}
     */
    static long utcMicros(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return NOT_UTC_SECONDS;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return NOT_UTC_SECONDS;
            }
            nanos = digits(text, 20, length - 1);
            for (int i = fractionDigits; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | nanos) < 0 || month < 1 || month > 12 || day < 1
                || day > java.time.Month.of(month).length(java.time.Year.isLeap(year)) || hour > 23 || minute > 59 || second > 59) {
            return NOT_UTC_SECONDS;
        }
        long seconds = java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return seconds * 1_000_000L + nanos / 1_000;
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static long parseIso(String column, String type, String text) {
        long utc = utcMicros(text);
        if (utc != NOT_UTC_SECONDS) {
            return utc;
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
