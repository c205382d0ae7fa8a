package io.outboxconnect.avro;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The aggregate's latest state as a typed Avro record: maps the outbox's JSON aggregate onto the
 * aggregate's schema ({@code schemas/{domain}/{aggregate}.avsc}).
 *
 * <p>Built once per schema: the schema is compiled into a tree of converters, so reading a record
 * inspects no schema, looks nothing up by name and parses no logical type. Accepted JSON, by Avro type:
 * <ul>
 * <li>{@code int}/{@code long}: integral numbers within range; {@code float}: finite numbers within
 * range; {@code double}: numbers; {@code boolean}: booleans; {@code string}: strings;
 * {@code bytes}/{@code fixed}: base64 strings (fixed: of exactly its size).</li>
 * <li>{@code decimal}: numbers or numeric strings, never more decimal places than the scale (fewer
 * are padded) nor more digits than the precision.</li>
 * <li>{@code uuid}: a UUID string. {@code date}: {@code yyyy-MM-dd} or epoch days.
 * {@code time-millis}/{@code -micros}: ISO local time or a number in the unit.
 * {@code timestamp-*}: ISO-8601 instant with offset, or epoch number in the unit;
 * {@code local-timestamp-*}: ISO local date-time, or a number in the unit.</li>
 * <li>enums: one of the symbols (the enum's default is for readers; an unknown symbol is bad data);
 * arrays; maps (JSON objects); records (JSON objects, absent fields take their default).</li>
 * <li>unions: {@code null} for a JSON null; otherwise the first branch that accepts the value, in
 * schema order (so {@code ["null","long","string"]} reads 5 as long and "5" as string).</li>
 * </ul>
 * Fields the schema does not know fail or are ignored, as chosen at construction.
 */
public final class AggregateState {

    /** What to do with JSON fields the schema does not declare. */
    public enum UnknownFields {
        FAIL,
        IGNORE
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private static final BigDecimal FLOAT_MAX = BigDecimal.valueOf(Float.MAX_VALUE);

    private final Schema schema;
    private final Converter root;
    private final JsonAvroWriter fast;

    private AggregateState(Schema schema, UnknownFields unknownFields) {
        this.schema = schema;
        this.root = compile(schema, unknownFields, new HashMap<>());
        this.fast = new JsonAvroWriter(schema, unknownFields == UnknownFields.IGNORE);
    }

    public static AggregateState of(Schema schema, UnknownFields unknownFields) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new EnvelopeContractException("The aggregate schema " + schema.getFullName() + " is a " + schema.getType() + ", not a record");
        }
        return new AggregateState(schema, unknownFields);
    }

    public Schema schema() {
        return schema;
    }

    /**
     * @throws AggregateMappingException naming the JSON path and the expected type when the JSON does not fit
     */
    public GenericData.Record read(String json) {
        JsonNode tree;
        try (JsonParser parser = JSON.createParser(json)) {
            tree = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                throw new AggregateMappingException("$", "one JSON object", "found content after it");
            }
        }
        catch (IOException | NumberFormatException e) {
            // Jackson's message quotes the text: not passed on. A number whose exponent overflows a
            // BigDecimal (1e9999999999) surfaces as NumberFormatException, not as a parse error
            throw new AggregateMappingException("$", "one JSON object", "found text that is not well-formed JSON");
        }
        if (tree == null) {
            throw new AggregateMappingException("$", "one JSON object", "found nothing");
        }
        return read(tree);
    }

    /**
     * The record of {@code json} in the Confluent wire format: what {@code writer.write(read(json))}
     * returns, without building the tree or the record when the JSON is of a common shape (see
     * {@link JsonAvroWriter}). Not thread-safe, like the writer.
     *
     * @param writer the writer of this mapping's schema
     * @throws AggregateMappingException naming the JSON path and the expected type when the JSON does not fit
     */
    public byte[] write(String json, ConfluentAvroWriter writer) {
        byte[] written = writeCommon(json, writer);
        return written != null ? written : writer.write(read(json));
    }

    /**
     * What {@link #write} returns when the JSON is well-formed, fits and is of a common shape; null
     * otherwise, for the caller to read it the general way, which says what is wrong if anything is.
     */
    public byte[] writeCommon(String json, ConfluentAvroWriter writer) {
        if (writer.schema() != schema) {
            throw new IllegalArgumentException("The writer is for " + writer.schema().getFullName() + ", not for this mapping's schema");
        }
        return fast.write(json, writer.begin()) ? writer.finish() : null;
    }

    /**
     * The record of a tree that {@link #readTree} built: for a caller that parsed and checked the
     * text once for more than one use.
     *
     * @throws AggregateMappingException naming the JSON path and the expected type when the JSON does not fit
     */
    public GenericData.Record read(JsonNode tree) {
        return (GenericData.Record) root.convert(tree, Path.ROOT);
    }

    /** A parser of {@code json} with the number types and duplicate-name checks that {@link #read(String)} uses. */
    public static JsonParser parser(String json) throws IOException {
        return JSON.createParser(json);
    }

    /** The tree of the value at a {@link #parser}'s current token. */
    public static JsonNode readTree(JsonParser parser) throws IOException {
        return JSON.readTree(parser);
    }

    /** One node of the compiled schema. */
    private interface Converter {
        Object convert(JsonNode node, Path path);

        /** Whether a union may pick this branch for the node (cheap, by JSON token kind). */
        boolean accepts(JsonNode node);

        String type();
    }

    /** The JSON path, built only when an error needs it. */
    private record Path(Path parent, String field, int index) {
        static final Path ROOT = new Path(null, null, -1);

        Path field(String name) {
            return new Path(this, name, -1);
        }

        Path index(int i) {
            return new Path(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return "$";
            }
            return parent + (field != null ? (field.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + field : "['" + field + "']") : "[" + index + "]");
        }
    }

    private static AggregateMappingException mismatch(Path path, Converter converter, JsonNode node) {
        return new AggregateMappingException(path.toString(), converter.type(), "found " + kind(node));
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case NULL -> "JSON null";
            case BOOLEAN -> "a JSON boolean";
            case NUMBER -> "a JSON number";
            case STRING -> "a JSON string";
            case ARRAY -> "a JSON array";
            case OBJECT, POJO -> "a JSON object";
            default -> "JSON " + node.getNodeType();
        };
    }

    private static Converter compile(Schema schema, UnknownFields unknownFields, Map<String, RecordConverter> records) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            Converter converter = logical(schema, logical);
            if (converter != null) {
                return converter;
            }
        }
        return switch (schema.getType()) {
            case RECORD -> {
                RecordConverter existing = records.get(schema.getFullName());
                if (existing != null) {
                    yield existing; // recursive schemas share their converter
                }
                RecordConverter record = new RecordConverter(schema, unknownFields);
                records.put(schema.getFullName(), record);
                record.compileFields(records);
                yield record;
            }
            case ENUM -> new EnumConverter(schema);
            case ARRAY -> new ArrayConverter(schema, compile(schema.getElementType(), unknownFields, records));
            case MAP -> new MapConverter(compile(schema.getValueType(), unknownFields, records));
            case UNION -> union(schema, unknownFields, records);
            case STRING -> simple("string", JsonNode::isTextual, (n, p) -> n.textValue());
            case BOOLEAN -> simple("boolean", JsonNode::isBoolean, (n, p) -> n.booleanValue());
            case INT -> new IntegralConverter("int", BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE), true);
            case LONG -> new IntegralConverter("long", BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE), false);
            case FLOAT -> simple("float", JsonNode::isNumber, (n, p) -> {
                BigDecimal value = n.decimalValue();
                if (value.abs().compareTo(FLOAT_MAX) > 0) {
                    throw new AggregateMappingException(p.toString(), "float", "found a number out of its range");
                }
                return value.floatValue();
            });
            case DOUBLE -> simple("double", JsonNode::isNumber, (n, p) -> {
                double value = n.decimalValue().doubleValue();
                if (Double.isInfinite(value)) {
                    throw new AggregateMappingException(p.toString(), "double", "found a number out of its range");
                }
                return value;
            });
            case BYTES -> new BytesConverter(-1, null);
            case FIXED -> new BytesConverter(schema.getFixedSize(), schema);
            case NULL -> simple("null", JsonNode::isNull, (n, p) -> null);
        };
    }

    private interface Reading {
        Object read(JsonNode node, Path path);
    }

    private static Converter simple(String type, java.util.function.Predicate<JsonNode> accepts, Reading reading) {
        return new Converter() {
            @Override
            public Object convert(JsonNode node, Path path) {
                if (!accepts.test(node)) {
                    throw mismatch(path, this, node);
                }
                return reading.read(node, path);
            }

            @Override
            public boolean accepts(JsonNode node) {
                return accepts.test(node);
            }

            @Override
            public String type() {
                return type;
            }
        };
    }

    private static Converter union(Schema schema, UnknownFields unknownFields, Map<String, RecordConverter> records) {
        List<Converter> branches = new ArrayList<>();
        boolean nullable = false;
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                nullable = true;
            }
            else {
                branches.add(compile(branch, unknownFields, records));
            }
        }
        boolean allowsNull = nullable;
        String type = (allowsNull ? "null or " : "") + String.join(" or ", branches.stream().map(Converter::type).toList());
        return new Converter() {
            @Override
            public Object convert(JsonNode node, Path path) {
                if (node.isNull()) {
                    if (allowsNull) {
                        return null;
                    }
                    throw mismatch(path, this, node);
                }
                AggregateMappingException first = null;
                for (Converter branch : branches) {
                    if (branch.accepts(node)) {
                        try {
                            return branch.convert(node, path);
                        }
                        catch (AggregateMappingException e) {
                            first = first == null ? e : first;
                        }
                    }
                }
                throw first != null && branches.size() == 1 ? first : mismatch(path, this, node);
            }

            @Override
            public boolean accepts(JsonNode node) {
                return node.isNull() ? allowsNull : branches.stream().anyMatch(b -> b.accepts(node));
            }

            @Override
            public String type() {
                return type;
            }
        };
    }

    private static final class RecordConverter implements Converter {
        private final Schema schema;
        private final UnknownFields unknownFields;
        private final List<Schema.Field> fields;
        private final Converter[] converters;
        private final Object[] defaults;
        private final boolean[] hasDefault;
        private final Set<String> names = new HashSet<>();

        RecordConverter(Schema schema, UnknownFields unknownFields) {
            this.schema = schema;
            this.unknownFields = unknownFields;
            this.fields = schema.getFields();
            this.converters = new Converter[fields.size()];
            this.defaults = new Object[fields.size()];
            this.hasDefault = new boolean[fields.size()];
        }

        void compileFields(Map<String, RecordConverter> records) {
            for (Schema.Field field : fields) {
                converters[field.pos()] = compile(field.schema(), unknownFields, records);
                hasDefault[field.pos()] = field.hasDefaultValue();
                defaults[field.pos()] = field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null;
                names.add(field.name());
            }
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            if (!node.isObject()) {
                throw mismatch(path, this, node);
            }
            GenericData.Record record = new GenericData.Record(schema);
            int present = 0;
            for (Schema.Field field : fields) {
                int pos = field.pos();
                JsonNode value = node.get(field.name());
                if (value == null) {
                    if (!hasDefault[pos]) {
                        throw new AggregateMappingException(path.field(field.name()).toString(), converters[pos].type(),
                                "found nothing: the field is required (it has no default)");
                    }
                    record.put(pos, GenericData.get().deepCopy(field.schema(), defaults[pos]));
                }
                else {
                    present++;
                    record.put(pos, converters[pos].convert(value, path.field(field.name())));
                }
            }
            // every JSON field matched a declared one unless there are more JSON fields than matches
            if (unknownFields == UnknownFields.FAIL && node.size() > present) {
                for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                    String name = it.next();
                    if (!names.contains(name)) {
                        throw new AggregateMappingException(path.field(name).toString(), "no field (" + schema.getFullName() + " does not declare it)",
                                "found " + kind(node.get(name)) + "; declare the field (with a default) or set unknown fields to ignore");
                    }
                }
            }
            return record;
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isObject();
        }

        @Override
        public String type() {
            return "record " + schema.getFullName();
        }
    }

    private static final class EnumConverter implements Converter {
        private final Schema schema;
        private final Map<String, GenericData.EnumSymbol> symbols = new HashMap<>();

        EnumConverter(Schema schema) {
            this.schema = schema;
            schema.getEnumSymbols().forEach(s -> symbols.put(s, new GenericData.EnumSymbol(schema, s)));
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            GenericData.EnumSymbol symbol = node.isTextual() ? symbols.get(node.textValue()) : null;
            if (symbol == null) {
                throw new AggregateMappingException(path.toString(), type(), node.isTextual()
                        ? "found a string that is not one of its symbols" : "found " + kind(node));
            }
            return symbol;
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isTextual() && symbols.containsKey(node.textValue());
        }

        @Override
        public String type() {
            return "enum " + schema.getFullName();
        }
    }

    private static final class ArrayConverter implements Converter {
        private final Schema schema;
        private final Converter items;

        ArrayConverter(Schema schema, Converter items) {
            this.schema = schema;
            this.items = items;
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            if (!node.isArray()) {
                throw mismatch(path, this, node);
            }
            GenericData.Array<Object> array = new GenericData.Array<>(node.size(), schema);
            for (int i = 0; i < node.size(); i++) {
                array.add(items.convert(node.get(i), path.index(i)));
            }
            return array;
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isArray();
        }

        @Override
        public String type() {
            return "array of " + items.type();
        }
    }

    private static final class MapConverter implements Converter {
        private final Converter values;

        MapConverter(Converter values) {
            this.values = values;
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            if (!node.isObject()) {
                throw mismatch(path, this, node);
            }
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), values.convert(e.getValue(), path.field(e.getKey()))));
            return map;
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isObject();
        }

        @Override
        public String type() {
            return "map of " + values.type();
        }
    }

    private static final class IntegralConverter implements Converter {
        private final String type;
        private final BigInteger min;
        private final BigInteger max;
        private final boolean asInt;

        IntegralConverter(String type, BigInteger min, BigInteger max, boolean asInt) {
            this.type = type;
            this.min = min;
            this.max = max;
            this.asInt = asInt;
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            BigInteger value = integral(node, path, this);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new AggregateMappingException(path.toString(), type, "found a number out of its range [" + min + ", " + max + "]");
            }
            return asInt ? (Object) value.intValue() : (Object) value.longValue();
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isIntegralNumber() || (node.isNumber() && isWhole(node.decimalValue()));
        }

        @Override
        public String type() {
            return type;
        }
    }

    /**
     * Digits before the decimal point of a non-zero number (0.05 has -1); 0 for zero, whatever its
     * exponent: zero fits every decimal, decimal(2,2) included, and every int.
     */
    private static long integerDigits(BigDecimal value) {
        return value.signum() == 0 ? 0 : (long) value.precision() - value.scale();
    }

    private static boolean isWhole(BigDecimal value) {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    private static BigInteger integral(JsonNode node, Path path, Converter converter) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isNumber() && isWhole(node.decimalValue())) {
            BigDecimal value = node.decimalValue();
            long digits = integerDigits(value);
            if (digits > 19) {
                // no int or long has more; 1e999999999 would take a billion-digit BigInteger to find that out
                throw new AggregateMappingException(path.toString(), converter.type(), "found a number out of its range (" + digits + " digits)");
            }
            return value.toBigIntegerExact();
        }
        if (node.isNumber()) {
            throw new AggregateMappingException(path.toString(), converter.type(), "found a number with a fractional part");
        }
        throw mismatch(path, converter, node);
    }

    private static final class BytesConverter implements Converter {
        private final int size;
        private final Schema fixed;

        BytesConverter(int size, Schema fixed) {
            this.size = size;
            this.fixed = fixed;
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            if (!node.isTextual()) {
                throw mismatch(path, this, node);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.textValue());
            }
            catch (IllegalArgumentException e) {
                throw new AggregateMappingException(path.toString(), type(), "found a string that is not base64");
            }
            if (fixed == null) {
                return ByteBuffer.wrap(bytes);
            }
            if (bytes.length != size) {
                throw new AggregateMappingException(path.toString(), type(), "found " + bytes.length + " bytes");
            }
            return new GenericData.Fixed(fixed, bytes);
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isTextual();
        }

        @Override
        public String type() {
            return fixed == null ? "bytes (base64)" : "fixed(" + size + ") " + fixed.getFullName() + " (base64)";
        }
    }

    private static Converter logical(Schema schema, LogicalType logical) {
        String name = logical.getName();
        Schema.Type type = schema.getType();
        if (logical instanceof LogicalTypes.Decimal decimal && (type == Schema.Type.BYTES || type == Schema.Type.FIXED)) {
            return new DecimalConverter(schema, decimal);
        }
        return switch (name) {
            case "uuid" -> type == Schema.Type.STRING ? simple("uuid", JsonNode::isTextual, (n, p) -> {
                try {
                    UUID.fromString(n.textValue());
                }
                catch (IllegalArgumentException e) {
                    throw new AggregateMappingException(p.toString(), "uuid", "found a string that is not a UUID");
                }
                return n.textValue();
            }) : null;
            default -> {
                Temporal temporal = Temporal.of(name);
                yield temporal == null ? null : new TemporalConverter(temporal); // null: an unknown logical type, its underlying type applies
            }
        };
    }

    private static final class DecimalConverter implements Converter {
        private static final Conversions.DecimalConversion CONVERSION = new Conversions.DecimalConversion();
        private final Schema schema;
        private final LogicalTypes.Decimal decimal;
        private final String type;

        DecimalConverter(Schema schema, LogicalTypes.Decimal decimal) {
            this.schema = schema;
            this.decimal = decimal;
            this.type = "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ") as " + schema.getType().getName();
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            BigDecimal value;
            if (node.isNumber()) {
                value = node.decimalValue();
            }
            else if (node.isTextual()) {
                try {
                    value = new BigDecimal(node.textValue().trim());
                }
                catch (NumberFormatException e) {
                    throw new AggregateMappingException(path.toString(), type, "found a string that is not a decimal number");
                }
            }
            else {
                throw mismatch(path, this, node);
            }
            if (value.scale() > decimal.getScale()) {
                BigDecimal stripped = value.stripTrailingZeros();
                if (stripped.scale() > decimal.getScale()) {
                    throw new AggregateMappingException(path.toString(), type, "found a number with " + stripped.scale()
                            + " decimal places (scale " + decimal.getScale() + " allows no rounding)");
                }
            }
            long digits = integerDigits(value) + decimal.getScale();
            if (digits > decimal.getPrecision()) {
                // before setScale, which would build all of 1e999999999's digits
                throw new AggregateMappingException(path.toString(), type, "found a number of " + digits + " digits (precision "
                        + decimal.getPrecision() + ")");
            }
            BigDecimal scaled = value.setScale(decimal.getScale());
            if (scaled.precision() > decimal.getPrecision()) {
                throw new AggregateMappingException(path.toString(), type, "found a number of " + scaled.precision() + " digits (precision "
                        + decimal.getPrecision() + ")");
            }
            return schema.getType() == Schema.Type.FIXED ? CONVERSION.toFixed(scaled, schema, decimal) : CONVERSION.toBytes(scaled, schema, decimal);
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isNumber() || node.isTextual();
        }

        @Override
        public String type() {
            return type;
        }
    }

    /** The date and time logical types: how each reads ISO text, and in what unit it counts. */
    enum Temporal {
        DATE("date", Unit.DAYS, Kind.DATE, true),
        TIME_MILLIS("time-millis", Unit.MILLIS, Kind.TIME, true),
        TIME_MICROS("time-micros", Unit.MICROS, Kind.TIME, false),
        TIMESTAMP_MILLIS("timestamp-millis", Unit.MILLIS, Kind.INSTANT, false),
        TIMESTAMP_MICROS("timestamp-micros", Unit.MICROS, Kind.INSTANT, false),
        TIMESTAMP_NANOS("timestamp-nanos", Unit.NANOS, Kind.INSTANT, false),
        LOCAL_TIMESTAMP_MILLIS("local-timestamp-millis", Unit.MILLIS, Kind.LOCAL, false),
        LOCAL_TIMESTAMP_MICROS("local-timestamp-micros", Unit.MICROS, Kind.LOCAL, false),
        LOCAL_TIMESTAMP_NANOS("local-timestamp-nanos", Unit.NANOS, Kind.LOCAL, false);

        private enum Unit { DAYS, MILLIS, MICROS, NANOS }

        private enum Kind { DATE, TIME, INSTANT, LOCAL }

        private final String type;
        private final Unit unit;
        private final Kind kind;
        private final boolean asInt;

        Temporal(String type, Unit unit, Kind kind, boolean asInt) {
            this.type = type;
            this.unit = unit;
            this.kind = kind;
            this.asInt = asInt;
        }

        /** The temporal type of an Avro logical type name; null for any other. */
        static Temporal of(String logicalName) {
            for (Temporal temporal : values()) {
                if (temporal.type.equals(logicalName)) {
                    return temporal;
                }
            }
            return null;
        }

        /** Whether ISO text of this type is an instant with an offset (a {@code timestamp-*}). */
        boolean isInstant() {
            return kind == Kind.INSTANT;
        }

        /** Whether the underlying Avro type is int (else long). */
        boolean asInt() {
            return asInt;
        }

        /**
         * The value of ISO text, in the type's unit.
         *
         * @throws DateTimeParseException when the text is not the ISO form
         * @throws ArithmeticException when the value does not fit a long
         */
        long parse(String text) {
            return switch (kind) {
                case DATE -> LocalDate.parse(text).toEpochDay();
                case TIME -> {
                    long nanos = LocalTime.parse(text).toNanoOfDay();
                    yield unit == Unit.MILLIS ? nanos / 1_000_000 : nanos / 1_000;
                }
                case INSTANT -> {
                    Instant common = IsoInstants.parseOrNull(text);
                    yield inUnit(common != null ? common : OffsetDateTime.parse(text).toInstant());
                }
                case LOCAL -> inUnit(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            };
        }

        /**
         * An instant in the type's unit.
         *
         * @throws ArithmeticException when it does not fit a long
         */
        long inUnit(Instant instant) {
            return switch (unit) {
                case MILLIS -> instant.toEpochMilli();
                case MICROS -> Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
                case NANOS -> Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
                case DAYS -> throw new IllegalStateException("days are not an instant unit");
            };
        }

        private String expectedText() {
            return switch (kind) {
                case DATE -> "an ISO date (yyyy-MM-dd)";
                case TIME -> "an ISO local time (HH:mm:ss[.fraction])";
                case INSTANT -> "an ISO-8601 timestamp with offset or Z";
                case LOCAL -> "an ISO local date-time";
            };
        }
    }

    private static final class TemporalConverter implements Converter {
        private final Temporal temporal;

        TemporalConverter(Temporal temporal) {
            this.temporal = temporal;
        }

        @Override
        public Object convert(JsonNode node, Path path) {
            long value;
            if (node.isNumber()) {
                BigInteger number = integral(node, path, this);
                BigInteger bound = temporal.asInt ? BigInteger.valueOf(Integer.MAX_VALUE) : BigInteger.valueOf(Long.MAX_VALUE);
                if (number.abs().compareTo(bound) > 0) {
                    throw new AggregateMappingException(path.toString(), type(), "found a number out of its range");
                }
                value = number.longValue();
            }
            else if (node.isTextual()) {
                try {
                    value = temporal.parse(node.textValue().trim());
                }
                catch (DateTimeParseException | ArithmeticException e) {
                    throw new AggregateMappingException(path.toString(), type(), "found a string that is not " + temporal.expectedText());
                }
            }
            else {
                throw mismatch(path, this, node);
            }
            if (temporal.asInt && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                throw new AggregateMappingException(path.toString(), type(), "found a value out of its range");
            }
            return temporal.asInt ? (Object) (int) value : (Object) value;
        }

        @Override
        public boolean accepts(JsonNode node) {
            return node.isNumber() || node.isTextual();
        }

        @Override
        public String type() {
            return temporal.type;
        }
    }
}
