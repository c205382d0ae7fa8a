package io.outboxconnect.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The fast path of {@link AggregateState}: reads the JSON text once, without a tree, and writes
 * the Avro binary encoding as it goes, fields reordered into the schema's order at the end of each
 * object (PostgreSQL's {@code jsonb} orders keys by length, never as the schema does).
 *
 * <p>It takes only what it is sure of, and gives up on anything else: JSON it does not accept
 * (malformed, a duplicate name, a value that does not fit), and rarer shapes it does not handle
 * (unions other than {@code [null, X]}, numbers in exponent form, escaped names, ...). Giving up
 * is not an error: {@link AggregateState} then reads the same text the general way, which writes
 * the same bytes or names what does not fit. So this class never decides that input is bad, and
 * whatever it writes is byte for byte what the general path writes; {@code JsonAvroWriterTest}
 * compares the two on generated input.
 *
 * <p>Not thread-safe: its buffers are reused from record to record.
 */
final class JsonAvroWriter {

    /** The fast path does not write this input; the general path decides. */
    static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();
    /** Deeper JSON is left to the general path (Jackson limits nesting too). */
    private static final int MAX_DEPTH = 200;
    /** Longer number texts are left to the general path. */
    private static final int MAX_NUMBER_CHARS = 100;
    /** Longer exponents are left to the general path: Jackson's BigDecimal overflows where a double would not. */
    private static final int MAX_EXPONENT_DIGITS = 6;
    /** The longest name the general parser (Jackson's read constraints) takes; scanned strings are held to it. */
    static final int MAX_NAME_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.defaults().getMaxNameLength();
    /** The longest string value the general parser takes. */
    static final int MAX_STRING_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.defaults().getMaxStringLength();
    private static final BigDecimal FLOAT_MAX = BigDecimal.valueOf(Float.MAX_VALUE);
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final Node root;

    // the text being read, and where
    private char[] in = new char[512];
    private int p;
    private int end;
    private int depth;
    private AvroOutput out;
    // the last string scanned: in[strFrom, strTo), between the quotes
    private int strFrom;
    private int strTo;
    private boolean strEscaped;
    // the last number scanned
    private int numFrom;
    private int numTo;
    private boolean numIntegral;
    // where each field of the records being written starts and ends in out, a stack of them
    private int[] spans = new int[64];
    private int spanTop;
    private byte[] scratch = new byte[512];
    // the names of the objects being skipped, as in[from, to) pairs, a stack of them
    private int[] names = new int[64];
    private int nameTop;
    private static final int MAX_CHECKED_NAMES = 256;
    /** Buffers grown past this for one large payload are let go after it. */
    private static final int RETAINED_CHARS = 128 * 1024;
    private char[] text = new char[64];

    JsonAvroWriter(Schema schema, boolean ignoreUnknownFields) {
        this.root = compile(schema, ignoreUnknownFields, new HashMap<>());
    }

    private JsonAvroWriter(Node root) {
        this.root = root;
    }

    /** A scanner that writes nothing: {@link #write} tells whether the text is one well-formed JSON object without duplicate names. */
    static JsonAvroWriter objectChecker() {
        return new JsonAvroWriter(ANY_OBJECT);
    }

    private static final Node ANY_OBJECT = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            if (w.peek() != '{') {
                throw GIVE_UP;
            }
            w.skipValue();
        }
    };

    /**
     * Appends the binary encoding of {@code json}'s record to {@code out}.
     *
     * @return false, with {@code out} as it was, when the fast path does not write this input
     */
    boolean write(String json, AvroOutput out) {
        int start = out == null ? 0 : out.position();
        int length = json.length();
        if (in.length < length) {
            in = new char[Math.max(length, in.length * 2)];
        }
        json.getChars(0, length, in, 0);
        this.p = 0;
        this.end = length;
        this.out = out;
        this.spanTop = 0;
        this.nameTop = 0;
        this.depth = 0;
        try {
            root.write(this);
            ws();
            if (p != end) {
                throw GIVE_UP;
            }
            return true;
        }
        catch (GiveUp e) {
            if (out != null) {
                out.truncate(start);
            }
            return false;
        }
        finally {
            this.out = null;
            if (in.length > RETAINED_CHARS) {
                in = new char[512]; // an outsized payload: its buffers are not kept for the next record
                scratch = new byte[512];
            }
        }
    }

    // ---------------------------------------------------------------- the scanner

    private void ws() {
        while (p < end) {
            char c = in[p];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                p++;
            }
            else {
                return;
            }
        }
    }

    /** The next non-whitespace char, not consumed. */
    private char peek() {
        ws();
        if (p >= end) {
            throw GIVE_UP;
        }
        return in[p];
    }

    private void expect(char c) {
        if (peek() != c) {
            throw GIVE_UP;
        }
        p++;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
    }

    /** At a quote: scans a string as JSON allows it (escapes checked, not decoded). */
    private void scanString() {
        if (peek() != '"') {
            throw GIVE_UP;
        }
        int i = p + 1;
        boolean escaped = false;
        while (true) {
            if (i >= end) {
                throw GIVE_UP;
            }
            char c = in[i];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                escaped = true;
                if (++i >= end) {
                    throw GIVE_UP;
                }
                char e = in[i];
                if (e == 'u') {
                    if (i + 4 >= end) {
                        throw GIVE_UP;
                    }
                    for (int k = 1; k <= 4; k++) {
                        if (!isHex(in[i + k])) {
                            throw GIVE_UP;
                        }
                    }
                    i += 4;
                }
                else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                    throw GIVE_UP;
                }
            }
            else if (c < 0x20) {
                throw GIVE_UP; // JSON requires control characters escaped
            }
            i++;
        }
        if (i - p - 1 > MAX_NAME_CHARS) {
            throw GIVE_UP; // Jackson refuses names this long; values this long are rare: the general path decides
        }
        strFrom = p + 1;
        strTo = i;
        strEscaped = escaped;
        p = i + 1;
    }

    /** The last scanned string, escapes decoded, in {@code text[0, return)}; {@code text} may be a new array afterwards. */
    private int decodeString() {
        int n = 0;
        if (text.length < strTo - strFrom) {
            text = new char[Math.max(strTo - strFrom, text.length * 2)];
        }
        for (int i = strFrom; i < strTo; i++) {
            char c = in[i];
            if (c == '\\') {
                char e = in[++i];
                c = switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> {
                        char u = (char) Integer.parseInt(new String(in, i + 1, 4), 16);
                        i += 4;
                        yield u;
                    }
                    default -> e; // " \ /
                };
            }
            text[n++] = c;
        }
        return n;
    }

    private String stringValue() {
        if (!strEscaped) {
            return new String(in, strFrom, strTo - strFrom);
        }
        int length = decodeString(); // first: it may replace text with a larger array
        return new String(text, 0, length);
    }

    /** Scans a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void scanNumber() {
        ws();
        int i = p;
        if (i < end && in[i] == '-') {
            i++;
        }
        if (i >= end) {
            throw GIVE_UP;
        }
        if (in[i] == '0') {
            i++;
        }
        else if (in[i] >= '1' && in[i] <= '9') {
            i = digits(i + 1);
        }
        else {
            throw GIVE_UP;
        }
        boolean integral = true;
        if (i < end && in[i] == '.') {
            integral = false;
            int from = i + 1;
            i = digits(from);
            if (i == from) {
                throw GIVE_UP;
            }
        }
        if (i < end && (in[i] == 'e' || in[i] == 'E')) {
            integral = false;
            i++;
            if (i < end && (in[i] == '+' || in[i] == '-')) {
                i++;
            }
            int from = i;
            i = digits(from);
            if (i == from || i - from > MAX_EXPONENT_DIGITS) {
                throw GIVE_UP;
            }
        }
        if (i - p > MAX_NUMBER_CHARS) {
            throw GIVE_UP;
        }
        numFrom = p;
        numTo = i;
        numIntegral = integral;
        p = i;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private int digits(int i) {
        while (i < end && in[i] >= '0' && in[i] <= '9') {
            i++;
        }
        return i;
    }

    /** The last scanned number as a long: an integer of at most 18 digits. */
    private long integralValue() {
        if (!numIntegral) {
            throw GIVE_UP;
        }
        return parseDigits(numFrom, numTo);
    }

    /** -?[0-9]{1,18} in in[from, to) as a long. */
    private long parseDigits(int from, int to) {
        boolean negative = in[from] == '-';
        int i = negative ? from + 1 : from;
        if (to - i > 18 || to == i) {
            throw GIVE_UP;
        }
        long value = 0;
        for (; i < to; i++) {
            value = value * 10 + (in[i] - '0');
        }
        return negative ? -value : value;
    }

    private void literal(String word) {
        ws();
        if (end - p < word.length()) {
            throw GIVE_UP;
        }
        for (int k = 0; k < word.length(); k++) {
            if (in[p + k] != word.charAt(k)) {
                throw GIVE_UP;
            }
        }
        p += word.length();
    }

    /** Skips one value of a field the schema does not know, as strictly as the general parser. */
    private void skipValue() {
        char c = peek();
        switch (c) {
            case '{' -> {
                enter();
                p++;
                if (peek() == '}') {
                    p++;
                }
                else {
                    int first = nameTop;
                    do {
                        scanString();
                        requireNewName(first);
                        expect(':');
                        skipValue();
                    }
                    while (nextMember('}'));
                    nameTop = first;
                }
                depth--;
            }
            case '[' -> {
                enter();
                p++;
                if (peek() == ']') {
                    p++;
                }
                else {
                    do {
                        skipValue();
                    }
                    while (nextMember(']'));
                }
                depth--;
            }
            case '"' -> scanString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> scanNumber();
        }
    }

    /** Gives up when the name just scanned is one of the object's names since {@code first}, or unsure; else keeps it. */
    private void requireNewName(int first) {
        int length = strTo - strFrom;
        if (strEscaped || nameTop - first >= 2 * MAX_CHECKED_NAMES) {
            throw GIVE_UP; // escapes can spell one name two ways; many names: the general parser checks them
        }
        for (int i = first; i < nameTop; i += 2) {
            if (names[i + 1] - names[i] == length && Arrays.equals(in, names[i], names[i + 1], in, strFrom, strTo)) {
                throw GIVE_UP; // a duplicate name
            }
        }
        if (nameTop + 2 > names.length) {
            names = Arrays.copyOf(names, names.length * 2);
        }
        names[nameTop++] = strFrom;
        names[nameTop++] = strTo;
    }

    /** After a member: true at a comma, false at the closing char, giving up at anything else. */
    private boolean nextMember(char close) {
        char c = peek();
        p++;
        if (c == ',') {
            return true;
        }
        if (c == close) {
            return false;
        }
        throw GIVE_UP;
    }

    // ---------------------------------------------------------------- the compiled schema

    private abstract static class Node {
        /** Reads the next JSON value and writes it. */
        abstract void write(JsonAvroWriter w);
    }

    /** A schema the fast path leaves to the general one. */
    private static final Node GIVE_UP_NODE = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            throw GIVE_UP;
        }
    };

    private static Node compile(Schema schema, boolean ignoreUnknown, Map<String, RecordNode> records) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            Node node = logical(schema, logical);
            if (node != null) {
                return node;
            }
        }
        return switch (schema.getType()) {
            case RECORD -> {
                RecordNode existing = records.get(schema.getFullName());
                if (existing != null) {
                    yield existing;
                }
                RecordNode record = new RecordNode(schema, ignoreUnknown);
                records.put(schema.getFullName(), record);
                record.compileFields(ignoreUnknown, records);
                yield record;
            }
            case ENUM -> new EnumNode(schema);
            case ARRAY -> new BlockNode(compile(schema.getElementType(), ignoreUnknown, records), false);
            case MAP -> new BlockNode(compile(schema.getValueType(), ignoreUnknown, records), true);
            case UNION -> union(schema, ignoreUnknown, records);
            case STRING -> STRING;
            case BOOLEAN -> BOOLEAN;
            case INT -> INT;
            case LONG -> LONG;
            case FLOAT -> FLOAT;
            case DOUBLE -> DOUBLE;
            case BYTES -> new BytesNode(-1);
            case FIXED -> new BytesNode(schema.getFixedSize());
            case NULL -> NULL;
        };
    }

    private static Node logical(Schema schema, LogicalType logical) {
        Schema.Type type = schema.getType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            // fixed decimals are rare: the general path writes them
            return type == Schema.Type.BYTES ? new DecimalNode(decimal) : type == Schema.Type.FIXED ? GIVE_UP_NODE : null;
        }
        String name = logical.getName();
        if (name.equals("uuid")) {
            return type == Schema.Type.STRING ? UUID : null;
        }
        AggregateState.Temporal temporal = AggregateState.Temporal.of(name);
        return temporal == null ? null : new TemporalNode(temporal);
    }

    /** {@code [null, X]} and {@code [X, null]}; any other union is left to the general path. */
    private static Node union(Schema schema, boolean ignoreUnknown, Map<String, RecordNode> records) {
        List<Schema> types = schema.getTypes();
        int nullIndex = -1;
        int branchIndex = -1;
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).getType() == Schema.Type.NULL) {
                nullIndex = i;
            }
            else if (branchIndex < 0) {
                branchIndex = i;
            }
            else {
                return GIVE_UP_NODE;
            }
        }
        if (branchIndex < 0) {
            return NULL_UNION;
        }
        Node branch = compile(types.get(branchIndex), ignoreUnknown, records);
        int nulls = nullIndex;
        int index = branchIndex;
        return new Node() {
            @Override
            void write(JsonAvroWriter w) {
                if (w.peek() == 'n') {
                    if (nulls < 0) {
                        throw GIVE_UP;
                    }
                    w.literal("null");
                    w.out.writeInt(nulls);
                }
                else {
                    w.out.writeInt(index);
                    branch.write(w);
                }
            }
        };
    }

    private static final Node NULL_UNION = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.literal("null");
            w.out.writeInt(0);
        }
    };

    private static final class RecordNode extends Node {
        private final int size;
        private final char[][] names;
        private final Node[] fields;
        /** Each field's default, encoded; null for a field without one. */
        private final byte[][] defaults;
        private final boolean ignoreUnknown;
        private final Schema schema;
        /** The field that followed each field last time (by index; size: the first one): rows of a table share a key order. */
        private final int[] nextGuess;

        RecordNode(Schema schema, boolean ignoreUnknown) {
            this.schema = schema;
            this.size = schema.getFields().size();
            this.names = new char[size][];
            this.fields = new Node[size];
            this.defaults = new byte[size][];
            this.ignoreUnknown = ignoreUnknown;
            this.nextGuess = new int[size + 1];
        }

        void compileFields(boolean ignoreUnknown, Map<String, RecordNode> records) {
            for (Schema.Field field : schema.getFields()) {
                int pos = field.pos();
                names[pos] = field.name().toCharArray();
                fields[pos] = compile(field.schema(), ignoreUnknown, records);
                if (field.hasDefaultValue()) {
                    defaults[pos] = encode(field.schema(), GenericData.get().getDefaultValue(field));
                }
            }
        }

        @Override
        void write(JsonAvroWriter w) {
            w.expect('{');
            w.enter();
            AvroOutput out = w.out;
            int base = out.position();
            int s = w.spanTop;
            if (w.spans.length < s + 2 * size) {
                w.spans = Arrays.copyOf(w.spans, Math.max(w.spans.length * 2, s + 2 * size));
            }
            int[] spans = w.spans;
            Arrays.fill(spans, s, s + 2 * size, -1);
            w.spanTop = s + 2 * size;
            List<String> unknown = null;
            if (w.peek() == '}') {
                w.p++;
            }
            else {
                int last = size;
                do {
                    w.scanString();
                    if (w.strEscaped) {
                        throw GIVE_UP;
                    }
                    int field = find(w.in, w.strFrom, w.strTo, nextGuess[last]);
                    w.expect(':');
                    if (field < 0) {
                        if (!ignoreUnknown) {
                            throw GIVE_UP;
                        }
                        String name = new String(w.in, w.strFrom, w.strTo - w.strFrom);
                        if (unknown == null) {
                            unknown = new ArrayList<>();
                        }
                        else if (unknown.size() >= MAX_CHECKED_NAMES || unknown.contains(name)) {
                            throw GIVE_UP; // a duplicate name; or many unknown ones, which the general parser checks faster
                        }
                        unknown.add(name);
                        w.skipValue();
                    }
                    else {
                        if (w.spans[s + 2 * field] >= 0) {
                            throw GIVE_UP; // duplicate name
                        }
                        nextGuess[last] = field;
                        last = field;
                        w.spans[s + 2 * field] = out.position();
                        fields[field].write(w);
                        w.spans[s + 2 * field + 1] = out.position();
                    }
                }
                while (w.nextMember('}'));
            }
            spans = w.spans;
            boolean inOrder = true;
            int expected = base;
            for (int i = 0; i < size; i++) {
                int start = spans[s + 2 * i];
                if (start < 0) {
                    if (defaults[i] == null) {
                        throw GIVE_UP; // a required field is absent
                    }
                    inOrder = false;
                }
                else if (start != expected) {
                    inOrder = false;
                }
                else {
                    expected = spans[s + 2 * i + 1];
                }
            }
            if (!inOrder) {
                int length = out.position() - base;
                if (w.scratch.length < length) {
                    w.scratch = new byte[Math.max(length, w.scratch.length * 2)];
                }
                byte[] copy = w.scratch;
                System.arraycopy(out.buffer(), base, copy, 0, length);
                out.truncate(base);
                for (int i = 0; i < size; i++) {
                    int start = spans[s + 2 * i];
                    if (start < 0) {
                        out.writeRaw(defaults[i], 0, defaults[i].length);
                    }
                    else {
                        out.writeRaw(copy, start - base, spans[s + 2 * i + 1] - start);
                    }
                }
            }
            w.spanTop = s;
            w.depth--;
        }

        private int find(char[] in, int from, int to, int guess) {
            int length = to - from;
            if (guess < size && names[guess].length == length && Arrays.equals(names[guess], 0, length, in, from, to)) {
                return guess;
            }
            for (int i = 0; i < size; i++) {
                if (names[i].length == length && Arrays.equals(names[i], 0, length, in, from, to)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A default value in the binary encoding, as Avro's writer encodes it for a record built with it. */
    private static byte[] encode(Schema schema, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<>(schema).write(value, encoder);
            encoder.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Arrays and maps: Avro writes the number of items first, known here only after the last one. */
    private static final class BlockNode extends Node {
        private final Node items;
        private final boolean map;

        BlockNode(Node items, boolean map) {
            this.items = items;
            this.map = map;
        }

        @Override
        void write(JsonAvroWriter w) {
            char close = map ? '}' : ']';
            w.expect(map ? '{' : '[');
            w.enter();
            AvroOutput out = w.out;
            int at = out.position();
            out.writeByte(0); // the count's place; alone, it is the empty array or map
            if (w.peek() == close) {
                w.p++;
            }
            else {
                Set<String> keys = map ? new HashSet<>() : null;
                long count = 0;
                do {
                    if (map) {
                        w.scanString();
                        String key = w.stringValue();
                        if (!keys.add(key) || !out.writeString(key)) {
                            throw GIVE_UP; // a duplicate key, or an unpaired surrogate
                        }
                        w.expect(':');
                    }
                    items.write(w);
                    count++;
                }
                while (w.nextMember(close));
                out.insertLong(at, 1, count);
                out.writeByte(0);
            }
            w.depth--;
        }
    }

    private static final Node STRING = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            if (w.peek() == '"') {
                int next = w.out.writeJsonString(w.in, w.p + 1, w.end); // the common string, scanned and written at once
                if (next >= 0) {
                    w.p = next;
                    return;
                }
            }
            w.scanString();
            boolean written;
            if (w.strEscaped) {
                int length = w.decodeString(); // first: it may replace w.text with a larger array
                written = w.out.writeString(w.text, 0, length);
            }
            else {
                written = w.out.writeString(w.in, w.strFrom, w.strTo);
            }
            if (!written) {
                throw GIVE_UP; // an unpaired surrogate
            }
        }
    };

    /** A UUID in its canonical form; any other form is left to the general path's UUID.fromString. */
    private static final Node UUID = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.scanString();
            if (w.strEscaped || w.strTo - w.strFrom != 36) {
                throw GIVE_UP;
            }
            for (int i = 0; i < 36; i++) {
                char c = w.in[w.strFrom + i];
                boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : isHex(c);
                if (!ok) {
                    throw GIVE_UP;
                }
            }
            w.out.writeString(w.in, w.strFrom, w.strTo);
        }
    };

    private static final Node BOOLEAN = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            if (w.peek() == 't') {
                w.literal("true");
                w.out.writeByte(1);
            }
            else {
                w.literal("false");
                w.out.writeByte(0);
            }
        }
    };

    private static final Node NULL = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.literal("null");
        }
    };

    private static final Node INT = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.scanNumber();
            long value = w.integralValue();
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw GIVE_UP;
            }
            w.out.writeLong(value);
        }
    };

    private static final Node LONG = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.scanNumber();
            w.out.writeLong(w.integralValue());
        }
    };

    private static final Node DOUBLE = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.scanNumber();
            double value = Double.parseDouble(new String(w.in, w.numFrom, w.numTo - w.numFrom));
            if (Double.isInfinite(value)) {
                throw GIVE_UP;
            }
            if (value == 0) {
                // the general path reads numbers into a BigDecimal, which has no negative zero: an exact
                // zero is +0.0, while a negative number too small for a double stays -0.0
                for (int i = w.numFrom; i < w.numTo && w.in[i] != 'e' && w.in[i] != 'E'; i++) {
                    if (w.in[i] >= '1' && w.in[i] <= '9') {
                        throw GIVE_UP;
                    }
                }
                value = 0.0;
            }
            w.out.writeDouble(value);
        }
    };

    private static final Node FLOAT = new Node() {
        @Override
        void write(JsonAvroWriter w) {
            w.scanNumber();
            BigDecimal value;
            try {
                value = new BigDecimal(w.in, w.numFrom, w.numTo - w.numFrom);
            }
            catch (NumberFormatException e) {
                throw GIVE_UP;
            }
            if (value.abs().compareTo(FLOAT_MAX) > 0) {
                throw GIVE_UP;
            }
            w.out.writeFloat(value.floatValue());
        }
    };

    private static final class EnumNode extends Node {
        private final char[][] symbols;

        EnumNode(Schema schema) {
            List<String> names = schema.getEnumSymbols();
            symbols = new char[names.size()][];
            for (int i = 0; i < symbols.length; i++) {
                symbols[i] = names.get(i).toCharArray();
            }
        }

        @Override
        void write(JsonAvroWriter w) {
            w.scanString();
            if (w.strEscaped) {
                throw GIVE_UP;
            }
            int length = w.strTo - w.strFrom;
            for (int i = 0; i < symbols.length; i++) {
                if (symbols[i].length == length && Arrays.equals(symbols[i], 0, length, w.in, w.strFrom, w.strTo)) {
                    w.out.writeInt(i);
                    return;
                }
            }
            throw GIVE_UP;
        }
    }

    private static final class BytesNode extends Node {
        /** The fixed size; -1 for bytes. */
        private final int size;

        BytesNode(int size) {
            this.size = size;
        }

        @Override
        void write(JsonAvroWriter w) {
            w.scanString();
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(w.stringValue());
            }
            catch (IllegalArgumentException e) {
                throw GIVE_UP;
            }
            if (size < 0) {
                w.out.writeBytes(bytes);
            }
            else if (bytes.length == size) {
                w.out.writeRaw(bytes, 0, size);
            }
            else {
                throw GIVE_UP;
            }
        }
    }

    /** A decimal on bytes, from a JSON number or a numeric string in plain notation, of at most 18 digits. */
    private static final class DecimalNode extends Node {
        private final int scale;
        private final int precision;

        DecimalNode(LogicalTypes.Decimal decimal) {
            this.scale = decimal.getScale();
            this.precision = decimal.getPrecision();
        }

        @Override
        void write(JsonAvroWriter w) {
            int from;
            int to;
            if (w.peek() == '"') {
                w.scanString();
                from = w.strFrom;
                to = w.strTo;
                if (w.strEscaped || !plainNumber(w.in, from, to)) {
                    throw GIVE_UP;
                }
            }
            else {
                w.scanNumber();
                from = w.numFrom;
                to = w.numTo;
                if (!plainNumber(w.in, from, to)) {
                    throw GIVE_UP;
                }
            }
            int dot = -1;
            for (int i = from; i < to; i++) {
                if (w.in[i] == '.') {
                    dot = i;
                    break;
                }
            }
            long unscaled;
            int written;
            if (dot < 0) {
                unscaled = w.parseDigits(from, to);
                written = 0;
            }
            else {
                written = to - dot - 1;
                int digits = (dot - from) + written - (w.in[from] == '-' ? 1 : 0);
                if (digits > 18) {
                    throw GIVE_UP;
                }
                long whole = w.parseDigits(from, dot);
                long fraction = w.parseDigits(dot + 1, to);
                unscaled = Math.abs(whole) * POWERS_OF_TEN[written] + fraction;
                if (w.in[from] == '-') {
                    unscaled = -unscaled;
                }
            }
            if (written > scale) {
                long divisor = POWERS_OF_TEN[written - scale];
                if (unscaled % divisor != 0) {
                    throw GIVE_UP; // more decimal places than the scale: the general path names it
                }
                unscaled /= divisor;
            }
            else if (written < scale) {
                if (scale - written > 18) {
                    throw GIVE_UP;
                }
                try {
                    unscaled = Math.multiplyExact(unscaled, POWERS_OF_TEN[scale - written]);
                }
                catch (ArithmeticException e) {
                    throw GIVE_UP;
                }
            }
            if (digitCount(unscaled) > precision) {
                throw GIVE_UP;
            }
            // the two's-complement big-endian bytes BigInteger.toByteArray gives, as Avro's decimal conversion writes
            int bits = 64 - Long.numberOfLeadingZeros(unscaled < 0 ? ~unscaled : unscaled);
            int length = bits / 8 + 1;
            AvroOutput out = w.out;
            out.writeLong(length);
            for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
                out.writeByte((int) (unscaled >> shift));
            }
        }

        /** -?[0-9]+(.[0-9]+)? */
        private static boolean plainNumber(char[] in, int from, int to) {
            int i = from < to && in[from] == '-' ? from + 1 : from;
            int start = i;
            while (i < to && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            if (i == start) {
                return false;
            }
            if (i == to) {
                return true;
            }
            if (in[i] != '.') {
                return false;
            }
            int fraction = ++i;
            while (i < to && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            return i == to && i > fraction;
        }

        private static int digitCount(long value) {
            long magnitude = Math.abs(value);
            int count = 1;
            while (count < 19 && magnitude >= POWERS_OF_TEN[count]) {
                count++;
            }
            return count;
        }
    }

    /** Dates, times and timestamps, read as the general path reads them. */
    private static final class TemporalNode extends Node {
        private final AggregateState.Temporal temporal;

        TemporalNode(AggregateState.Temporal temporal) {
            this.temporal = temporal;
        }

        @Override
        void write(JsonAvroWriter w) {
            long value;
            if (w.peek() == '"') {
                w.scanString();
                try {
                    java.time.Instant common = temporal.isInstant() && !w.strEscaped ? IsoInstants.parseOrNull(w.in, w.strFrom, w.strTo) : null;
                    value = common != null ? temporal.inUnit(common) : temporal.parse(w.stringValue().trim());
                }
                catch (DateTimeParseException | ArithmeticException e) {
                    throw GIVE_UP;
                }
            }
            else {
                w.scanNumber();
                value = w.integralValue();
                if (temporal.asInt() && Math.abs(value) > Integer.MAX_VALUE) {
                    throw GIVE_UP;
                }
            }
            if (temporal.asInt() && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                throw GIVE_UP;
            }
            w.out.writeLong(value);
        }
    }
}
