package io.outboxconnect.avro;

import java.util.Arrays;

/**
 * A growable byte buffer that writes Avro's binary encoding directly, byte for byte what
 * Avro's {@code BinaryEncoder} writes for the same values: zig-zag varints, little-endian
 * floating point, length-prefixed UTF-8 strings and bytes, arrays and maps as one block
 * followed by the end marker.
 *
 * <p>Not thread-safe; reused across records by its owner.
 */
final class AvroOutput {

    private byte[] buf;
    private int pos;
    private char[] chars = new char[256];

    AvroOutput(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** A reusable char buffer of at least {@code length} chars, for text about to be written. */
    char[] chars(int length) {
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        return chars;
    }

    int position() {
        return pos;
    }

    /** Drops everything from {@code position} on. */
    void truncate(int position) {
        pos = position;
    }

    byte[] buffer() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeRaw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    void writeInt(int value) {
        writeLong(value);
    }

    void writeLong(long value) {
        ensure(10);
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[pos++] = (byte) n;
    }

    /** The number of bytes {@link #writeLong} takes for {@code value}. */
    static int varintSize(long value) {
        long n = (value << 1) ^ (value >> 63);
        int size = 1;
        while ((n & ~0x7FL) != 0) {
            n >>>= 7;
            size++;
        }
        return size;
    }

    void writeFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
    }

    void writeDouble(double value) {
        long bits = Double.doubleToRawLongBits(value);
        ensure(8);
        for (int shift = 0; shift < 64; shift += 8) {
            buf[pos++] = (byte) (bits >>> shift);
        }
    }

    /** Avro {@code bytes}: the length, then the bytes. */
    void writeBytes(byte[] bytes) {
        writeLong(bytes.length);
        writeRaw(bytes, 0, bytes.length);
    }

    /**
     * Avro {@code string} of {@code chars[from, to)}: the UTF-8 length, then UTF-8.
     *
     * @return false, writing nothing, when the chars hold an unpaired surrogate, which UTF-8 cannot
     *         carry (Java's encoder would write '?' in its place)
     */
    boolean writeString(char[] chars, int from, int to) {
        int length = utf8Length(chars, from, to);
        if (length < 0) {
            return false;
        }
        writeLong(length);
        ensure(length);
        encodeUtf8(chars, from, to);
        return true;
    }

    /** Avro {@code string}; false, writing nothing, for an unpaired surrogate. */
    boolean writeString(String text) {
        int length = text.length();
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            char[] chars = text.toCharArray();
            return writeString(chars, 0, chars.length);
        }
        writeLong(length);
        ensure(length);
        for (int i = 0; i < length; i++) {
            buf[pos++] = (byte) text.charAt(i);
        }
        return true;
    }

    /**
     * Avro {@code string} of the JSON string whose text starts at {@code in[from]} (after its opening
     * quote), in one pass: for a string without escapes, control characters and unpaired surrogates.
     *
     * @return the index after the closing quote; -1, writing nothing, for any other string, which
     *         the caller reads the general way
     */
    int writeJsonString(char[] in, int from, int end) {
        end = Math.min(end, from + JsonAvroWriter.MAX_STRING_CHARS); // a longer string has no quote in reach: the general path decides
        int start = pos;
        ensure(1 + 3 * (end - from));
        byte[] b = buf;
        int p = start + 1; // the length's place: one byte, moved over when the string is 64 bytes or more
        for (int i = from; i < end; i++) {
            char c = in[i];
            if (c < 0x80) {
                if (c == '"') {
                    pos = p;
                    insertLong(start, 1, p - start - 1);
                    return i + 1;
                }
                if (c == '\\' || c < 0x20) {
                    return -1;
                }
                b[p++] = (byte) c;
            }
            else if (c < 0x800) {
                p = putTwoBytes(b, p, c);
            }
            else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= end || !Character.isLowSurrogate(in[i + 1])) {
                    return -1;
                }
                int cp = Character.toCodePoint(c, in[++i]);
                p = putFourBytes(b, p, cp);
            }
            else {
                p = putThreeBytes(b, p, c);
            }
        }
        return -1;
    }

    /** UTF-8 length of {@code chars[from, to)}, or -1 when they hold an unpaired surrogate. */
    static int utf8Length(char[] chars, int from, int to) {
        int length = to - from;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                }
                else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 >= to || !Character.isLowSurrogate(chars[i + 1])) {
                        return -1;
                    }
                    length += 2; // two chars, four bytes
                    i++;
                }
                else {
                    length += 2;
                }
            }
        }
        return length;
    }

    /** Writes {@code chars[from, to)} as UTF-8; the caller checked the surrogates and made room. */
    private void encodeUtf8(char[] chars, int from, int to) {
        byte[] b = buf;
        int p = pos;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if (c < 0x80) {
                b[p++] = (byte) c;
            }
            else if (c < 0x800) {
                p = putTwoBytes(b, p, c);
            }
            else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, chars[++i]);
                p = putFourBytes(b, p, cp);
            }
            else {
                p = putThreeBytes(b, p, c);
            }
        }
        pos = p;
    }

    /**
     * Avro {@code string} of well-formed JSON text without the whitespace outside its strings, in
     * one pass and without an intermediate string.
     *
     * @return false, writing nothing, when the text holds an unpaired surrogate, or turns out not to
     *         be well-formed JSON
     */
    boolean writeCompactJson(char[] chars, int from, int to) {
        int start = pos;
        int reserved = varintSize(3L * (to - from)); // UTF-8 takes at most 3 bytes per char
        ensure(reserved + 3 * (to - from));
        byte[] b = buf;
        int bytesFrom = start + reserved;
        int p = bytesFrom;
        int i = from;
        // a string is copied up to its closing quote (a quote after a backslash does not close it); between strings,
        // what is not whitespace is ASCII and kept
        while (i < to) {
            char c = chars[i++];
            if (c == '"') {
                b[p++] = '"';
                while (true) { // a string, up to its closing quote
                    if (i >= to) {
                        return false;
                    }
                    c = chars[i++];
                    if (c < 0x80) {
                        b[p++] = (byte) c;
                        if (c == '"') {
                            break;
                        }
                        if (c == '\\') {
                            if (i >= to || chars[i] >= 0x80) {
                                return false;
                            }
                            b[p++] = (byte) chars[i++]; // the escaped char: a quote does not end the string
                        }
                    }
                    else if (c < 0x800) {
                        p = putTwoBytes(b, p, c);
                    }
                    else if (Character.isSurrogate(c)) {
                        if (!Character.isHighSurrogate(c) || i >= to || !Character.isLowSurrogate(chars[i])) {
                            return false;
                        }
                        int cp = Character.toCodePoint(c, chars[i++]);
                        p = putFourBytes(b, p, cp);
                    }
                    else {
                        p = putThreeBytes(b, p, c);
                    }
                }
            }
            else if (c > ' ') {
                if (c >= 0x80) {
                    return false; // outside strings, JSON is ASCII
                }
                b[p++] = (byte) c;
            }
            else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                b[p++] = (byte) c; // not JSON: kept, for the caller's reading to reject
            }
        }
        pos = p;
        insertLong(start, reserved, p - bytesFrom);
        return true;
    }

    /** A char from U+0080 to U+07FF as UTF-8 at {@code b[p]}; the position after it. */
    private static int putTwoBytes(byte[] b, int p, char c) {
        b[p] = (byte) (0xC0 | (c >> 6));
        b[p + 1] = (byte) (0x80 | (c & 0x3F));
        return p + 2;
    }

    /** A char from U+0800 on, not a surrogate, as UTF-8 at {@code b[p]}; the position after it. */
    private static int putThreeBytes(byte[] b, int p, char c) {
        b[p] = (byte) (0xE0 | (c >> 12));
        b[p + 1] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p + 2] = (byte) (0x80 | (c & 0x3F));
        return p + 3;
    }

    /** A code point beyond U+FFFF (a surrogate pair) as UTF-8 at {@code b[p]}; the position after it. */
    private static int putFourBytes(byte[] b, int p, int cp) {
        b[p] = (byte) (0xF0 | (cp >> 18));
        b[p + 1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p + 2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p + 3] = (byte) (0x80 | (cp & 0x3F));
        return p + 4;
    }

    /**
     * Inserts {@code value}'s varint at {@code at}, moving what was written from there on. For
     * counts known only after their items: the caller reserved {@code reserved} bytes at {@code at}.
     */
    void insertLong(int at, int reserved, long value) {
        int size = varintSize(value);
        if (size != reserved) {
            ensure(size - reserved);
            System.arraycopy(buf, at + reserved, buf, at + size, pos - at - reserved);
            pos += size - reserved;
        }
        long n = (value << 1) ^ (value >> 63);
        int p = at;
        while ((n & ~0x7FL) != 0) {
            buf[p++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[p] = (byte) n;
    }
}
