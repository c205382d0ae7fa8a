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
        return text.length() < 20 || text.length() > 40 ? null : parseOrNull(text.toCharArray(), 0, text.length());
    }

    /** The instant in {@code text[from, to)}, or {@code null} when it is not in the common shape or not a valid date-time. */
    public static Instant parseOrNull(char[] text, int from, int to) {
        int length = to - from;
        if (length < 20 || text[from + 4] != '-' || text[from + 7] != '-' || text[from + 10] != 'T' || text[from + 13] != ':'
                || text[from + 16] != ':') {
            return null;
        }
        int offsetAt;
        int offsetSeconds;
        if (text[to - 1] == 'Z') {
            offsetAt = length - 1;
            offsetSeconds = 0;
        }
        else {
            offsetAt = length - 6;
            if (offsetAt < 19) {
                return null;
            }
            char sign = text[from + offsetAt];
            if ((sign != '+' && sign != '-') || text[from + offsetAt + 3] != ':') {
                return null;
            }
            int hours = digits(text, from + offsetAt + 1, from + offsetAt + 3);
            int minutes = digits(text, from + offsetAt + 4, to);
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59 || (hours == 18 && minutes > 0)) {
                return null;
            }
            offsetSeconds = (sign == '-' ? -1 : 1) * (hours * 3_600 + minutes * 60);
        }
        int nanos = 0;
        if (offsetAt > 19) {
            int fractionDigits = offsetAt - 20;
            if (text[from + 19] != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            nanos = digits(text, from + 20, from + offsetAt);
            for (int i = fractionDigits; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        else if (offsetAt != 19) {
            return null;
        }
        int year = digits(text, from, from + 4);
        int month = digits(text, from + 5, from + 7);
        int day = digits(text, from + 8, from + 10);
        int hour = digits(text, from + 11, from + 13);
        int minute = digits(text, from + 14, from + 16);
        int second = digits(text, from + 17, from + 19);
        if ((year | month | day | hour | minute | second | nanos) < 0 || month < 1 || month > 12 || day < 1
                || day > Month.of(month).length(Year.isLeap(year)) || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(char[] text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
