package io.outboxconnect.transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.debezium.transforms.outbox.EventRouterConfigDefinition;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.SchemaRegistryClientConfig;

/**
 * Every option of {@link AvroEventRouter}: Debezium's EventRouter keys that still mean something
 * (with seed 000's column names as defaults), the naming convention, the schema rules and the
 * registry client. EventRouter keys that the envelope makes meaningless are declared too, so that
 * setting one is reported on that key by Connect's validate endpoint instead of being ignored.
 */
public final class AvroEventRouterConfig extends AbstractConfig {

    public static final String FIELD_EVENT_ID = EventRouterConfigDefinition.FIELD_EVENT_ID.name();
    public static final String FIELD_EVENT_KEY = EventRouterConfigDefinition.FIELD_EVENT_KEY.name();
    public static final String FIELD_EVENT_TYPE = EventRouterConfigDefinition.FIELD_EVENT_TYPE.name();
    public static final String FIELD_EVENT_TIMESTAMP = EventRouterConfigDefinition.FIELD_EVENT_TIMESTAMP.name();
    public static final String FIELD_PAYLOAD = EventRouterConfigDefinition.FIELD_PAYLOAD.name();
    public static final String ROUTE_BY_FIELD = EventRouterConfigDefinition.ROUTE_BY_FIELD.name();
    public static final String FIELDS_ADDITIONAL_PLACEMENT = EventRouterConfigDefinition.FIELDS_ADDITIONAL_PLACEMENT.name();

    public static final String NAMING_COMPANY = "naming.company";
    public static final String NAMING_DOMAIN = "naming.domain";
    public static final String NAMING_ENV = "naming.env";
    public static final String NAMING_CLUSTER = "naming.cluster";
    public static final String NAMING_VERSION = "naming.version";
    public static final String NAMING_EVENT_TOPIC_FORMAT = "naming.event.topic.format";
    public static final String NAMING_STATE_TOPIC_FORMAT = "naming.state.topic.format";

    public static final String PAYLOAD_MAX_BYTES = "payload.max.bytes";

    public static final String ERRORS_DATA_POLICY = "errors.data.policy";
    public static final String ERRORS_DLQ_TOPIC_FORMAT = "errors.dlq.topic.format";
    public static final String ERRORS_DLQ_MAX_BYTES = "errors.dlq.max.bytes";

    public static final String STREAM_DEFAULT = "stream.default";
    public static final String STATE_DELETE_EVENT_TYPES = "state.delete.event.types";
    public static final String STATE_UNKNOWN_FIELDS = "state.unknown.fields";

    public static final String SCHEMAS_AUTO_REGISTER = "schemas.auto.register";
    public static final String SCHEMAS_EVENT_SOURCE = "schemas.event.source";
    public static final String SCHEMAS_EVENT_VERSION = "schemas.event.version";
    public static final String SCHEMAS_STATE_SOURCE = "schemas.state.source";
    public static final String SCHEMAS_STATE_VERSION = "schemas.state.version";
    public static final String SCHEMAS_PRELOAD_AGGREGATES = "schemas.preload.aggregates";
    public static final String SCHEMAS_PRELOAD_STREAMS = "schemas.preload.streams";

    private static final String GROUP_TABLE = "Outbox table";
    private static final String GROUP_NAMING = "Naming";
    private static final String GROUP_SCHEMAS = "Schemas";
    private static final String GROUP_STREAMS = "Streams";
    private static final String GROUP_ERRORS = "Errors";

    /** EventRouter keys that keep their meaning and their Debezium definition. */
    private static final List<String> INHERITED = List.of(
            FIELDS_ADDITIONAL_PLACEMENT,
            EventRouterConfigDefinition.FIELDS_ADDITIONAL_MISSING.name(),
            EventRouterConfigDefinition.OPERATION_INVALID_BEHAVIOR.name(),
            "tracing.span.context.field", "tracing.operation.name", "tracing.with.context.field.only");

    /** EventRouter keys the envelope makes meaningless, with the reason given when one is set. */
    private static final Map<String, String> NOT_SUPPORTED = new java.util.TreeMap<>(Map.of(
            EventRouterConfigDefinition.ROUTE_TOPIC_REGEX.name(), "the topic is derived by " + NAMING_EVENT_TOPIC_FORMAT,
            EventRouterConfigDefinition.ROUTE_TOPIC_REPLACEMENT.name(), "the topic is derived by " + NAMING_EVENT_TOPIC_FORMAT,
            EventRouterConfigDefinition.ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD.name(), "an event always carries the full aggregate; an empty payload is bad data",
            EventRouterConfigDefinition.EXPAND_JSON_PAYLOAD.name(), "the payload is kept as JSON text in the envelope's event_data",
            EventRouterConfigDefinition.TABLE_JSON_PAYLOAD_NULL_BEHAVIOR.name(), "the payload is kept as JSON text in the envelope's event_data",
            EventRouterConfigDefinition.TABLE_JSON_PAYLOAD_EMPTY_ARRAY_BEHAVIOR.name(), "the payload is kept as JSON text in the envelope's event_data",
            EventRouterConfigDefinition.FIELD_SCHEMA_VERSION.name(), "the envelope's schema comes from the registry subject, see " + SCHEMAS_EVENT_VERSION));

    public static final ConfigDef CONFIG_DEF = configDef();

    public AvroEventRouterConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
        List<String> placements = getList(FIELDS_ADDITIONAL_PLACEMENT);
        for (String placement : placements == null ? List.<String>of() : placements) {
            String[] parts = placement.split(":");
            if (parts.length > 1 && parts[1].trim().equalsIgnoreCase("envelope")) {
                throw new ConfigException(FIELDS_ADDITIONAL_PLACEMENT, placement,
                        "'envelope' placement is not supported: the value is the Avro event envelope; place additional fields in headers");
            }
        }
        eventVersion(); // validates
        stateVersion();
        if (getBoolean(SCHEMAS_AUTO_REGISTER) && getString(SCHEMAS_EVENT_SOURCE).isBlank() && getString(SCHEMAS_STATE_SOURCE).isBlank()) {
            throw new ConfigException(SCHEMAS_EVENT_SOURCE, getString(SCHEMAS_EVENT_SOURCE), "or " + SCHEMAS_STATE_SOURCE
                    + " is required when " + SCHEMAS_AUTO_REGISTER + "=true: it is the schema to register");
        }
    }

    private static ConfigDef configDef() {
        ConfigDef eventRouter = EventRouterConfigDefinition.configDef();
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(FIELD_EVENT_ID, Type.STRING, "event_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "The outbox column holding the event id (a UUID), written to the envelope's event_id and to the 'id' header. Debezium's default is 'id'.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Event id column");
        def.define(FIELD_EVENT_KEY, Type.STRING, "aggregate_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "The outbox column holding the aggregate id: the record key (as a string) and the envelope's aggregate_id. Debezium's default is 'aggregateid'.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Aggregate id column");
        def.define(FIELD_EVENT_TYPE, Type.STRING, "event_type", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "The outbox column holding the event type, a symbol of the envelope's event type enum, also written to the 'event_type' header. Debezium's default is 'type'.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Event type column");
        def.define(FIELD_EVENT_TIMESTAMP, Type.STRING, "event_date", Importance.MEDIUM,
                "The outbox column holding the event date (TIMESTAMPTZ or TIMESTAMP, any time.precision.mode), written as event_date in microseconds"
                        + " and used as the Kafka record timestamp (unless Kafka would refuse it: before 1970 or more than 30 minutes ahead;"
                        + " then the change event's ts_ms). When the column is absent or null, the change event's ts_ms is used for both.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Event date column");
        def.define(FIELD_PAYLOAD, Type.STRING, "event_data", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "The outbox column holding the full aggregate as JSON (jsonb, json or text), written compact to the envelope's event_data. Debezium's default is 'payload'.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Payload column");
        def.define(ROUTE_BY_FIELD, Type.STRING, "aggregate_type", new ConfigDef.NonEmptyString(), Importance.HIGH,
                "The outbox column holding the aggregate type; its value is {aggregate} in the topic formats and the envelope's aggregate_type."
                        + " Debezium's default is 'aggregatetype'.",
                GROUP_TABLE, ++order, Width.MEDIUM, "Aggregate type column");
        def.define(PAYLOAD_MAX_BYTES, Type.INT, 512 * 1024, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                "The largest payload (UTF-8 bytes) the plugin publishes; a larger one is bad data. The default keeps the event and the state"
                        + " under the producer's default max.request.size (1 MiB). A row over it goes to the dead-letter topic whole (gzipped when"
                        + " over " + ERRORS_DLQ_MAX_BYTES + ").",
                GROUP_TABLE, ++order, Width.SHORT, "Maximum payload size");
        for (String inherited : INHERITED) {
            def.define(eventRouter.configKeys().get(inherited));
        }
        NOT_SUPPORTED.forEach((key, reason) -> def.define(key, Type.STRING, null, new NotSupported(reason), Importance.LOW,
                "Not supported by AvroEventRouter (" + reason + "); setting it is a configuration error.", GROUP_TABLE, 100, Width.NONE, key));

        order = 0;
        def.define(NAMING_COMPANY, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new Identifier(), Importance.HIGH,
                "The company, the root of the Avro namespaces: the envelope must be named com.{company}.{domain}.event.{Aggregate}Event.",
                GROUP_NAMING, ++order, Width.SHORT, "Company");
        def.define(NAMING_DOMAIN, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new Identifier(), Importance.HIGH,
                "The bounded context (snake_case), {domain} in topic names and Avro namespaces.",
                GROUP_NAMING, ++order, Width.SHORT, "Domain");
        def.define(NAMING_ENV, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new TopicSegment(), Importance.HIGH,
                "The deployment environment, {env} in topic names (e.g. public, staging, dev).",
                GROUP_NAMING, ++order, Width.SHORT, "Environment");
        def.define(NAMING_CLUSTER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new TopicSegment(), Importance.HIGH,
                "The Kafka cluster identifier, {cluster} in topic names (e.g. c1).",
                GROUP_NAMING, ++order, Width.SHORT, "Cluster");
        def.define(NAMING_VERSION, Type.STRING, "v1", new TopicSegment(), Importance.MEDIUM,
                "The topic version, {version} in topic names; raise it for a breaking schema change.",
                GROUP_NAMING, ++order, Width.SHORT, "Topic version");
        def.define(NAMING_EVENT_TOPIC_FORMAT, Type.STRING, OutboxNames.DEFAULT_EVENT_TOPIC_FORMAT, new TopicFormat(), Importance.MEDIUM,
                "The events topic of an aggregate, with the placeholders {env}, {domain}, {aggregate}, {cluster}, {version} and {company};"
                        + " {aggregate} is required and is the value of the aggregate type column.",
                GROUP_NAMING, ++order, Width.LONG, "Events topic format");
        def.define(NAMING_STATE_TOPIC_FORMAT, Type.STRING, OutboxNames.DEFAULT_STATE_TOPIC_FORMAT, new TopicFormat(), Importance.MEDIUM,
                "The log-compacted latest-state topic of an aggregate, with the same placeholders; {aggregate} is required.",
                GROUP_NAMING, ++order, Width.LONG, "State topic format");

        order = 0;
        def.define(STREAM_DEFAULT, Type.STRING, "event", ConfigDef.ValidString.in("event", "state"), Importance.MEDIUM,
                "The stream a change event is published to when it carries no '" + OutboxStream.HEADER + "' header: 'event' or 'state'."
                        + " OutboxConnector marks every copy; with Debezium's stock connector this chooses events-only or state-only.",
                GROUP_STREAMS, ++order, Width.SHORT, "Default stream");
        def.define(STATE_DELETE_EVENT_TYPES, Type.LIST, "*_DELETED", Importance.MEDIUM,
                "Event types (exact, or patterns with '*') that mean the aggregate is gone: its state record is a tombstone (null value) for the key.",
                GROUP_STREAMS, ++order, Width.LONG, "Deleting event types");
        def.define(STATE_UNKNOWN_FIELDS, Type.STRING, "fail", ConfigDef.ValidString.in("fail", "ignore"), Importance.MEDIUM,
                "What a JSON field that the aggregate schema does not declare does to the state record: 'fail' (bad data) or 'ignore'.",
                GROUP_STREAMS, ++order, Width.SHORT, "Unknown aggregate fields");

        order = 0;
        def.define(ERRORS_DATA_POLICY, Type.STRING, DataErrorPolicy.DLQ.value(),
                ConfigDef.ValidString.in(DataErrorPolicy.DLQ.value(), DataErrorPolicy.FAIL.value(), DataErrorPolicy.LOG.value()), Importance.HIGH,
                "What a row the plugin cannot publish because of its data does: 'dlq' sends the whole row as JSON, with the reason in"
                        + " headers, to the dead-letter topic and goes on (neither its event nor its state is published); 'fail' fails the task;"
                        + " 'log' skips it with a WARN line naming the row and the reason. Registry outages and incompatible schemas are not data:"
                        + " they are retried and then fail the task, whatever this says.",
                GROUP_ERRORS, ++order, Width.SHORT, "Bad data policy");
        def.define(ERRORS_DLQ_TOPIC_FORMAT, Type.STRING, OutboxNames.DEFAULT_DEAD_LETTER_TOPIC_FORMAT, new DeadLetterTopicFormat(), Importance.MEDIUM,
                "The dead-letter topic, with the placeholders {env}, {domain}, {cluster}, {version} and {company} (not {aggregate}: a bad row"
                        + " may not name one). Create it with cleanup.policy=delete: a bad row may have no key.",
                GROUP_ERRORS, ++order, Width.LONG, "Dead-letter topic format");
        def.define(ERRORS_DLQ_MAX_BYTES, Type.INT, 1_000_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                "The largest dead-letter value (bytes) the plugin sends. A row whose JSON is larger is sent gzipped, with the header"
                        + " outbox.dlq.content.encoding=gzip; one still larger fails the task, naming the row, before anything is sent (the row is"
                        + " read again after a restart: nothing is lost). The default leaves room for the key and headers under the producer's"
                        + " default max.request.size (1 MiB); raise it only with producer.override.max.request.size on the connector and"
                        + " max.message.bytes on the dead-letter topic.",
                GROUP_ERRORS, ++order, Width.SHORT, "Dead-letter size limit");

        order = 0;
        def.define(SCHEMAS_AUTO_REGISTER, Type.BOOLEAN, false, Importance.MEDIUM,
                "Whether to register the envelope schema from schemas.event.source under {events topic}-value when first needed. For development:"
                        + " in production, register schemas before the connector starts and leave this false, so the plugin only looks them up.",
                GROUP_SCHEMAS, ++order, Width.SHORT, "Auto-register schemas");
        def.define(SCHEMAS_EVENT_SOURCE, Type.STRING, "", Importance.MEDIUM,
                "The envelope schema the plugin must use: inline .avsc JSON, or a file path that may contain the naming placeholders"
                        + " (e.g. /etc/outbox/schemas/{domain}/{aggregate}_event.avsc). When set, the registry must hold exactly this schema under the"
                        + " subject (or it is registered, with schemas.auto.register=true). When empty, the subject's version schemas.event.version is used.",
                GROUP_SCHEMAS, ++order, Width.LONG, "Envelope schema source");
        def.define(SCHEMAS_EVENT_VERSION, Type.STRING, "latest", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Which version of the {events topic}-value subject to write with when schemas.event.source is empty: 'latest' or a version number.",
                GROUP_SCHEMAS, ++order, Width.SHORT, "Envelope schema version");
        def.define(SCHEMAS_STATE_SOURCE, Type.STRING, "", Importance.MEDIUM,
                "The aggregate schema for state records, as schemas.event.source is for envelopes (e.g. /etc/outbox/schemas/{domain}/{aggregate}.avsc).",
                GROUP_SCHEMAS, ++order, Width.LONG, "Aggregate schema source");
        def.define(SCHEMAS_STATE_VERSION, Type.STRING, "latest", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Which version of the {state topic}-value subject to write with when schemas.state.source is empty: 'latest' or a version number.",
                GROUP_SCHEMAS, ++order, Width.SHORT, "Aggregate schema version");
        def.define(SCHEMAS_PRELOAD_STREAMS, Type.LIST, "event", OutboxStream.LIST_VALIDATOR, Importance.LOW,
                "The streams whose schemas schemas.preload.aggregates resolves at task start: event, state.",
                GROUP_SCHEMAS, ++order, Width.SHORT, "Streams checked at start");
        def.define(SCHEMAS_PRELOAD_AGGREGATES, Type.LIST, "", Importance.LOW,
                "Aggregate types whose schemas are resolved and checked when the task starts, so a missing or wrong schema fails the task at once"
                        + " instead of at the first event. Others are resolved at their first event.",
                GROUP_SCHEMAS, ++order, Width.LONG, "Aggregates checked at start");

        return SchemaRegistryClientConfig.addTo(def);
    }

    /** The pinned version of the events subject, or {@code null} for the latest. */
    Integer eventVersion() {
        return pinnedVersion(SCHEMAS_EVENT_VERSION);
    }

    /** The pinned version of the state subject, or {@code null} for the latest. */
    Integer stateVersion() {
        return pinnedVersion(SCHEMAS_STATE_VERSION);
    }

    private Integer pinnedVersion(String key) {
        String version = getString(key).trim();
        if (version.equalsIgnoreCase("latest")) {
            return null;
        }
        try {
            int pinned = Integer.parseInt(version);
            if (pinned < 1) {
                throw new NumberFormatException();
            }
            return pinned;
        }
        catch (NumberFormatException e) {
            throw new ConfigException(key, version, "must be 'latest' or a version number (1 or more)");
        }
    }

    DataErrorPolicy dataErrorPolicy() {
        return DataErrorPolicy.parse(getString(ERRORS_DATA_POLICY));
    }

    OutboxStream defaultStream() {
        return OutboxStream.parse(getString(STREAM_DEFAULT));
    }

    List<OutboxStream> preloadStreams() {
        return getList(SCHEMAS_PRELOAD_STREAMS).stream().map(OutboxStream::parse).toList();
    }

    /** The deleting event types as one pattern: '*' matches any run of characters. */
    java.util.regex.Pattern deleteEventTypes() {
        List<String> alternatives = getList(STATE_DELETE_EVENT_TYPES).stream()
                .map(glob -> java.util.Arrays.stream(glob.trim().split("\\*", -1)).map(java.util.regex.Pattern::quote)
                        .collect(java.util.stream.Collectors.joining(".*")))
                .toList();
        return java.util.regex.Pattern.compile(alternatives.isEmpty() ? "(?!)" : String.join("|", alternatives));
    }

    OutboxNames names() {
        return OutboxNames.builder()
                .company(getString(NAMING_COMPANY))
                .domain(getString(NAMING_DOMAIN))
                .env(getString(NAMING_ENV))
                .cluster(getString(NAMING_CLUSTER))
                .version(getString(NAMING_VERSION))
                .eventTopicFormat(getString(NAMING_EVENT_TOPIC_FORMAT))
                .stateTopicFormat(getString(NAMING_STATE_TOPIC_FORMAT))
                .build();
    }

    /**
     * The configuration handed to Debezium's EventRouter: our column names, the routed topic set to
     * the aggregate type itself (the naming convention derives the real topic), the timestamp column
     * withheld (EventRouter only reads int64 columns; we read every representation).
     */
    Map<String, Object> eventRouterConfig() {
        Map<String, Object> config = new HashMap<>(originals());
        NOT_SUPPORTED.keySet().forEach(config::remove);
        config.put(FIELD_EVENT_ID, getString(FIELD_EVENT_ID));
        config.put(FIELD_EVENT_KEY, getString(FIELD_EVENT_KEY));
        config.put(FIELD_EVENT_TYPE, getString(FIELD_EVENT_TYPE));
        config.put(FIELD_PAYLOAD, getString(FIELD_PAYLOAD));
        config.put(ROUTE_BY_FIELD, getString(ROUTE_BY_FIELD));
        config.remove(FIELD_EVENT_TIMESTAMP);
        config.put(EventRouterConfigDefinition.ROUTE_TOPIC_REPLACEMENT.name(), "${routedByValue}");
        // AvroEventRouter sets the topic itself: a regex that never matches spares EventRouter's RegexRouter a
        // match and a replacement per record (8% of a row's cost)
        config.put(EventRouterConfigDefinition.ROUTE_TOPIC_REGEX.name(), "(?!)");
        return config;
    }

    /** A key of Debezium's EventRouter that AvroEventRouter does not honour. */
    private static final class NotSupported implements ConfigDef.Validator {
        private final String reason;

        NotSupported(String reason) {
            this.reason = reason;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value != null) {
                throw new ConfigException(name, value, "not supported by AvroEventRouter: " + reason);
            }
        }

        @Override
        public String toString() {
            return "not supported (leave unset)";
        }
    }

    private static final class Identifier implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !((String) value).matches("[a-z][a-z0-9_]*")) {
                throw new ConfigException(name, value, "must be a snake_case identifier ([a-z][a-z0-9_]*)");
            }
        }

        @Override
        public String toString() {
            return "snake_case identifier";
        }
    }

    private static final class TopicSegment implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!OutboxNames.isTopicSegment((String) value)) {
                throw new ConfigException(name, value, "must be non-empty and hold only letters, digits, '_' and '-'");
            }
        }

        @Override
        public String toString() {
            return "letters, digits, '_', '-'";
        }
    }

    private static final class DeadLetterTopicFormat implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                OutboxNames.requireDeadLetterTopicFormat("dead-letter topic format", (String) value);
            }
            catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "topic format without {aggregate}";
        }
    }

    private static final class TopicFormat implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                OutboxNames.requireTopicFormat("topic format", (String) value);
            }
            catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "topic format containing {aggregate}";
        }
    }
}
