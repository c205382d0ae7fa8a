package io.outboxconnect.generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.outboxconnect.generator.AggregateSpec.Cleanup;
import io.outboxconnect.generator.AggregateSpec.Database;
import io.outboxconnect.generator.AggregateSpec.FieldSpec;
import io.outboxconnect.generator.AggregateSpec.Kind;
import io.outboxconnect.generator.AggregateSpec.Monitoring;
import io.outboxconnect.generator.AggregateSpec.Registry;
import io.outboxconnect.generator.AggregateSpec.TableLayout;
import io.outboxconnect.generator.AggregateSpec.Topics;
import io.outboxconnect.generator.AggregateSpec.TypeSpec;
import io.outboxconnect.naming.OutboxNames;

/**
 * Reads an aggregate spec (YAML, or JSON, which is YAML too) and validates all of it at once: every
 * problem is reported with its path in the file ({@code fields[2].items.fields[0].name}), not just the first.
 */
public final class AggregateSpecReader {

    static final String READER_DEFAULT_SYMBOL = "UNKNOWN";
    static final List<String> CRUD_VERBS = List.of("CREATED", "UPDATED", "DELETED");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");
    /** NAMEDATALEN - 1: the longest identifier PostgreSQL keeps whole. */
    static final int POSTGRES_NAME_MAX = 63;
    /**
     * PostgreSQL's reserved key words, those that cannot name a schema or a role unquoted
     * ({@code pg_get_keywords()} categories R and T of PostgreSQL 15, and 16's system_user).
     */
    private static final Set<String> POSTGRES_RESERVED = Set.of(("all analyse analyze and any array as asc asymmetric authorization binary both"
            + " case cast check collate collation column concurrently constraint create cross current_catalog current_date current_role"
            + " current_schema current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch"
            + " for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading left"
            + " like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary"
            + " references returning right select session_user similar some symmetric system_user table tablesample then to trailing true"
            + " union unique user using variadic verbose when where window with").split(" "));
    private static final Pattern SCREAMING = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern PASCAL = Pattern.compile("[A-Z][A-Za-z0-9]*");
    private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
    /** {@code ${provider:path:key}} or {@code ${provider:key}}: resolved by the worker's ConfigProviders. */
    private static final Pattern CONFIG_PROVIDER_REFERENCE = Pattern.compile("\\$\\{[A-Za-z0-9_.-]+:[^}]+}");

    /** Java keywords and literals: Avro namespaces become Java packages, field names Java members. */
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package",
            "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "record", "var", "yield");
    /** Aggregate names whose topics would collide with another aggregate's or with the dead-letter topic. */
    private static final Set<String> RESERVED_AGGREGATES = Set.of("outbox", "outbox_dlq");

    private static final Set<String> TOP_KEYS = Set.of("company", "domain", "aggregate", "env", "cluster", "schema_version",
            "partitions", "event_types", "fields", "outbox", "database", "schema_registry", "topics", "monitoring");
    private static final Set<String> FIELD_KEYS = Set.of("name", "type", "nullable", "doc", "type_name", "type_doc", "symbols",
            "fields", "items", "values");
    private static final Set<String> TYPE_KEYS = Set.of("type", "name", "doc", "symbols", "fields", "items", "values");

    private final List<String> problems = new ArrayList<>();
    private final Set<String> typeNames = new HashSet<>();
    private String aggregatePascal = "";

    private AggregateSpecReader() {
    }

    /** Reads and validates a spec file. */
    public static AggregateSpec read(Path file) throws InvalidSpecException, IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Reads and validates a spec; {@code source} names it in messages. */
    public static AggregateSpec parse(String text, String source) throws InvalidSpecException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        }
        catch (JsonProcessingException e) {
            throw new InvalidSpecException(source, List.of("not valid YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(source, List.of("the spec must be a mapping of keys (company, domain, aggregate, ...)"));
        }
        return new AggregateSpecReader().spec(root, source);
    }

    private AggregateSpec spec(JsonNode root, String source) throws InvalidSpecException {
        unknownKeys(root, TOP_KEYS, "");
        String company = identifier(root, "company", true);
        String domain = identifier(root, "domain", true);
        String aggregate = identifier(root, "aggregate", false);
        if (aggregate != null && (RESERVED_AGGREGATES.contains(aggregate) || aggregate.endsWith("_event"))) {
            problems.add("aggregate: '" + aggregate + "' is reserved (its topics would collide with another aggregate's or the dead-letter topic)");
        }
        String env = text(root, "env", null);
        String cluster = text(root, "cluster", null);
        String version = text(root, "schema_version", "v1");
        OutboxNames names = null;
        if (domain != null && env != null && cluster != null) {
            try {
                names = OutboxNames.builder().company(company).domain(domain).env(env).cluster(cluster).version(version).build();
            }
            catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (version != null && !version.matches("v[1-9][0-9]*")) {
            problems.add("schema_version: '" + version + "' must be v1, v2, ... (it is the {version} of the topic names)");
        }
        int partitions = integer(root, "partitions", 6, 1);
        aggregatePascal = aggregate == null ? "" : OutboxNames.pascalCase(aggregate);
        if (aggregate != null) {
            typeNames.add(aggregatePascal);
        }
        List<String> eventTypes = eventTypes(root.path("event_types"), aggregate);
        List<FieldSpec> fields = fields(root.path("fields"), "fields");
        if (root.path("fields").isMissingNode()) {
            problems.add("fields: required: the aggregate's fields (name, type, nullable, doc)");
        }

        JsonNode outbox = root.path("outbox");
        unknownKeys(outbox, Set.of("table", "cleanup", "retention_days"), "outbox.");
        TableLayout layout = choice(outbox, "outbox.table", "table", TableLayout.class, TableLayout.PER_AGGREGATE);
        Cleanup cleanup = choice(outbox, "outbox.cleanup", "cleanup", Cleanup.class, Cleanup.DELETE);
        int retentionDays = integer(outbox, "retention_days", "outbox.retention_days", 7, 1);

        JsonNode db = root.path("database");
        unknownKeys(db, Set.of("hostname", "port", "dbname", "schema", "user", "password"), "database.");
        Database database = new Database(text(db, "hostname", "database.hostname", null), integer(db, "port", "database.port", 5432, 1),
                text(db, "dbname", "database.dbname", null), text(db, "schema", "database.schema", "public"),
                text(db, "user", "database.user", "outbox_connector"), secret(db, "password", "database.password", true));
        if (database.schema() != null && !SNAKE.matcher(database.schema()).matches()) {
            problems.add("database.schema: '" + database.schema() + "' is not a snake_case identifier");
        }
        else {
            postgresName("database.schema", database.schema());
        }
        if (database.user() != null && !SNAKE.matcher(database.user()).matches()) {
            problems.add("database.user: '" + database.user() + "' is not a snake_case identifier (the migration's role statements use it unquoted)");
        }
        else if (database.user() != null && (database.user().equals("public") || database.user().equals("none") || database.user().startsWith("pg_"))) {
            problems.add("database.user: '" + database.user() + "' is a name PostgreSQL reserves for roles");
        }
        else {
            postgresName("database.user", database.user());
        }

        JsonNode sr = root.path("schema_registry");
        unknownKeys(sr, Set.of("url", "basic_auth_user_info"), "schema_registry.");
        String url = text(sr, "url", "schema_registry.url", null);
        if (url != null && !url.matches("https?://\\S+")) {
            problems.add("schema_registry.url: '" + url + "' is not an http(s) URL");
        }
        Registry registry = new Registry(url, secret(sr, "basic_auth_user_info", "schema_registry.basic_auth_user_info", false));

        JsonNode tp = root.path("topics");
        unknownKeys(tp, Set.of("replication_factor", "events_retention_days", "dead_letter_retention_days"), "topics.");
        int replication = integer(tp, "replication_factor", "topics.replication_factor", -1, -1);
        if (replication == 0) {
            problems.add("topics.replication_factor: 0 is not a replication factor (-1 means the broker's default)");
        }
        Topics topics = new Topics(replication, integer(tp, "events_retention_days", "topics.events_retention_days", 7, 1),
                integer(tp, "dead_letter_retention_days", "topics.dead_letter_retention_days", 30, 1));

        JsonNode mon = root.path("monitoring");
        unknownKeys(mon, Set.of("max_slot_lag_bytes", "max_outbox_rows", "max_oldest_row_age_seconds"), "monitoring.");
        boolean retain = cleanup == Cleanup.RETAIN;
        Monitoring monitoring = new Monitoring(
                longValue(mon, "max_slot_lag_bytes", "monitoring.max_slot_lag_bytes", 100L * 1024 * 1024),
                longValue(mon, "max_outbox_rows", "monitoring.max_outbox_rows", retain ? 0 : 500),
                longValue(mon, "max_oldest_row_age_seconds", "monitoring.max_oldest_row_age_seconds",
                        retain ? (retentionDays + 1L) * 86_400 : 60));

        if (!problems.isEmpty()) {
            throw new InvalidSpecException(source, problems);
        }
        AggregateSpec spec = new AggregateSpec(company, domain, aggregate, env, cluster, version, partitions, eventTypes, fields, layout, cleanup,
                retentionDays, database, registry, topics, monitoring);
        spec.postgresNames().forEach((what, name) -> postgresName("the " + what + " (from domain and aggregate)", name));
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(source, problems);
        }
        return spec;
    }

    /**
     * A name the migration writes unquoted: not a PostgreSQL reserved key word, and at most 63 bytes
     * (PostgreSQL silently shortens a longer one, while the connector's config keeps it whole).
     */
    private void postgresName(String what, String name) {
        if (name.length() > POSTGRES_NAME_MAX) {
            problems.add(what + ": '" + name + "' is " + name.length() + " characters, over PostgreSQL's " + POSTGRES_NAME_MAX
                    + " (PostgreSQL would shorten it silently, while the migration and the connector's config name it whole): choose a shorter"
                    + " domain or aggregate name");
        }
        else if (POSTGRES_RESERVED.contains(name)) {
            problems.add(what + ": '" + name + "' is a PostgreSQL reserved key word");
        }
    }

    private List<String> eventTypes(JsonNode node, String aggregate) {
        String prefix = aggregate == null ? null : aggregate.toUpperCase(Locale.ROOT) + "_";
        if (node.isMissingNode() || node.isNull()) {
            // seed 000: propose CRUD defaults when the team has none yet
            return prefix == null ? List.of() : CRUD_VERBS.stream().map(v -> prefix + v).toList();
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add("event_types: must be a non-empty list such as [" + (prefix == null ? "ORDER_" : prefix) + "CREATED]");
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String type = node.get(i).asText();
            String where = "event_types[" + i + "]: '" + type + "' ";
            if (!SCREAMING.matcher(type).matches()) {
                problems.add(where + "is not SCREAMING_SNAKE_CASE ({AGGREGATE}_{VERB})");
            }
            else if (type.equals(READER_DEFAULT_SYMBOL)) {
                problems.add(where + "is reserved: the enum's reader default, added by the generator and never emitted");
            }
            else if (prefix != null && (!type.startsWith(prefix) || type.length() == prefix.length())) {
                problems.add(where + "does not start with the aggregate's name: expected " + prefix + "{VERB}");
            }
            if (!seen.add(type)) {
                problems.add(where + "is listed twice");
            }
        }
        return List.copyOf(seen);
    }

    private List<FieldSpec> fields(JsonNode node, String path) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add(path + ": must be a non-empty list of fields");
            return List.of();
        }
        List<FieldSpec> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode f = node.get(i);
            String at = path + "[" + i + "]";
            if (!f.isObject()) {
                problems.add(at + ": a field is a mapping with name, type, nullable and doc");
                continue;
            }
            unknownKeys(f, FIELD_KEYS, at + ".");
            String name = f.path("name").asText(null);
            if (name == null) {
                problems.add(at + ".name: required");
                continue;
            }
            at = path + "[" + name + "]";
            if (!SNAKE.matcher(name).matches()) {
                problems.add(at + ": field name '" + name + "' is not a snake_case identifier ([a-z][a-z0-9_]*)");
            }
            else if (RESERVED.contains(name)) {
                problems.add(at + ": field name '" + name + "' is a reserved word (Avro's code generators make it a Java member)");
            }
            if (!names.add(name)) {
                problems.add(at + ": duplicate field '" + name + "'");
            }
            JsonNode nullable = f.path("nullable");
            if (!nullable.isMissingNode() && !nullable.isBoolean()) {
                problems.add(at + ".nullable: must be true or false");
            }
            TypeSpec type = type(f.path("type"), f, at, name, true);
            fields.add(new FieldSpec(name, type, nullable.asBoolean(false), f.path("doc").asText(null)));
        }
        return fields;
    }

    /** A type, from {@code typeNode} and (for named, array and map types) the keys of {@code holder}. */
    private TypeSpec type(JsonNode typeNode, JsonNode holder, String at, String fieldName, boolean fieldLevel) {
        if (typeNode.isObject()) {
            unknownKeys(typeNode, TYPE_KEYS, at + ".");
            return type(typeNode.path("type"), typeNode, at, fieldName, false);
        }
        if (!typeNode.isTextual()) {
            problems.add(at + ".type: required: one of string, int, long, float, double, decimal(p,s), boolean, date, timestamp,"
                    + " uuid, enum, array, object, map");
            return TypeSpec.simple(Kind.STRING);
        }
        String text = typeNode.asText().trim();
        String nameKey = fieldLevel ? "type_name" : "name";
        String docKey = fieldLevel ? "type_doc" : "doc";
        Matcher decimal = DECIMAL.matcher(text);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            if (precision < 1 || scale > precision) {
                problems.add(at + ".type: " + text + ": precision must be at least 1 and scale at most the precision");
            }
            return new TypeSpec(Kind.DECIMAL, precision, scale, null, null, List.of(), List.of(), null);
        }
        Kind kind;
        try {
            kind = Kind.valueOf(text.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            problems.add(at + ".type: unknown type '" + text + "'; one of string, int, long, float, double, decimal(p,s), boolean,"
                    + " date, timestamp, uuid, enum, array, object, map");
            return TypeSpec.simple(Kind.STRING);
        }
        if (kind == Kind.DECIMAL) {
            problems.add(at + ".type: decimal needs a precision and a scale: decimal(12,2)");
        }
        for (String key : List.of("symbols", "fields", "items", "values")) {
            boolean belongs = switch (key) {
                case "symbols" -> kind == Kind.ENUM;
                case "fields" -> kind == Kind.OBJECT;
                case "items" -> kind == Kind.ARRAY;
                default -> kind == Kind.MAP;
            };
            if (!belongs && holder.has(key)) {
                problems.add(at + "." + key + ": only for type " + switch (key) {
                    case "symbols" -> "enum";
                    case "fields" -> "object";
                    case "items" -> "array";
                    default -> "map";
                } + ", not " + text);
            }
        }
        switch (kind) {
            case ENUM: {
                String name = typeName(holder.path(nameKey).asText(null), aggregatePascal + OutboxNames.pascalCase(fieldName), at + "." + nameKey);
                return new TypeSpec(kind, 0, 0, name, holder.path(docKey).asText(null), symbols(holder.path("symbols"), at + ".symbols"),
                        List.of(), null);
            }
            case OBJECT: {
                String name = typeName(holder.path(nameKey).asText(null), OutboxNames.pascalCase(fieldName), at + "." + nameKey);
                if (!holder.has("fields")) {
                    problems.add(at + ".fields: an object needs its fields");
                }
                return new TypeSpec(kind, 0, 0, name, holder.path(docKey).asText(null), List.of(),
                        fields(holder.path("fields"), at + ".fields"), null);
            }
            case ARRAY:
            case MAP: {
                String key = kind == Kind.ARRAY ? "items" : "values";
                JsonNode element = holder.path(key);
                if (element.isMissingNode()) {
                    problems.add(at + "." + key + ": an " + text + " needs its " + key + " type (e.g. " + key + ": string)");
                    return new TypeSpec(kind, 0, 0, null, null, List.of(), List.of(), TypeSpec.simple(Kind.STRING));
                }
                JsonNode elementHolder = element.isObject() ? element : MissingNode.getInstance();
                TypeSpec elementType = element.isObject()
                        ? type(element.path("type"), elementHolder, at + "." + key, fieldName + "_item", false)
                        : type(element, elementHolder, at + "." + key, fieldName + "_item", false);
                if (element.isObject()) {
                    unknownKeys(element, TYPE_KEYS, at + "." + key + ".");
                }
                return new TypeSpec(kind, 0, 0, null, null, List.of(), List.of(), elementType);
            }
            default:
                return TypeSpec.simple(kind);
        }
    }

    private String typeName(String explicit, String derived, String at) {
        String name = explicit == null ? derived : explicit;
        if (!PASCAL.matcher(name).matches()) {
            problems.add(at + ": type name '" + name + "' is not PascalCase ([A-Z][A-Za-z0-9]*)");
        }
        else if (!typeNames.add(name)) {
            problems.add(at + ": type name '" + name + "' is used twice in the aggregate's schema; name one of them with "
                    + "type_name (Avro names must be unique in a schema)");
        }
        return name;
    }

    private List<String> symbols(JsonNode node, String at) {
        if (!node.isArray() || node.isEmpty()) {
            problems.add(at + ": an enum needs a non-empty list of symbols");
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode s : node) {
            String symbol = s.asText();
            if (!SCREAMING.matcher(symbol).matches()) {
                problems.add(at + ": symbol '" + symbol + "' is not SCREAMING_SNAKE_CASE");
            }
            else if (symbol.equals(READER_DEFAULT_SYMBOL)) {
                problems.add(at + ": symbol UNKNOWN is reserved: the generator adds it first, as the enum's reader default");
            }
            if (!seen.add(symbol)) {
                problems.add(at + ": symbol '" + symbol + "' is listed twice");
            }
        }
        return List.copyOf(seen);
    }

    private String identifier(JsonNode root, String key, boolean namespace) {
        String value = text(root, key, null);
        if (value == null) {
            return null;
        }
        if (!SNAKE.matcher(value).matches()) {
            problems.add(key + ": '" + value + "' is not a snake_case identifier ([a-z][a-z0-9_]*)");
            return null;
        }
        if (namespace && RESERVED.contains(value)) {
            problems.add(key + ": '" + value + "' is a reserved word (it becomes part of a Java package through the Avro namespace)");
            return null;
        }
        return value;
    }

    private String text(JsonNode node, String key, String defaultValue) {
        return text(node, key, key, defaultValue);
    }

    private String text(JsonNode node, String key, String path, String defaultValue) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            if (defaultValue == null) {
                problems.add(path + ": required");
            }
            return defaultValue;
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            problems.add(path + ": must be a non-empty text");
            return defaultValue;
        }
        return value.asText().trim();
    }

    private String secret(JsonNode node, String key, String path, boolean required) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            if (required) {
                problems.add(path + ": required: a ConfigProvider reference such as ${env:OUTBOX_DB_PASSWORD} or "
                        + "${file:/etc/outbox/secrets.properties:password}");
            }
            return null;
        }
        String text = value.asText();
        if (!CONFIG_PROVIDER_REFERENCE.matcher(text).matches()) {
            problems.add(path + ": must be a ConfigProvider reference (${env:NAME} or ${file:/path:key}), not a literal secret:"
                    + " the connector JSON is checked in and readable through Connect's REST API");
        }
        return text;
    }

    private int integer(JsonNode node, String key, int defaultValue, int min) {
        return integer(node, key, key, defaultValue, min);
    }

    private int integer(JsonNode node, String key, String path, int defaultValue, int min) {
        long value = longValue(node, key, path, defaultValue);
        if (value < min || value > Integer.MAX_VALUE) {
            problems.add(path + ": " + value + " is out of range (at least " + min + ")");
            return defaultValue;
        }
        return (int) value;
    }

    private long longValue(JsonNode node, String key, String path, long defaultValue) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber()) {
            problems.add(path + ": must be a whole number, not '" + value.asText() + "'");
            return defaultValue;
        }
        if (value.asLong() < -1) {
            problems.add(path + ": must not be negative");
        }
        return value.asLong();
    }

    private <E extends Enum<E>> E choice(JsonNode node, String path, String key, Class<E> type, E defaultValue) {
        JsonNode value = node.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.asText().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT));
            }
            problems.add(path + ": '" + value.asText() + "' is not one of " + allowed);
            return defaultValue;
        }
    }

    private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        if (!node.isObject()) {
            if (!node.isMissingNode() && !node.isNull()) {
                problems.add(prefix.isEmpty() ? "the spec must be a mapping" : prefix.substring(0, prefix.length() - 1) + ": must be a mapping");
            }
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!known.contains(key)) {
                problems.add(prefix + key + ": unknown key; known keys: " + known.stream().sorted().toList());
            }
        }
    }
}
