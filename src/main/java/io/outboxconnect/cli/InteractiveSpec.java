package io.outboxconnect.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Seed 000's Phase 1 as a conversation on a terminal: each question with a proposed default (Enter accepts
 * it), the aggregate's fields one by one; the answers become a spec file, validated like any other.
 */
final class InteractiveSpec {

    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final List<String> SIMPLE_TYPES = List.of("string", "int", "long", "float", "double", "boolean", "date", "timestamp", "uuid");
    /** Every answer quoted: unquoted, one like 0x1f, 1e3, yes or "# a note" would be read back as something else. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final BufferedReader in;
    private final PrintWriter out;

    InteractiveSpec(BufferedReader in, PrintWriter out) {
        this.in = in;
        this.out = out;
    }

    /** Thrown when the input ends before the spec is complete. */
    static final class Abandoned extends Exception {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("input ended before the spec was complete");
        }
    }

    /** Asks the questions; returns the spec as YAML. */
    String ask() throws IOException, Abandoned {
        out.println("Let's put an aggregate on the outbox. Don't worry about being perfect: defaults are proposed in [brackets], "
                + "Enter accepts them, and the spec file can be edited afterwards.");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("company", identifier("1. Company / namespace (com.{company} of the Avro names)", "acme"));
        spec.put("domain", identifier("2. Domain, the bounded context (snake_case)", "commerce"));
        String aggregate = identifier("3. Aggregate (snake_case)", "order");
        spec.put("aggregate", aggregate);
        String prefix = aggregate.toUpperCase(Locale.ROOT) + "_";
        String types = question("4. Event types, comma-separated ({AGGREGATE}_{VERB})", prefix + "CREATED, " + prefix + "UPDATED, " + prefix + "DELETED");
        spec.put("event_types", List.of(types.split("\\s*,\\s*")));
        out.println("5. The aggregate's fields (types: " + String.join(", ", SIMPLE_TYPES) + ", decimal(p,s), enum, array, object, map).");
        spec.put("fields", fields("   ", 0));
        spec.put("env", question("6. Environment", "public"));
        spec.put("cluster", question("7. Kafka cluster identifier", "c1"));
        spec.put("schema_version", question("8. Schema version", "v1"));
        out.println("9. Database: PostgreSQL (the only one supported).");
        spec.put("partitions", number("   Partitions of both topics", "6"));
        Map<String, Object> outbox = new LinkedHashMap<>();
        outbox.put("table", question("   Outbox table layout: per_aggregate or shared", "per_aggregate"));
        outbox.put("cleanup", question("   Clean-up: delete (in the inserting transaction) or retain (replayable, purged later)", "delete"));
        if (outbox.get("cleanup").equals("retain")) {
            outbox.put("retention_days", number("   Keep rows for how many days", "7"));
        }
        spec.put("outbox", outbox);
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("hostname", question("   Database host, as the Connect worker reaches it", "postgres"));
        database.put("port", number("   Database port", "5432"));
        database.put("dbname", question("   Database name", "app"));
        database.put("user", question("   Connector role", "outbox_connector"));
        database.put("password", question("   Its password, as a ConfigProvider reference", "${env:OUTBOX_DB_PASSWORD}"));
        spec.put("database", database);
        spec.put("schema_registry", Map.of("url", question("   Schema registry URL, as the worker reaches it", "http://schema-registry:8081")));
        return YAML.writeValueAsString(spec);
    }

    private List<Map<String, Object>> fields(String indent, int depth) throws IOException, Abandoned {
        List<Map<String, Object>> fields = new ArrayList<>();
        while (true) {
            String name = line(indent + "field name (empty when done)");
            if (name.isEmpty()) {
                if (fields.isEmpty()) {
                    out.println(indent + "an aggregate needs at least one field");
                    continue;
                }
                return fields;
            }
            if (!SNAKE.matcher(name).matches()) {
                out.println(indent + "'" + name + "' is not snake_case ([a-z][a-z0-9_]*)");
                continue;
            }
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", name);
            String type = question(indent + "  type", "string");
            field.put("type", type);
            switch (type) {
                case "enum" -> field.put("symbols", List.of(line(indent + "  symbols, comma-separated").split("\\s*,\\s*")));
                case "array" -> field.put("items", question(indent + "  type of the items (" + String.join(", ", SIMPLE_TYPES) + ")", "string"));
                case "map" -> field.put("values", question(indent + "  type of the values", "string"));
                case "object" -> {
                    if (depth >= 3) {
                        out.println(indent + "  nested deeper than 3 levels: edit the spec file for that");
                        field.put("type", "string");
                    }
                    else {
                        out.println(indent + "  the fields of " + name + ":");
                        field.put("fields", fields(indent + "    ", depth + 1));
                    }
                }
                default -> {
                }
            }
            if (question(indent + "  nullable (yes/no)", "no").toLowerCase(Locale.ROOT).startsWith("y")) {
                field.put("nullable", true);
            }
            String doc = line(indent + "  what it is (doc, optional)");
            if (!doc.isEmpty()) {
                field.put("doc", doc);
            }
            fields.add(field);
        }
    }

    private String identifier(String question, String proposed) throws IOException, Abandoned {
        while (true) {
            String answer = question(question, proposed);
            if (SNAKE.matcher(answer).matches()) {
                return answer;
            }
            out.println("   '" + answer + "' is not snake_case ([a-z][a-z0-9_]*)");
        }
    }

    /** A whole number of at least 1, asked again until it is one. */
    private int number(String question, String proposed) throws IOException, Abandoned {
        while (true) {
            String answer = question(question, proposed);
            try {
                int value = Integer.parseInt(answer);
                if (value >= 1) {
                    return value;
                }
            }
            catch (NumberFormatException e) {
                // asked again
            }
            out.println("   '" + answer + "' is not a whole number of at least 1");
        }
    }

    private String question(String question, String proposed) throws IOException, Abandoned {
        String answer = line(question + " [" + proposed + "]");
        return answer.isEmpty() ? proposed : answer;
    }

    private String line(String prompt) throws IOException, Abandoned {
        out.print(prompt + ": ");
        out.flush();
        String line = in.readLine();
        if (line == null) {
            throw new Abandoned();
        }
        return line.trim();
    }
}
