package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** TIMESTAMPTZ event dates as Debezium's ZonedTimestamp text: read as DateTimeFormatter reads them, without its cost. */
class EventDatesTest {

    private static final org.apache.kafka.connect.data.Schema ZONED = OutboxChangeEvents.zonedTimestamp();

    private static long viaFormatter(String text) {
        return EventDates.micros(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    }

    @Test
    void utcTimestampsReadAsTheFormatterReadsThem() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            // years 0001..9999, every fraction length Debezium may print
            Instant instant = Instant.ofEpochSecond(-62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L), random.nextInt(1_000_000_000));
            int keep = random.nextInt(10);
            instant = instant.minusNanos(instant.getNano() % (long) Math.pow(10, 9 - keep));
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
            assertThat(EventDates.toEpochMicros("event_date", ZONED, text)).as(text).isEqualTo(viaFormatter(text));
        }
    }

    @Test
    void edgesOfTheCalendarReadAsTheFormatterReadsThem() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "2024-02-29T12:00:00.5Z",
            "2000-02-29T23:59:59.123456789Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-01-02T10:15:00.000001Z"}) {
            assertThat(EventDates.toEpochMicros("event_date", ZONED, text)).as(text).isEqualTo(viaFormatter(text));
        }
    }

    @Test
    void otherOffsetsAndShapesReadAsTheFormatterReadsThem() {
        assertThat(EventDates.toEpochMicros("event_date", ZONED, "2024-06-01T14:00:00.123456+02:00")).isEqualTo(viaFormatter("2024-06-01T12:00:00.123456Z"));
        assertThat(EventDates.toEpochMicros("event_date", ZONED, "2024-06-01T12:00Z")).isEqualTo(viaFormatter("2024-06-01T12:00:00Z"));
    }

    /** time.precision.mode=structured, built by Debezium's own classes as its PostgreSQL connector does. */
    @Test
    void structuredTimestampsReadAsTheInstantTheyHold() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            Instant instant = Instant.ofEpochSecond(-62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L), random.nextInt(1_000_000) * 1_000);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(28 * 4) - 14 * 4) * 900);
            var zoned = io.debezium.time.StructuredZonedTimestamp.from(instant.atOffset(offset));
            assertThat(EventDates.toEpochMicros("event_date", zoned.schema(), zoned)).as("%s at %s", instant, offset).isEqualTo(EventDates.micros(instant));
            var local = io.debezium.time.StructuredTimestamp.from(java.time.LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            assertThat(EventDates.toEpochMicros("event_date", local.schema(), local)).as("%s without offset: UTC", instant)
                    .isEqualTo(EventDates.micros(instant));
        }
        var infinity = io.debezium.time.StructuredZonedTimestamp.positiveInfinity(io.debezium.time.StructuredZonedTimestamp.schema());
        assertThatThrownBy(() -> EventDates.toEpochMicros("event_date", infinity.schema(), infinity)).isInstanceOf(DataException.class)
                .hasMessageContaining("'event_date'").hasMessageContaining("POSITIVE_INFINITY");
        var partial = new org.apache.kafka.connect.data.Struct(io.debezium.time.StructuredTimestamp.schema()).put("year", 2026);
        assertThatThrownBy(() -> EventDates.toEpochMicros("event_date", partial.schema(), partial)).isInstanceOf(DataException.class)
                .hasMessageContaining("'event_date'").hasMessageContaining("not a whole date and time");
    }

    @Test
    void invalidDatesAreStillRejected() {
        for (String text : new String[] {"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-06-01T24:00:00Z",
            "2024-06-01T12:60:00Z", "2024-06-01T12:00:60Z", "2024-06-01T12:00:00.1234567890Z", "2024-06-0aT12:00:00Z"}) {
            assertThatThrownBy(() -> EventDates.toEpochMicros("event_date", ZONED, text)).as(text).isInstanceOf(DataException.class)
                    .hasMessageContaining("'event_date'");
        }
    }

    @Test
    void kafkaTakesRecordTimestampsFrom1970UpToHalfAnHourAheadOfTheWorker() {
        long now = 1_800_000_000_000L;
        assertThat(EventDates.isRecordTimestamp(0, now)).isTrue();
        assertThat(EventDates.isRecordTimestamp(-1, now)).isFalse();
        assertThat(EventDates.isRecordTimestamp(now, now)).isTrue();
        assertThat(EventDates.isRecordTimestamp(now + 30 * 60_000, now)).isTrue();
        assertThat(EventDates.isRecordTimestamp(now + 30 * 60_000 + 1, now)).isFalse();
        assertThat(EventDates.isRecordTimestamp(Long.MAX_VALUE, now)).isFalse();
        assertThat(EventDates.isRecordTimestamp(Long.MIN_VALUE, now)).isFalse();
    }
}
