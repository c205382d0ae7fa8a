package io.outboxconnect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.StringWriter;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

/** The payload as the envelope's event_data: the aggregate's JSON, compact, nothing else changed. */
class EventDataTest {

    @Test
    void numbersAreKeptAsWrittenNotRoundedThroughADouble() {
        String json = "{\"total_amount\": 12345678901234567.89, \"unit_price\": 19.90, \"huge\": 1e400, \"count\": 100000000000000000000001}";

        assertThat(EventData.compactObject("event_data", json))
                .isEqualTo("{\"total_amount\":12345678901234567.89,\"unit_price\":19.90,\"huge\":1e400,\"count\":100000000000000000000001}");
    }

    @Test
    void numbersAreKeptAsWrittenAlsoWhenEscapesAreDecoded() {
        String json = "{\"note\": \"caf\\u00e9\", \"total_amount\": 12345678901234567.89, \"unit_price\": 19.90}";

        assertThat(EventData.compactObject("event_data", json))
                .isEqualTo("{\"note\":\"caf\u00e9\",\"total_amount\":12345678901234567.89,\"unit_price\":19.90}");
    }

    @Test
    void whitespaceInsideStringsIsKept() {
        String json = "{\n\t\"note\" : \"leave  at the\\tdoor \" ,\r\n \"lines\" : [ 1 , 2 ] }";

        assertThat(EventData.compactObject("event_data", json)).isEqualTo("{\"note\":\"leave  at the\\tdoor \",\"lines\":[1,2]}");
    }

    @Test
    void textWithoutEscapesCompactsAsJacksonWouldCopyIt() throws Exception {
        JsonFactory jackson = new JsonFactory();
        for (String json : new String[] {
            "{\"note\": \"leave at the door\", \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 2, \"unit_price\": 19.90}], \"status\": \"PAID\"}",
            "{ \"a\" : [ ] , \"b\" : { } , \"c\" : null , \"d\" : true , \"e\" : false , \"f\" : -12 , \"g\" : \"caf\u00e9 \uD83D\uDE00 {}[],:\" }",
            "{\"nested\": {\"deeper\": {\"deepest\": [[1, 2], [3, {\"x\": \" y \"}]]}}}",
            "{}"}) {
            StringWriter copied = new StringWriter();
            try (JsonParser parser = jackson.createParser(json); JsonGenerator generator = jackson.createGenerator(copied)) {
                parser.nextToken();
                generator.copyCurrentStructureExact(parser);
            }
            assertThat(EventData.compactObject("event_data", json)).as(json).isEqualTo(copied.toString());
        }
    }

    @Test
    void rejectsWhatIsNotExactlyOneWellFormedObject() {
        for (String json : new String[] {"[1]", "\"text\"", "42", "", "{\"a\": 1} {\"b\": 2}", "{\"a\": 1", "{\"a\": 01}",
            "{\"a\": \"tab\tinside\"}", "{\"a\": 1, \"a\": 2}", "{\"a\": \"\\x\"}", "{\"a\": [1, 2}"}) {
            assertThatThrownBy(() -> EventData.compactObject("event_data", json)).as(json).isInstanceOf(DataException.class)
                    .hasMessageContaining("'event_data'");
        }
    }

    @Test
    void theSharedTreeRejectsWhatCompactionRejectsWithTheSameMessage() {
        for (String json : new String[] {"[1]", "\"text\"", "", "{\"a\": 1} {\"b\": 2}", "{\"a\": 1", "{\"a\": 01}",
            "{\"a\": \"tab\tinside\"}", "{\"a\": 1, \"a\": 2}", "{\"a\": [1, 2}"}) {
            Throwable compact = catchThrowable(() -> EventData.compactObject("event_data", json));
            assertThatThrownBy(() -> EventData.objectTree("event_data", json)).as(json).isInstanceOf(DataException.class)
                    .hasMessage(compact.getMessage());
        }
        assertThat(EventData.objectTree("event_data", "{\"total_amount\": 12345678901234567.89}").get("total_amount").decimalValue())
                .isEqualByComparingTo("12345678901234567.89");
    }
}
