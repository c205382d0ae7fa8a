package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The common ISO-8601 shape read exactly as DateTimeFormatter.ISO_OFFSET_DATE_TIME reads it. */
class IsoInstantsTest {

    @Test
    void readsWhatTheFormatterPrintsForAnyInstantOffsetAndPrecision() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            Instant instant = Instant.ofEpochSecond(-62_135_596_800L + (long) (random.nextDouble() * 315_537_897_599L), random.nextInt(1_000_000_000));
            instant = instant.minusNanos(instant.getNano() % (long) Math.pow(10, 9 - random.nextInt(10)));
            ZoneOffset offset = random.nextBoolean() ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(60 * (random.nextInt(36 * 60 + 1) - 18 * 60));
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(offset));
            assertThat(IsoInstants.parseOrNull(text)).as(text).isEqualTo(instant);
        }
    }

    @Test
    void readsTheEdgesOfTheCalendar() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "2024-02-29T12:00:00.5+01:00",
            "2000-02-29T23:59:59.123456789-18:00", "0001-01-01T00:00:00+18:00", "9999-12-31T23:59:59.999999999Z", "2026-01-02T10:15:00.000001-00:00"}) {
            assertThat(IsoInstants.parseOrNull(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    @Test
    void leavesOtherShapesAndInvalidDatesToTheFormatter() {
        for (String text : new String[] {"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-06-01T24:00:00Z",
            "2024-06-01T12:60:00Z", "2024-06-01T12:00:60Z", "2024-06-01T12:00:00.1234567890Z", "2024-06-0aT12:00:00Z",
            "2024-06-01T12:00:00+18:01", "2024-06-01T12:00:00+1:00", "2024-06-01T12:00:00z", "2024-06-01T12:00Z", "2024-06-01T12:00:00.Z",
            "2024-06-01T12:00:00+02:00:30", "+12024-06-01T12:00:00Z", "2024-06-01 12:00:00Z"}) {
            assertThat(IsoInstants.parseOrNull(text)).as(text).isNull();
        }
        assertThatThrownBy(() -> OffsetDateTime.parse("2023-02-29T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
    }
}
