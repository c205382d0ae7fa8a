package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.outboxconnect.avro.AggregateState.UnknownFields;

class AggregateStateTest {

    /** A record {@code T} with one field {@code v} of the given type JSON. */
    private static AggregateState oneField(String typeJson) {
        return AggregateState.of(new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"T\",\"namespace\":\"t\",\"fields\":[{\"name\":\"v\",\"type\":"
                + typeJson + "}]}"), UnknownFields.FAIL);
    }

    private static Object v(String typeJson, String valueJson) {
        return oneField(typeJson).read("{\"v\":" + valueJson + "}").get("v");
    }

    private static void failsAt(ThrowingCallable call, String path, String expectedType) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AggregateMappingException.class, e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.expectedType()).isEqualTo(expectedType);
            assertThat(e.getMessage()).startsWith("At " + path + ": expected " + expectedType);
        });
    }

    private static GenericRecord roundTrip(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        GenericData withLogicalTypes = new GenericData();
        withLogicalTypes.addLogicalTypeConversion(new Conversions.DecimalConversion());
        return new GenericDatumReader<GenericRecord>(record.getSchema(), record.getSchema(), withLogicalTypes)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    @Test
    void mapsTheExampleOrderThroughTheCheckedInSchemaAndBack() throws IOException {
        Schema order = new Schema.Parser().parse(Files.readString(Path.of("schemas/commerce/order.avsc")));
        String json = """
                {"order_id": "0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10", "customer_id": "c-77", "status": "SHIPPED", "currency": "EUR",
                 "total_amount": 59.80, "lines": [{"sku": "A-1", "quantity": 2, "unit_price": "19.90"}, {"sku": "B-2", "quantity": 1, "unit_price": 20}],
                 "shipping_address": {"street": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"},
                 "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": 1767323045123456, "shipped_at": "2026-01-03T00:00:00+01:00"}""";

        GenericRecord record = roundTrip(AggregateState.of(order, UnknownFields.FAIL).read(json));

        assertThat(record.get("order_id").toString()).isEqualTo("0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10");
        assertThat(record.get("customer_id").toString()).isEqualTo("c-77");
        assertThat(record.get("status").toString()).isEqualTo("SHIPPED");
        assertThat(record.get("currency").toString()).isEqualTo("EUR");
        assertThat(record.get("total_amount")).isEqualTo(new BigDecimal("59.80"));
        @SuppressWarnings("unchecked")
        List<GenericRecord> lines = (List<GenericRecord>) record.get("lines");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("sku").toString()).isEqualTo("A-1");
        assertThat(lines.get(0).get("quantity")).isEqualTo(2);
        assertThat(lines.get(0).get("unit_price")).isEqualTo(new BigDecimal("19.90"));
        assertThat(lines.get(1).get("unit_price")).isEqualTo(new BigDecimal("20.00"));
        assertThat(((GenericRecord) record.get("shipping_address")).get("city").toString()).isEqualTo("Paris");
        assertThat(record.get("note")).as("absent nullable field takes its default").isNull();
        assertThat(record.get("created_at")).isEqualTo(1_767_323_045_123_456L);
        assertThat(record.get("updated_at")).isEqualTo(1_767_323_045_123_456L);
        assertThat(record.get("shipped_at")).isEqualTo(Instant.parse("2026-01-02T23:00:00Z").toEpochMilli() * 1000);
    }

    @Test
    void nestedPathsAreNamedInErrors() throws IOException {
        Schema order = new Schema.Parser().parse(Files.readString(Path.of("schemas/commerce/order.avsc")));
        String json = """
                {"order_id": "0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10", "customer_id": "c", "status": "PAID", "currency": "EUR", "total_amount": 1,
                 "lines": [{"sku": "A", "quantity": 1, "unit_price": 1}, {"sku": "B", "quantity": 1, "unit_price": "1.005"}],
                 "created_at": 0, "updated_at": 0}""";

        failsAt(() -> AggregateState.of(order, UnknownFields.FAIL).read(json), "$.lines[1].unit_price", "decimal(12,2) as bytes");
    }

    @Test
    void primitivesMapToTheirAvroTypes() {
        assertThat(v("\"int\"", "42")).isEqualTo(42);
        assertThat(v("\"int\"", "42.0")).as("a whole number written with a point").isEqualTo(42);
        assertThat(v("\"long\"", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(v("\"float\"", "1.5")).isEqualTo(1.5f);
        assertThat(v("\"double\"", "1e300")).isEqualTo(1e300);
        assertThat(v("\"boolean\"", "true")).isEqualTo(true);
        assertThat(v("\"string\"", "\"caf\u00e9 \\ud83d\\ude00 \\u0000\"")).isEqualTo("caf\u00e9 \uD83D\uDE00 \u0000");
        assertThat(v("\"bytes\"", "\"AQID\"")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(((GenericData.Fixed) v("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"AQI=\"")).bytes()).containsExactly(1, 2);
    }

    @Test
    void integersOutOfRangeAreRejected() {
        failsAt(() -> v("\"int\"", "2147483648"), "$.v", "int");
        failsAt(() -> v("\"long\"", "9223372036854775808"), "$.v", "long");
        failsAt(() -> v("\"int\"", "1.5"), "$.v", "int");
        failsAt(() -> v("\"float\"", "1e39"), "$.v", "float");
        failsAt(() -> v("\"double\"", "1e400"), "$.v", "double");
    }

    @Test
    void wrongJsonTypesAreRejectedNamingWhatWasFound() {
        assertThatThrownBy(() -> v("\"string\"", "5")).hasMessage("At $.v: expected string, found a JSON number");
        assertThatThrownBy(() -> v("\"boolean\"", "\"true\"")).hasMessage("At $.v: expected boolean, found a JSON string");
        failsAt(() -> v("\"bytes\"", "\"not base64!\""), "$.v", "bytes (base64)");
        failsAt(() -> v("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"AQID\""), "$.v", "fixed(2) t.F (base64)");
    }

    @Test
    void nullOnlyFitsNullableFields() {
        assertThat(v("[\"null\",\"string\"]", "null")).isNull();
        assertThat(v("[\"string\",\"null\"]", "null")).isNull();
        assertThat(v("[\"string\",\"null\"]", "\"x\"")).isEqualTo("x");
        failsAt(() -> v("\"string\"", "null"), "$.v", "string");
    }

    @Test
    void otherUnionsTakeTheFirstBranchThatFits() {
        String union = "[\"null\",\"long\",\"string\",{\"type\":\"array\",\"items\":\"int\"}]";
        assertThat(v(union, "5")).isEqualTo(5L);
        assertThat(v(union, "\"5\"")).isEqualTo("5");
        assertThat(v(union, "[1,2]")).asList().containsExactly(1, 2);
        failsAt(() -> v(union, "true"), "$.v", "null or long or string or array of int");
    }

    @Test
    void enumsTakeTheirSymbolsOnly() {
        String status = "{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"UNKNOWN\",\"OPEN\"],\"default\":\"UNKNOWN\"}";
        assertThat(v(status, "\"OPEN\"").toString()).isEqualTo("OPEN");
        assertThatThrownBy(() -> v(status, "\"CLOSED\"")).isInstanceOf(AggregateMappingException.class)
                .hasMessage("At $.v: expected enum t.S, found a string that is not one of its symbols");
    }

    @Test
    void arraysMapsAndNestedRecords() {
        assertThat(v("{\"type\":\"array\",\"items\":\"string\"}", "[\"a\",\"b\"]")).asList().containsExactly("a", "b");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v("{\"type\":\"map\",\"values\":\"long\"}", "{\"a\":1,\"b c\":2}");
        assertThat(map).containsEntry("a", 1L).containsEntry("b c", 2L);
        failsAt(() -> v("{\"type\":\"map\",\"values\":\"long\"}", "{\"a\":1,\"b c\":\"x\"}"), "$.v['b c']", "long");
        GenericRecord nested = (GenericRecord) v("{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}", "{\"x\":1}");
        assertThat(nested.get("x")).isEqualTo(1);
        failsAt(() -> v("{\"type\":\"array\",\"items\":\"int\"}", "[1,\"2\"]"), "$.v[1]", "int");
    }

    @Test
    void absentFieldsTakeTheirDefaultsAndRequiredOnesFail() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"D","fields":[
                  {"name":"n","type":"long","default":7},
                  {"name":"tags","type":{"type":"array","items":"string"},"default":["x"]},
                  {"name":"inner","type":{"type":"record","name":"I","fields":[{"name":"a","type":"int"}]},"default":{"a":3}},
                  {"name":"required","type":"string"}]}""");
        AggregateState state = AggregateState.of(schema, UnknownFields.FAIL);

        GenericRecord record = state.read("{\"required\":\"r\"}");
        assertThat(record.get("n")).isEqualTo(7L);
        assertThat(record.get("tags")).asList().map(Object::toString).containsExactly("x");
        assertThat(((GenericRecord) record.get("inner")).get("a")).isEqualTo(3);
        @SuppressWarnings("unchecked")
        List<Object> tags = (List<Object>) record.get("tags");
        tags.add("mutated");
        assertThat(state.read("{\"required\":\"r\"}").get("tags")).as("defaults are copied, never shared").asList().map(Object::toString).containsExactly("x");

        assertThatThrownBy(() -> state.read("{}")).isInstanceOfSatisfying(AggregateMappingException.class, e -> {
            assertThat(e.path()).isEqualTo("$.required");
            assertThat(e.getMessage()).contains("the field is required");
        });
    }

    @Test
    void unknownFieldsFailOrAreIgnoredAsChosen() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

        assertThatThrownBy(() -> AggregateState.of(schema, UnknownFields.FAIL).read("{\"a\":1,\"extra\":2}"))
                .isInstanceOfSatisfying(AggregateMappingException.class, e -> assertThat(e.path()).isEqualTo("$.extra"));
        assertThat(AggregateState.of(schema, UnknownFields.IGNORE).read("{\"a\":1,\"extra\":2}").get("a")).isEqualTo(1);
    }

    @Test
    void decimalsOnBytesAndFixedFromNumbersOrStrings() {
        String bytes = "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
        String fixed = "{\"type\":\"fixed\",\"name\":\"D\",\"size\":4,\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
        Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
        Schema bytesSchema = new Schema.Parser().parse(bytes);
        Schema fixedSchema = new Schema.Parser().parse(fixed);

        assertThat(conversion.fromBytes((ByteBuffer) v(bytes, "1234.5"), bytesSchema, LogicalTypes.decimal(6, 2))).isEqualTo(new BigDecimal("1234.50"));
        assertThat(conversion.fromBytes((ByteBuffer) v(bytes, "\"-0.01\""), bytesSchema, LogicalTypes.decimal(6, 2))).isEqualTo(new BigDecimal("-0.01"));
        assertThat(conversion.fromFixed((GenericData.Fixed) v(fixed, "12.3"), fixedSchema, LogicalTypes.decimal(6, 2))).isEqualTo(new BigDecimal("12.30"));
        assertThat(conversion.fromBytes((ByteBuffer) v(bytes, "1.500"), bytesSchema, LogicalTypes.decimal(6, 2)))
                .as("trailing zeros beyond the scale are not precision").isEqualTo(new BigDecimal("1.50"));
    }

    @Test
    void decimalsWithTooMuchScaleOrPrecisionAreRejected() {
        String bytes = "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
        assertThatThrownBy(() -> v(bytes, "1.005")).isInstanceOf(AggregateMappingException.class)
                .hasMessage("At $.v: expected decimal(6,2) as bytes, found a number with 3 decimal places (scale 2 allows no rounding)");
        assertThatThrownBy(() -> v(bytes, "12345.6")).hasMessageContaining("found a number of 7 digits (precision 6)");
        failsAt(() -> v(bytes, "\"12,5\""), "$.v", "decimal(6,2) as bytes");
        failsAt(() -> v(bytes, "true"), "$.v", "decimal(6,2) as bytes");
    }

    /** JSON allows any exponent; a json or text column may hold one (jsonb refuses them). */
    @Test
    void numbersWithHugeExponentsAreRejectedAtOnceWhereverTheyGo() {
        String decimal = "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
        String fixed = "{\"type\":\"fixed\",\"name\":\"D\",\"size\":4,\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}";
        String timestamp = "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}";
        for (String number : List.of("1e999999999", "-1e999999999", "1e99999999", "1E+999999999", "\"1e999999999\"")) {
            long start = System.nanoTime();
            for (String type : List.of("\"int\"", "\"long\"", decimal, fixed, timestamp)) {
                if (number.startsWith("\"") && !type.contains("decimal")) {
                    continue; // only decimals read numbers from strings
                }
                assertThatThrownBy(() -> v(type, number)).as("%s as %s", number, type).isInstanceOf(AggregateMappingException.class)
                        .hasMessageContaining("found a number");
            }
            assertThat(System.nanoTime() - start).as("%s: rejected without building its digits", number).isLessThan(5_000_000_000L);
        }
        for (String tiny : List.of("1e-999999999", "\"1e-999999999\"")) {
            assertThatThrownBy(() -> v(decimal, tiny)).isInstanceOf(AggregateMappingException.class).hasMessageContaining("decimal places");
        }
        assertThatThrownBy(() -> v("\"float\"", "1e999999999")).isInstanceOf(AggregateMappingException.class);
        assertThatThrownBy(() -> v("\"double\"", "-1e999999999")).isInstanceOf(AggregateMappingException.class);
        assertThat(v("\"int\"", "0e999999999")).as("zero is zero, whatever its exponent").isEqualTo(0);
        assertThat(new Conversions.DecimalConversion().fromBytes((ByteBuffer) v(decimal, "0e999999999"), new Schema.Parser().parse(decimal),
                LogicalTypes.decimal(6, 2))).isEqualTo(new BigDecimal("0.00"));
        assertThat(v("\"long\"", "9.223372036854775807e18")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> v("\"long\"", "1e19")).hasMessageContaining("out of its range");
    }

    @Test
    void uuidsAreValidated() {
        String uuid = "{\"type\":\"string\",\"logicalType\":\"uuid\"}";
        assertThat(v(uuid, "\"0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10\"")).isEqualTo("0b5e3c1a-8f3e-4a59-9a57-1c1f3c7a9d10");
        failsAt(() -> v(uuid, "\"o-1\""), "$.v", "uuid");
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"int\",\"logicalType\":\"date\"}                   | \"2024-02-29\"                  | 19782",
            "{\"type\":\"int\",\"logicalType\":\"date\"}                   | 19782                           | 19782",
            "{\"type\":\"int\",\"logicalType\":\"time-millis\"}            | \"12:34:56.789\"                | 45296789",
            "{\"type\":\"long\",\"logicalType\":\"time-micros\"}           | \"12:34:56.789012\"             | 45296789012",
            "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}      | \"2024-06-01T12:00:00.123Z\"    | 1717243200123",
            "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}      | \"2024-06-01T14:00:00.123456+02:00\" | 1717243200123456",
            "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}      | 1717243200123456                | 1717243200123456",
            "{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}       | \"2024-06-01T12:00:00.123456789Z\" | 1717243200123456789",
            "{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"} | \"2024-06-01T12:00:00.123\"     | 1717243200123",
            "{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"} | \"2024-06-01T12:00:00.123456\"  | 1717243200123456",
    })
    void temporalLogicalTypesFromIsoTextOrNumbers(String type, String json, long expected) {
        assertThat(((Number) v(type, json)).longValue()).isEqualTo(expected);
    }

    @Test
    void temporalValuesAreConsistentWithJavaTime() {
        assertThat(LocalDate.parse("2024-02-29").toEpochDay()).isEqualTo(19782);
        assertThat(LocalTime.parse("12:34:56.789").toNanoOfDay() / 1_000_000).isEqualTo(45296789);
        assertThat(LocalDateTime.parse("2024-06-01T12:00:00.123").toInstant(ZoneOffset.UTC).toEpochMilli()).isEqualTo(1717243200123L);
    }

    @Test
    void unparseableTimestampsAreRejectedWithoutTheValue() {
        String ts = "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}";
        assertThatThrownBy(() -> v(ts, "\"last tuesday\"")).isInstanceOf(AggregateMappingException.class)
                .hasMessage("At $.v: expected timestamp-micros, found a string that is not an ISO-8601 timestamp with offset or Z");
        failsAt(() -> v("{\"type\":\"int\",\"logicalType\":\"date\"}", "\"2024-02-30\""), "$.v", "date");
    }

    @Test
    void malformedJsonIsReportedAtTheRootWithoutQuotingIt() {
        assertThatThrownBy(() -> oneField("\"string\"").read("{\"v\": \"secret-4111\""))
                .isInstanceOfSatisfying(AggregateMappingException.class, e -> assertThat(e.path()).isEqualTo("$"))
                .hasMessageNotContaining("4111");
        failsAt(() -> oneField("\"string\"").read("[1]"), "$", "record t.T");
        failsAt(() -> oneField("\"string\"").read("{\"v\":\"a\"} {}"), "$", "one JSON object");
    }

    @Test
    void recordsAreValidForTheirSchema() {
        GenericRecord record = v_record();
        assertThat(GenericData.get().validate(record.getSchema(), record)).isTrue();
    }

    private static GenericRecord v_record() {
        return oneField("{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"q\",\"type\":\"int\"}]}}")
                .read("{\"v\":[{\"q\":1},{\"q\":2}]}");
    }
}
