package io.outboxconnect.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** {@link AvroOutput#writeCompactJson} against a plain reading of what compact means. */
class AvroOutputTest {

    private static final String[] SPACES = {"", "", " ", "  ", "\n", "\t", "\r\n", " \n\t "};
    private static final String[] TEXTS = {"", "a", "SKU-10007", "leave at the door", "Friedrichstra\u00dfe 123", "caf\u00e9",
        "\u20ac 5", "\u4e2d\u6587", "\ud83d\ude00 grin", "{}[],: \"", "tab\there", "back\\\\slash", "a\\u00e9b", "x".repeat(300), "\u007f"};

    @Test
    void compactJsonIsTheTextWithoutTheWhitespaceOutsideItsStrings() throws Exception {
        Random random = new Random(11);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder json = new StringBuilder();
            value(json, random, 0);
            String text = json.toString();

            AvroOutput out = new AvroOutput(16);
            out.writeByte(0x55); // something before it, as the envelope's other fields
            char[] chars = text.toCharArray();
            assertThat(out.writeCompactJson(chars, 0, chars.length)).as(text).isTrue();

            assertThat(out.toByteArray()).as(text).isEqualTo(avroString(compact(text)));
        }
    }

    @Test
    void textThatIsNotWellFormedOrHoldsAnUnpairedSurrogateIsLeftToTheCaller() {
        for (String text : new String[] {"{\"a\": \"open}", "{\"a\": \"\ud800\"}", "{\"a\": \"\udc00x\"}", "{\"a\u00e9\": 1}x\u00e9",
            "{\"a\": 1} \u00e9", "{\"a\": \"b\\\"}"}) {
            AvroOutput out = new AvroOutput(16);
            out.writeByte(0x55);
            char[] chars = text.toCharArray();
            assertThat(out.writeCompactJson(chars, 0, chars.length)).as(text).isFalse();
            assertThat(out.position()).as("nothing written for %s", text).isEqualTo(1);
        }
    }

    /** Random JSON values: strings with and without escapes, numbers, literals, arrays and objects, whitespace anywhere between tokens. */
    private static void value(StringBuilder json, Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 4 : 6);
        switch (kind) {
            case 0 -> json.append('"').append(TEXTS[random.nextInt(TEXTS.length)].replace("\"", "\\\"").replace("\t", "\\t")).append('"');
            case 1 -> json.append(random.nextInt(2) == 0 ? String.valueOf(random.nextInt()) : random.nextInt(1000) + "." + random.nextInt(100));
            case 2 -> json.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
            case 3 -> json.append("-0.5e-7");
            case 4 -> {
                json.append('[');
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    json.append(i == 0 ? "" : ",").append(space(random));
                    value(json, random, depth + 1);
                    json.append(space(random));
                }
                json.append(']');
            }
            default -> {
                json.append('{').append(space(random));
                int members = random.nextInt(5);
                for (int i = 0; i < members; i++) {
                    json.append(i == 0 ? "" : "," + space(random));
                    json.append('"').append(TEXTS[random.nextInt(TEXTS.length)].replace("\"", "\\\"").replace("\t", "\\t")).append(i).append('"');
                    json.append(space(random)).append(':').append(space(random));
                    value(json, random, depth + 1);
                    json.append(space(random));
                }
                json.append('}');
            }
        }
    }

    private static String space(Random random) {
        return SPACES[random.nextInt(SPACES.length)];
    }

    /** Drops the whitespace outside strings, char by char, a backslash taking the char after it along. */
    private static String compact(String json) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(json.charAt(++i));
                }
                else if (c == '"') {
                    inString = false;
                }
            }
            else if (c == '"') {
                out.append(c);
                inString = true;
            }
            else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** 0x55, then the text as Avro's encoder writes a string. */
    private static byte[] avroString(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0x55);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        encoder.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        encoder.flush();
        return bytes.toByteArray();
    }
}
