package io.outboxconnect.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.junit.jupiter.api.Test;

/** Writes exactly what Kafka's SimpleHeaderConverter writes, for strings and for everything else. */
class StringHeaderConverterTest {

    private final HeaderConverter ours = configured(new StringHeaderConverter());
    private final HeaderConverter kafkas = configured(new SimpleHeaderConverter());

    @Test
    void writesAStringAsSimpleHeaderConverterDoes() {
        Random random = new Random(11);
        String significant = "\"\\,[]{}:= \t\n";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(80);
            for (int c = 0; c < length; c++) {
                // ASCII, Latin-1, the BMP (no lone surrogates) and astral code points, some of them JSON- or Connect-significant
                int kind = random.nextInt(5);
                int codePoint = switch (kind) {
                    case 0 -> significant.charAt(random.nextInt(significant.length()));
                    case 1 -> 0x20 + random.nextInt(0x5f);
                    case 2 -> 0xa0 + random.nextInt(0x60);
                    case 3 -> 0x100 + random.nextInt(0xd700);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                text.appendCodePoint(codePoint);
            }
            assertSameBytes(Schema.STRING_SCHEMA, text.toString());
            assertSameBytes(Schema.OPTIONAL_STRING_SCHEMA, text.toString());
        }
        for (String text : new String[] {"", UUID.randomUUID().toString(), "ORDER_CREATED", "null", "true", "[1,2]", "{\"a\":1}", "42", "é∑😀"}) {
            assertSameBytes(Schema.STRING_SCHEMA, text);
        }
        // Debezium's id header of a uuid column: a string schema named io.debezium.data.Uuid
        assertSameBytes(SchemaBuilder.string().name("io.debezium.data.Uuid").version(1).build(), UUID.randomUUID().toString());
        assertThat(ours.fromConnectHeader("t", "id", Schema.STRING_SCHEMA, "order-1")).isEqualTo("order-1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesEveryOtherValueAsSimpleHeaderConverterDoes() {
        Schema struct = SchemaBuilder.struct().name("s").field("a", Schema.INT32_SCHEMA).field("b", Schema.OPTIONAL_STRING_SCHEMA).build();
        assertSameBytes(Schema.OPTIONAL_STRING_SCHEMA, null);
        assertSameBytes(Schema.INT8_SCHEMA, (byte) -7);
        assertSameBytes(Schema.INT16_SCHEMA, (short) 300);
        assertSameBytes(Schema.INT32_SCHEMA, 42);
        assertSameBytes(Schema.INT64_SCHEMA, 1_700_000_000_000_000L);
        assertSameBytes(Schema.FLOAT32_SCHEMA, 1.5f);
        assertSameBytes(Schema.FLOAT64_SCHEMA, -0.0);
        assertSameBytes(Schema.BOOLEAN_SCHEMA, true);
        assertSameBytes(Schema.BYTES_SCHEMA, new byte[] {0, 1, (byte) 0xff});
        assertSameBytes(Timestamp.SCHEMA, new Date(1_700_000_000_123L));
        assertSameBytes(Decimal.schema(2), new BigDecimal("12.34"));
        assertSameBytes(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of("a", "b\"c"));
        assertSameBytes(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), Map.of("k", 1));
        assertSameBytes(struct, new Struct(struct).put("a", 1).put("b", "x"));
    }

    @Test
    void readsBackAsSimpleHeaderConverterDoes() {
        for (String text : new String[] {"order-1", "42", "true", "[1,2]", "", "é∑😀"}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            SchemaAndValue read = ours.toConnectHeader("t", "k", bytes);
            SchemaAndValue expected = kafkas.toConnectHeader("t", "k", bytes);
            assertThat(read.schema()).as(text).isEqualTo(expected.schema());
            assertThat(read.value()).as(text).isEqualTo(expected.value());
        }
    }

    private void assertSameBytes(Schema schema, Object value) {
        assertThat(ours.fromConnectHeader("topic", "key", schema, value)).as("%s %s", schema, value)
                .isEqualTo(kafkas.fromConnectHeader("topic", "key", schema, value));
    }

    private static HeaderConverter configured(HeaderConverter converter) {
        converter.configure(Map.of());
        return converter;
    }
}
