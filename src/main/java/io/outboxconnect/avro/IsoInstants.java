package io.outboxconnect.avro;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * ISO-8601 date-times with an offset in their common shape,
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:MM|-HH:MM)} (what Debezium's ZonedTimestamp and
 * PostgreSQL's JSON print), read without {@code DateTimeFormatter}: the formatter costs more than
 * the rest of a row. Any other shape, and any invalid date, is left to the formatter, which decides
 * and words the error.
 */
public final class IsoInstants {

    private IsoInstants() {
    }

    /** The instant, or {@code null} when the text is not in the common shape or not a valid date-time. */
    public static Instant parseOrNull(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int offsetAt;
        int offsetSeconds;
        if (text.charAt(length - 1) == 'Z') {
            offsetAt = length - 1;
            offsetSeconds = 0;
        }
        else {
            offsetAt = length - 6;
            char sign = text.charAt(offsetAt);
            if (offsetAt < 19 || (sign != '+' && sign != '-') || text.charAt(offsetAt + 3) != ':') {
                return null;
            }
            int hours = digits(text, offsetAt + 1, offsetAt + 3);
            int minutes = digits(text, offsetAt + 4, length);
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59 || (hours == 18 && minutes > 0)) {
                return null;
            }
            offsetSeconds = (sign == '-' ? -1 : 1) * (hours * 3_600 + minutes * 60);
        }
        int nanos = 0;
        if (offsetAt > 19) {
            int fractionDigits = offsetAt - 20;
            if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            nanos = digits(text, 20, offsetAt);
            for (int i = fractionDigits; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        else if (offsetAt != 19) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second | nanos) < 0 || month < 1 || month > 12 || day < 1
                || day > Month.of(month).length(Year.isLeap(year)) || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
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
}
