package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.outboxconnect.avro.AggregateState.UnknownFields;

/**
 * The fast path ({@link JsonAvroWriter}, through {@link AggregateState#writeCommon}) against the
 * general one ({@link AggregateState#read} then Avro's own writer) on the same text: whenever the
 * fast path writes, the general path must accept the text and write the same bytes; and the fast
 * path must take the common shapes, or it is not a fast path.
 */
class JsonAvroWriterTest {

    private static final int SCHEMA_ID = 42;

    /** Every Avro type and logical type the mapping reads, with defaults, nesting and unions. */
    static final Schema EVERYTHING = new Schema.Parser().parse("""
            {"type":"record","name":"Everything","namespace":"t","fields":[
             {"name":"i","type":"int"},
             {"name":"l","type":"long"},
             {"name":"f","type":"float"},
             {"name":"d","type":"double"},
             {"name":"b","type":"boolean"},
             {"name":"s","type":"string"},
             {"name":"by","type":"bytes"},
             {"name":"fx","type":{"type":"fixed","name":"F4","size":4}},
             {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"],"default":"A"}},
             {"name":"arr","type":{"type":"array","items":"long"}},
             {"name":"m","type":{"type":"map","values":"string"}},
             {"name":"rec","type":{"type":"record","name":"Inner","fields":[
                {"name":"x","type":"int"},{"name":"y","type":["null","string"],"default":null}]}},
             {"name":"recs","type":{"type":"array","items":"Inner"}},
             {"name":"opt","type":["null","long"],"default":null},
             {"name":"optRec","type":["null","Inner"],"default":null},
             {"name":"multi","type":["null","long","string"],"default":null},
             {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
             {"name":"decFixed","type":{"type":"fixed","name":"DF","size":8,"logicalType":"decimal","precision":12,"scale":2}},
             {"name":"u","type":{"type":"string","logicalType":"uuid"}},
             {"name":"date","type":{"type":"int","logicalType":"date"}},
             {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
             {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
             {"name":"tsm","type":{"type":"long","logicalType":"timestamp-millis"}},
             {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
             {"name":"tsn","type":{"type":"long","logicalType":"timestamp-nanos"}},
             {"name":"lts","type":{"type":"long","logicalType":"local-timestamp-micros"}},
             {"name":"withDefault","type":"string","default":"dflt"},
             {"name":"intDefault","type":"int","default":7},
             {"name":"arrDefault","type":{"type":"array","items":"int"},"default":[1,2]},
             {"name":"enumDefault","type":"E","default":"B"},
             {"name":"nothing","type":"null","default":null}
            ]}""");

    /** EVERYTHING without what the fast path leaves to the general one (fixed decimals, unions of more than one type besides null). */
    static final Schema COMMON = new Schema.Parser().parse(EVERYTHING.toString()
            .replace("{\"name\":\"decFixed\",\"type\":{\"type\":\"fixed\",\"name\":\"DF\",\"size\":8,\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}},", "")
            .replace("{\"name\":\"multi\",\"type\":[\"null\",\"long\",\"string\"],\"default\":null},", ""));

    /** What the general path gives for {@code json}: the bytes, or the error's message. */
    private static String general(AggregateState state, ConfluentAvroWriter writer, String json) {
        try {
            return hex(writer.write(state.read(json)));
        }
        catch (AggregateMappingException e) {
            return "error: " + e.getMessage();
        }
    }

    /** The fast path's bytes, or null when it leaves the text to the general path. */
    private static String fast(AggregateState state, ConfluentAvroWriter writer, String json) {
        byte[] written = state.writeCommon(json, writer);
        return written == null ? null : hex(written);
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    /** Asserts the two paths agree on {@code json}; returns whether the fast path wrote it. */
    private static boolean agree(AggregateState state, ConfluentAvroWriter writer, String json) {
        String general = general(state, writer, json);
        String fast = fast(state, writer, json);
        if (fast != null && !fast.equals(general)) {
            fail("The fast path wrote " + fast + " where the general path gives " + general + " for " + json);
        }
        // write() is the one the router uses: the same result either way
        String written;
        try {
            written = hex(state.write(json, writer));
        }
        catch (AggregateMappingException e) {
            written = "error: " + e.getMessage();
        }
        assertThat(written).as("write() for %s", json).isEqualTo(general);
        return fast != null;
    }

    /** Zero has no digits before the point: it fits decimal(p,p), on both paths (found in review: the general path refused it). */
    @Test
    void decimalsWhosePrecisionIsTheirScaleAgreeAndTakeZero() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"P","namespace":"t","fields":[
                 {"name":"b","type":{"type":"bytes","logicalType":"decimal","precision":2,"scale":2}}]}""");
        Schema fixed = new Schema.Parser().parse("""
                {"type":"record","name":"P","namespace":"t","fields":[
                 {"name":"b","type":{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":3,"scale":3}}]}""");
        for (Schema s : List.of(schema, fixed)) {
            AggregateState state = AggregateState.of(s, UnknownFields.FAIL);
            ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, s);
            for (String zero : List.of("0", "-0", "0.0", "0.00", "0e5", "0E-2", "\"0\"", "\"0.00\"", "\"-0.0\"")) {
                String json = "{\"b\": " + zero + "}";
                agree(state, writer, json);
                assertThat(general(state, writer, json)).as("%s in %s", zero, s.getField("b").schema()).doesNotStartWith("error");
                assertThat(state.read(json).get("b")).as(zero).isNotNull();
            }
            for (String fits : List.of("0.5", "0.05", "-0.99", "0.1e-1")) {
                String json = "{\"b\": " + fits + "}";
                agree(state, writer, json);
                assertThat(general(state, writer, json)).as(fits).doesNotStartWith("error");
            }
            for (String over : List.of("1", "1.0", "-1.00", "10e-1", "0.9999")) {
                String json = "{\"b\": " + over + "}";
                agree(state, writer, json);
                assertThat(general(state, writer, json)).as(over).startsWith("error");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnknownFields.class)
    void generatedDocumentsAreWrittenAsTheGeneralPathWritesThem(UnknownFields unknownFields) {
        assertThat(COMMON.getFields()).hasSize(EVERYTHING.getFields().size() - 2);
        for (Schema schema : List.of(EVERYTHING, COMMON)) {
            int fastWritten = generated(schema, unknownFields);
            if (schema == EVERYTHING) {
                assertThat(fastWritten).isZero(); // a required fixed decimal in every document
            }
        }
    }

    /** Generated documents through both paths; returns how many the fast path wrote. */
    private static int generated(Schema schema, UnknownFields unknownFields) {
        AggregateState state = AggregateState.of(schema, unknownFields);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        Random random = new Random(20261123L + unknownFields.ordinal());
        int fastWritten = 0;
        int generalWritten = 0;
        for (int n = 0; n < 3_000; n++) {
            Documents documents = new Documents(random, n % 3 == 0);
            String json = documents.value(schema);
            if (n % 5 == 0) {
                json = documents.mutate(json);
            }
            if (agree(state, writer, json)) {
                fastWritten++;
            }
            if (!general(state, writer, json).startsWith("error")) {
                generalWritten++;
            }
        }
        assertThat(generalWritten).as("documents that fit %s", schema.getName()).isGreaterThan(300);
        if (schema == COMMON) {
            System.out.printf("%s, unknown fields %s: %d documents fit, the fast path wrote %d%n", schema.getName(), unknownFields, generalWritten, fastWritten);
            // one document in three avoids the rarer shapes: the fast path must take at least those
            assertThat(fastWritten).as("documents the fast path wrote").isGreaterThan(generalWritten / 4);
        }
        return fastWritten;
    }

    @Test
    void theExampleOrderIsWrittenByTheFastPath() throws IOException {
        Schema order = new Schema.Parser().parse(Files.readString(Path.of("schemas/commerce/order.avsc")));
        AggregateState state = AggregateState.of(order, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, order);
        String json = """
                {"order_id": "0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10", "customer_id": "c-77", "status": "SHIPPED", "currency": "EUR",
                 "total_amount": 59.80, "lines": [{"sku": "A-1", "quantity": 2, "unit_price": "19.90"}, {"sku": "B-2", "quantity": 1, "unit_price": 20}],
                 "shipping_address": {"street": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"},
                 "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": 1767323045123456, "shipped_at": "2026-01-03T00:00:00+01:00"}""";
        assertThat(agree(state, writer, json)).as("the fast path writes the example order").isTrue();
        // as PostgreSQL prints jsonb: keys by length, ", " and ": " separators
        String jsonb = "{\"note\": null, \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 2, \"unit_price\": 9.90}], \"status\": \"PAID\","
                + " \"currency\": \"EUR\", \"order_id\": \"0b5e3c1a-8f3e-4a59-9a57-1c1f00000001\", \"created_at\": \"2026-01-01T09:30:00.123456+00:00\","
                + " \"shipped_at\": null, \"updated_at\": \"2026-01-02T10:15:00.5+00:00\", \"customer_id\": \"c-1\", \"total_amount\": 19.80,"
                + " \"shipping_address\": {\"city\": \"Berlin\", \"street\": \"Friedrichstra\u00dfe 123\", \"country\": \"DE\", \"postal_code\": \"10117\"}}";
        assertThat(agree(state, writer, jsonb)).as("the fast path writes a jsonb order").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0", "-0", "0.0", "-0.0", "1e-400", "-1e-400", "1e400", "-1e400", "1.5", "-2.25e3", "123456789012345678901234567890",
        "0.1", "1E2", "4.9e-324", "1.7976931348623157e308", "1.7976931348623159e308", "00", "01", "-", "1.", ".5", "+1", "1e", "NaN",
        "0e9999999999", "1e9999999999", "-0.0e-9999999999", "1e999999", "0e999999", "1e-999999"})
    void numbersAgreeForDoublesFloatsIntsLongsAndDecimals(String number) {
        agreeForEach(List.of("\"double\"", "\"float\"", "\"int\"", "\"long\"",
                "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}",
                "{\"type\":\"int\",\"logicalType\":\"date\"}", "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}"),
                "{\"v\": " + number + "}", "{\"v\": \"" + number + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "12", "12.5", "12.50", "12.500", "12.505", "-0.01", "-0.001", "0.000", "9999999999.99", "99999999999.99", "-9999999999.99",
        "1.999999999999999999", "123456789012345678", "1234567890123456789", " 12.5", "12.5 ", "+12.5", "1e2", "007.50", "12.", ".5"})
    void decimalsAgreeAsNumbersAndAsStrings(String decimal) {
        Schema schema = oneField("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        agree(state, writer, "{\"v\": " + decimal + "}");
        agree(state, writer, "{\"v\": \"" + decimal + "\"}");
    }

    @Test
    void commonDecimalsAreWrittenByTheFastPath() {
        Schema schema = oneField("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        for (String decimal : List.of("0", "12", "12.5", "12.50", "12.500", "-0.01", "9999999999.99", "\"127.99\"", "1.28", "-1.28", "-1.29")) {
            assertThat(agree(state, writer, "{\"v\": " + decimal + "}")).as(decimal).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"plain\"", "\"caf\u00e9\"", "\"\\u00e9\"", "\"a\\nb\\t\\\"q\\\"\\\\\\/\"", "\"\\ud83d\\ude00\"", "\"\ud83d\ude00\"", "\"\\ud800\"",
        "\"\\udc00x\"", "\"\ud800\"", "\"tab\there\"", "\"\\u00\"", "\"\\x41\"", "\"\\u0041\"", "\"\\uD83D\\uDE00\"", "\"unterminated",
        "\"\\u\uff10\uff10\uff14\uff11\""})
    void stringsAgree(String string) {
        agreeForEach(List.of("\"string\"", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"plain\"]}", "{\"type\":\"map\",\"values\":\"int\"}"),
                "{\"v\": " + string + "}", "{\"v\": {" + string + ": 1}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\": 1, \"v\": 1}", "{\"v\": {\"a\": 1, \"a\": 2}}", "{\"v\": 1, \"x\": {\"a\": 1, \"a\": 2}}", "{\"v\": 1, \"x\": 1, \"x\": 2}",
        "{\"v\": 1, \"x\": [1, {\"a\": [true, false, null, \"s\", -1.5e3, {}]}]}", "{\"v\": 1} x", "{\"v\": 1}}", "{\"v\": 1,}", "{,\"v\": 1}",
        "{\"v\" 1}", "{\"v\": 1 \"x\": 2}", "{\"v\": tru}", "{\"v\": 1, \"x\": nul}", "\ufeff{\"v\": 1}", " \n{\"v\": 1}\n ", "[]", "", "{}",
        "{\"v\": 1, \"x\": [1, 2,]}", "{\"v\": 1, \"x\": \"\u0001\"}", "{\"v\": 1}\u0000", "{\"v\"\u00a0: 1}", "{'v': 1}", "{v: 1}"})
    void documentsAgreeWhateverTheirShape(String json) {
        for (UnknownFields unknown : UnknownFields.values()) {
            for (String type : List.of("\"int\"", "{\"type\":\"map\",\"values\":\"int\"}")) {
                Schema schema = oneField(type);
                agree(AggregateState.of(schema, unknown), new ConfluentAvroWriter(SCHEMA_ID, schema), json);
            }
        }
    }

    @Test
    void longArraysAndMapsTakeLongerCounts() {
        for (int size : List.of(0, 1, 63, 64, 65, 8_191, 8_192, 10_000)) {
            StringBuilder array = new StringBuilder("{\"v\": {\"a\": [");
            StringBuilder map = new StringBuilder("{\"v\": {\"a\": [], \"m\": {");
            for (int i = 0; i < size; i++) {
                array.append(i == 0 ? "" : ", ").append(i * 31L);
                map.append(i == 0 ? "" : ", ").append('"').append("k").append(i).append("\": ").append(i);
            }
            Schema schema = oneField("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
                    + "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"},\"default\":{}}]}");
            AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
            ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
            assertThat(agree(state, writer, array + "]}}")).as("array of %d", size).isTrue();
            assertThat(agree(state, writer, map + "}}}")).as("map of %d", size).isTrue();
        }
    }

    @Test
    void longStringsTakeLongerLengths() {
        Schema schema = oneField("\"string\"");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        for (int length : List.of(0, 21, 22, 63, 64, 100, 8_191, 8_192, 20_000)) {
            for (String unit : List.of("x", "\u00e9", "\u20ac", "\ud83d\ude00")) {
                String text = unit.repeat(length);
                assertThat(agree(state, writer, "{\"v\": \"" + text + "\"}")).as("%d times %s", length, unit).isTrue();
            }
        }
    }

    /** Escaped strings are decoded into a buffer that grows with them: as values, map keys, bytes and timestamps, across the sizes it grows at. */
    @Test
    void escapedStringsOfEveryLengthAgree() {
        for (String type : List.of("\"string\"", "{\"type\":\"map\",\"values\":\"int\"}", "\"bytes\"")) {
            Schema schema = oneField(type);
            AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
            ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema); // one writer for all: its buffers carry over
            for (int length : List.of(1, 10, 11, 21, 22, 32, 33, 63, 64, 65, 127, 128, 129, 300, 5_000)) {
                for (String unit : List.of("\\u0041", "\\u00e9", "a\\n", "\\\"", "\\ud83d\\ude00")) {
                    String text = unit.repeat(length);
                    String json = type.contains("map") ? "{\"v\": {\"" + text + "\": 1}}" : "{\"v\": \"" + text + "\"}";
                    agree(state, writer, json);
                }
            }
        }
        Schema timestamps = oneField("{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}");
        AggregateState state = AggregateState.of(timestamps, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, timestamps);
        for (String instant : List.of("2026-01-02T10:15:00.5+00:00", "2026-01-01T09:30:00.123456+00:00")) {
            String escaped = instant.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
            assertThat(agree(state, writer, "{\"v\": \"" + escaped + "\"}")).as(escaped).isTrue();
        }
    }

    /** A row's escaped string must never be written with text left in the buffer by an earlier row. */
    @Test
    void anEscapedStringNeverCarriesAnEarlierRowsText() throws IOException {
        Schema schema = oneField("\"string\"");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        state.write("{\"v\": \"SECRET-customer-of-row-1\\tXYZ\"}", writer);
        // 66 chars as written, 11 decoded: longer than the decoding buffer before it grows, shorter after
        byte[] second = state.write("{\"v\": \"" + "\\u00e9".repeat(11) + "\"}", writer);
        org.apache.avro.generic.GenericRecord decoded = new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(schema)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(second, 5, second.length - 5, null));
        assertThat(decoded.get("v")).hasToString("\u00e9".repeat(11));
    }

    @Test
    void namesLongerThanTheParserTakesAreLeftToIt() {
        String longName = "n".repeat(JsonAvroWriter.MAX_NAME_CHARS + 1);
        for (UnknownFields unknown : UnknownFields.values()) {
            for (String type : List.of("\"int\"", "{\"type\":\"map\",\"values\":\"int\"}")) {
                Schema schema = oneField(type);
                AggregateState state = AggregateState.of(schema, unknown);
                ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
                assertThat(agree(state, writer, "{\"v\": 1, \"" + longName + "\": 2}")).isFalse();
                assertThat(agree(state, writer, "{\"v\": {\"" + longName + "\": 2}}")).isFalse();
                assertThat(general(state, writer, "{\"v\": 1, \"" + longName + "\": 2}")).startsWith("error");
            }
        }
    }

    @Test
    void manyUnknownFieldsAreLeftToTheGeneralParser() {
        Schema schema = oneField("\"int\"");
        AggregateState state = AggregateState.of(schema, UnknownFields.IGNORE);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        StringBuilder json = new StringBuilder("{\"v\": 1");
        for (int i = 0; i < 2_000; i++) {
            json.append(", \"u").append(i).append("\": ").append(i);
        }
        assertThat(agree(state, writer, json + "}")).as("the fast path checks a few hundred unknown names at most").isFalse();
        assertThat(general(state, writer, json + "}")).doesNotStartWith("error");
    }

    @Test
    void deepRecursiveRecordsAgree() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"},"
                + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"],\"default\":null}]}");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
        ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
        for (int depth : List.of(1, 10, 150, 250)) {
            StringBuilder json = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                json.append("{\"next\": ");
            }
            json.append("null");
            for (int i = 0; i < depth; i++) {
                json.append(", \"n\": ").append(i).append('}');
            }
            boolean fast = agree(state, writer, json.toString());
            assertThat(fast).as("depth %d", depth).isEqualTo(depth <= 200); // deeper is left to the general path
        }
    }

    @Test
    void aWriterOfAnotherSchemaIsRefused() {
        AggregateState state = AggregateState.of(EVERYTHING, UnknownFields.FAIL);
        ConfluentAvroWriter other = new ConfluentAvroWriter(SCHEMA_ID, oneField("\"int\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> state.write("{}", other)).isInstanceOf(IllegalArgumentException.class);
    }

    /** {@link #agree} for each document, on a record of one field {@code v} of each type. */
    private static void agreeForEach(List<String> types, String... documents) {
        for (String type : types) {
            Schema schema = oneField(type);
            AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);
            ConfluentAvroWriter writer = new ConfluentAvroWriter(SCHEMA_ID, schema);
            for (String document : documents) {
                agree(state, writer, document);
            }
        }
    }

    private static Schema oneField(String typeJson) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"T\",\"namespace\":\"t\",\"fields\":[{\"name\":\"v\",\"type\":" + typeJson + "}]}");
    }

    /** Random JSON for a schema: valid values in the many ways JSON can write them, and some that do not fit. */
    static final class Documents {
        private final Random random;
        /** Only the shapes the fast path takes: no exponents, no whole floats for ints, no unusual text. */
        private final boolean common;

        Documents(Random random, boolean common) {
            this.random = random;
            this.common = common;
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private String ws() {
            return switch (random.nextInt(6)) {
                case 0 -> " ";
                case 1 -> "\n  ";
                case 2 -> "\t";
                default -> "";
            };
        }

        String value(Schema schema) {
            if (!common && chance(2)) {
                return "null"; // fits only nullable unions
            }
            if (schema.getLogicalType() instanceof LogicalTypes.Decimal) {
                return decimal();
            }
            if (schema.getLogicalType() != null) {
                switch (schema.getLogicalType().getName()) {
                    case "uuid":
                        return '"' + (common || chance(80) ? UUID.randomUUID().toString() : chance(50) ? UUID.randomUUID().toString().toUpperCase()
                                : chance(50) ? "1-1-1-1-1" : "not-a-uuid") + '"';
                    case "date":
                        return chance(70) ? "\"" + java.time.LocalDate.ofEpochDay(random.nextInt(40_000) - 10_000) + "\"" : String.valueOf(random.nextInt(40_000));
                    case "time-millis", "time-micros":
                        return chance(70) ? "\"" + java.time.LocalTime.ofNanoOfDay(random.nextLong(86_400_000_000_000L)) + "\"" : String.valueOf(random.nextInt(86_400_000));
                    case "timestamp-millis", "timestamp-micros", "timestamp-nanos":
                        return chance(70) ? "\"" + instantText() + "\"" : String.valueOf(random.nextLong(4_000_000_000_000L));
                    case "local-timestamp-micros":
                        return "\"" + java.time.LocalDateTime.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000) * 1000,
                                java.time.ZoneOffset.UTC) + "\"";
                    default:
                        break;
                }
            }
            return switch (schema.getType()) {
                case RECORD -> record(schema);
                case ENUM -> common || chance(90) ? '"' + schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())) + '"'
                        : chance(50) ? "\"Z\"" : "\"\\u0041\"";
                case ARRAY -> {
                    int size = chance(10) ? 70 + random.nextInt(20) : random.nextInt(4);
                    List<String> items = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        items.add(value(schema.getElementType()));
                    }
                    yield "[" + ws() + String.join("," + ws(), items) + ws() + "]";
                }
                case MAP -> {
                    int size = chance(10) ? 70 + random.nextInt(20) : random.nextInt(4);
                    List<String> entries = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        entries.add("\"k" + i + (chance(10) ? "\u00e9" : "") + "\":" + ws() + value(schema.getValueType()));
                    }
                    Collections.shuffle(entries, random);
                    yield "{" + ws() + String.join("," + ws(), entries) + ws() + "}";
                }
                case UNION -> {
                    List<Schema> branches = schema.getTypes();
                    if (!common && branches.size() > 2 && chance(60)) {
                        yield chance(50) ? String.valueOf(random.nextInt()) : '"' + text() + '"';
                    }
                    Schema branch = branches.get(random.nextInt(branches.size()));
                    yield branch.getType() == Schema.Type.NULL ? "null" : value(branch);
                }
                case STRING -> '"' + text() + '"';
                case BYTES -> '"' + base64(random.nextInt(20)) + '"';
                case FIXED -> '"' + base64(common || chance(90) ? schema.getFixedSize() : schema.getFixedSize() + 1) + '"';
                case INT -> common || chance(85) ? String.valueOf(random.nextInt()) : chance(50) ? random.nextInt(100) + ".0" : "3000000000";
                case LONG -> common || chance(85) ? String.valueOf(random.nextLong() >> random.nextInt(64)) : chance(50) ? "1e3" : "9223372036854775808";
                case FLOAT -> common ? String.valueOf(random.nextInt(100_000) / 100.0) : String.valueOf(random.nextFloat() * Math.pow(10, random.nextInt(80) - 40));
                case DOUBLE -> common ? String.valueOf(random.nextInt(1_000_000) / 1000.0 - 500) : String.valueOf(Double.longBitsToDouble(random.nextLong()))
                        .replace("Infinity", "1e999").replace("NaN", "0");
                case BOOLEAN -> random.nextBoolean() ? "true" : "false";
                case NULL -> "null";
            };
        }

        private String record(Schema schema) {
            List<String> members = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                if (field.hasDefaultValue() && chance(30)) {
                    continue;
                }
                if (!common && !field.hasDefaultValue() && chance(1)) {
                    continue; // a required field absent
                }
                members.add('"' + field.name() + "\":" + ws() + value(field.schema()));
            }
            if (!common && chance(5)) {
                members.add("\"extra\":" + ws() + (chance(50) ? "{\"a\": [1, {\"b\": null}], \"c\": \"d\"}" : "1"));
            }
            if (chance(70)) {
                Collections.shuffle(members, random);
            }
            return "{" + ws() + String.join("," + ws(), members) + ws() + "}";
        }

        private String decimal() {
            long unscaled = random.nextLong() % (common ? 100_000_000_000L : 10_000_000_000_000L);
            int scale = common ? random.nextInt(3) : random.nextInt(5);
            String text = java.math.BigDecimal.valueOf(unscaled, scale).toPlainString();
            if (!common && chance(10)) {
                text = chance(50) ? java.math.BigDecimal.valueOf(unscaled, scale).toString().replace("E+", "e") : " " + text;
            }
            return common || chance(70) ? text : '"' + text + '"';
        }

        private String instantText() {
            java.time.Instant instant = java.time.Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
            String offset = switch (random.nextInt(3)) {
                case 0 -> "Z";
                case 1 -> "+02:00";
                default -> "-05:30";
            };
            return instant.atOffset(java.time.ZoneOffset.of(offset.equals("Z") ? "Z" : offset)).toString();
        }

        private String text() {
            StringBuilder out = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(common ? 4 : 10);
                switch (kind) {
                    case 0, 1, 2 -> out.append((char) ('a' + random.nextInt(26)));
                    case 3 -> out.append(chance(50) ? "\u00df" : "\u20ac");
                    case 4 -> out.append("\ud83d\ude00");
                    case 5 -> out.append("\\n");
                    case 6 -> out.append("\\\"");
                    case 7 -> out.append("\\u00e9");
                    case 8 -> out.append("\\ud83d\\ude00");
                    default -> out.append(chance(90) ? "\\/" : "\\ud800");
                }
            }
            return out.toString();
        }

        private String base64(int size) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }

        /** One change that may break the document: a duplicate name, a cut, garbage, a null. */
        String mutate(String json) {
            int at = random.nextInt(json.length());
            return switch (random.nextInt(6)) {
                case 0 -> json.replaceFirst("\"i\":", "\"i\": 1, \"i\":");
                case 1 -> json.substring(0, at);
                case 2 -> json.substring(0, at) + "}" + json.substring(at);
                case 3 -> json + " {}";
                case 4 -> json.replaceFirst("\"s\":\\s*\"", "\"s\": null, \"ignored\": \"");
                default -> json.replaceFirst("\"x\":\\s*", "\"x\": 0");
            };
        }
    }
}
