package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/** {@link JsonObjectCheck} against Jackson with duplicate detection, the parser the router asks when the check is unsure. */
class JsonObjectCheckTest {

    private static final JsonFactory JACKSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final JsonObjectCheck check = new JsonObjectCheck();

    private static boolean jacksonAccepts(String json) {
        try (JsonParser parser = JACKSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        }
        catch (IOException e) {
            return false;
        }
    }

    /** The check may be unsure (false) where Jackson accepts, never sure (true) where Jackson refuses. */
    private boolean agree(String json) {
        boolean sure = check.isOneObject(json);
        if (sure) {
            assertThat(jacksonAccepts(json)).as("Jackson accepts what the check is sure of: %s", json).isTrue();
        }
        return sure;
    }

    @Test
    void generatedDocumentsAgreeWithJackson() {
        Random random = new Random(11);
        int sure = 0;
        int accepted = 0;
        for (int n = 0; n < 3_000; n++) {
            JsonAvroWriterTest.Documents documents = new JsonAvroWriterTest.Documents(random, n % 2 == 0);
            String json = documents.value(JsonAvroWriterTest.EVERYTHING);
            if (n % 4 == 0) {
                json = documents.mutate(json);
            }
            sure += agree(json) ? 1 : 0;
            accepted += jacksonAccepts(json) ? 1 : 0;
        }
        assertThat(accepted).isGreaterThan(2_000);
        assertThat(sure).as("the check is sure of the objects without escaped names").isGreaterThan(accepted * 9 / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " {} ", "{\"a\": 1}", "{\"a\": 1, \"a\": 2}", "{\"a\": {\"b\": 1, \"b\": 1}}", "{\"a\": {\"b\": 1}, \"b\": {\"a\": 2}}",
        "{\"a\": [{\"b\": 1}, {\"b\": 2}]}", "{\"ab\": 1, \"a\": 2, \"b\": 3}", "{\"a\": 1, \"\\u0061\": 2}", "{\"a\": 1} {}", "[]", "\"x\"", "1",
        "", "{", "{\"a\"}", "{\"a\": }", "{\"a\": 01}", "{\"a\": 1,}", "{\"a\": tru}", "{\"a\": \"\u0001\"}", "{\"a\": \"\\q\"}",
        "{\"a\": \"\\u12\"}", "{\"a\": -}", "{\"a\": 1.}", "{\"a\": 1e}", "{\"a\": [1 2]}", "{\"a\": NaN}", "{'a': 1}", "\ufeff{}", "{\"a\": 1}\u0000"})
    void handPickedTextsAgreeWithJackson(String json) {
        agree(json);
    }

    @Test
    void whatJacksonRefusesBeyondTheGrammarIsNotCertain() {
        assertThat(agree("{\"" + "n".repeat(JsonAvroWriter.MAX_NAME_CHARS + 1) + "\": 1}")).isFalse();
        assertThat(jacksonAccepts("{\"" + "n".repeat(JsonAvroWriter.MAX_NAME_CHARS + 1) + "\": 1}")).isFalse();
        assertThat(check.isOneObject("{\"a\": 1e9999999999}")).isFalse();
    }

    @Test
    void theCommonObjectsAreCertain() {
        for (String json : List.of("{}", "{\"a\": 1, \"b\": [true, false, null, -1.5e3, \"s\\n\"], \"c\": {\"a\": {}}}",
                "{\"note\": \"caf\u00e9 \ud83d\ude00\", \"lines\": [{\"sku\": \"A\", \"quantity\": 2}, {\"sku\": \"B\", \"quantity\": 1}]}")) {
            assertThat(agree(json)).as(json).isTrue();
        }
        assertThat(check.isOneObject("{\"a\": 1, \"a\": 1}")).isFalse();
        assertThat(check.isOneObject("{\"a\": 1} x")).isFalse();
    }
}
