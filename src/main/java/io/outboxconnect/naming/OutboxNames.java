package io.outboxconnect.naming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that derives every name of the outbox convention (seed 000, Phase 2) from
 * company, domain, environment, cluster and schema version: topics, registry subjects, Avro
 * full names, tables, connector and replication-slot names. The SMT, the generator and the
 * docs all ask this class, so a name can never differ between them.
 *
 * <p>Topic names are formats with the placeholders {@code {env}}, {@code {domain}},
 * {@code {aggregate}}, {@code {cluster}}, {@code {version}} and {@code {company}}.
 */
public final class OutboxNames {

    /** The placeholder of the aggregate type in topic formats and schema file paths. */
    public static final String AGGREGATE_PLACEHOLDER = "{aggregate}";
    public static final String DEFAULT_EVENT_TOPIC_FORMAT = "{env}.{domain}.{aggregate}_event.{cluster}.{version}";
    public static final String DEFAULT_STATE_TOPIC_FORMAT = "{env}.{domain}.{aggregate}.{cluster}.{version}";
    /** One dead-letter topic per domain's outbox: a bad row may not even name a valid aggregate. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC_FORMAT = "{env}.{domain}.outbox_dlq.{cluster}.{version}";

    /** snake_case identifier: what seed 000 asks for domain and aggregate names. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
    /** a segment that may stand in a Kafka topic name without changing its structure. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
    private static final List<String> PLACEHOLDERS = List.of("env", "domain", "aggregate", "cluster", "version", "company");

    private final String company;
    private final String domain;
    private final String env;
    private final String cluster;
    private final String version;
    private final String eventTopicFormat;
    private final String stateTopicFormat;

    private OutboxNames(Builder b) {
        this.company = b.company;
        this.domain = requireIdentifier("domain", b.domain);
        this.env = requireSegment("env", b.env);
        this.cluster = requireSegment("cluster", b.cluster);
        this.version = requireSegment("version", b.version);
        this.eventTopicFormat = requireTopicFormat("event topic format", b.eventTopicFormat);
        this.stateTopicFormat = requireTopicFormat("state topic format", b.stateTopicFormat);
        if (company != null) {
            requireIdentifier("company", company);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The events topic of an aggregate, e.g. {@code public.commerce.order_event.c1.v1}. */
    public String eventTopic(String aggregate) {
        return format(eventTopicFormat, aggregate);
    }

    /** The log-compacted latest-state topic of an aggregate, e.g. {@code public.commerce.order.c1.v1}. */
    public String stateTopic(String aggregate) {
        return format(stateTopicFormat, aggregate);
    }

    /** Where the envelope schema of an aggregate is kept in a repository, e.g. {@code schemas/commerce/order_event.avsc}. */
    public String eventSchemaFile(String aggregate) {
        return "schemas/" + domain + "/" + aggregate + "_event.avsc";
    }

    /** Where the aggregate's own schema is kept in a repository, e.g. {@code schemas/commerce/order.avsc}. */
    public String stateSchemaFile(String aggregate) {
        return "schemas/" + domain + "/" + aggregate + ".avsc";
    }

    /**
     * The dead-letter topic named by {@code format} (see {@link #requireDeadLetterTopicFormat}), e.g.
     * {@code public.commerce.outbox_dlq.c1.v1}.
     */
    public String deadLetterTopic(String format) {
        return expand(requireDeadLetterTopicFormat("dead-letter topic format", format), null);
    }

    /** The registry subject of a topic's values under TopicNameStrategy. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    /** {@code com.{company}.{domain}.event.{Aggregate}Event}. */
    public String eventRecordFullName(String aggregate) {
        return eventNamespace() + "." + pascalCase(aggregate) + "Event";
    }

    /** {@code {Aggregate}EventType}, the enum of event types, in the event namespace. */
    public String eventTypeEnumFullName(String aggregate) {
        return eventNamespace() + "." + pascalCase(aggregate) + "EventType";
    }

    /** {@code com.{company}.{domain}.{Aggregate}}, the aggregate's state record. */
    public String aggregateRecordFullName(String aggregate) {
        return aggregateNamespace() + "." + pascalCase(aggregate);
    }

    public String eventNamespace() {
        return aggregateNamespace() + ".event";
    }

    public String aggregateNamespace() {
        if (company == null) {
            throw new IllegalStateException("No company configured: Avro names cannot be derived");
        }
        return "com." + company + "." + domain;
    }

    /** {@code {domain}_{aggregate}_outbox}: one outbox table per aggregate. */
    public String outboxTable(String aggregate) {
        return domain + "_" + requireIdentifier("aggregate", aggregate) + "_outbox";
    }

    /** {@code {domain}-{aggregate}-outbox-connector}, with '-' for '_': also a Kubernetes name (a Strimzi KafkaConnector's). */
    public String connectorName(String aggregate) {
        return domain.replace('_', '-') + "-" + requireIdentifier("aggregate", aggregate).replace('_', '-') + "-outbox-connector";
    }

    /** {@code {domain}_{aggregate}_slot}: a PostgreSQL replication slot name. */
    public String replicationSlot(String aggregate) {
        return domain + "_" + requireIdentifier("aggregate", aggregate) + "_slot";
    }

    /** {@code {domain}_outbox}: the one outbox table that every aggregate of a domain shares, when a team prefers that layout. */
    public String sharedOutboxTable() {
        return domain + "_outbox";
    }

    /** {@code {domain}-outbox-connector}: the one connector of a domain's shared outbox table. */
    public String sharedConnectorName() {
        return domain.replace('_', '-') + "-outbox-connector";
    }

    /** {@code {domain}_outbox_slot}: the replication slot of a domain's shared outbox table. */
    public String sharedReplicationSlot() {
        return domain + "_outbox_slot";
    }

    /** {@code {domain}_outbox_publication}: the publication of a domain's shared outbox table. */
    public String sharedPublication() {
        return domain + "_outbox_publication";
    }

    /** {@code {domain}_outbox}: Debezium's {@code topic.prefix} for a domain's shared outbox table. */
    public String sharedDebeziumTopicPrefix() {
        return domain + "_outbox";
    }

    /** {@code {domain}_{aggregate}}: Debezium's {@code topic.prefix} (its logical server name, also in its offsets and metrics). */
    public String debeziumTopicPrefix(String aggregate) {
        return domain + "_" + requireIdentifier("aggregate", aggregate);
    }

    /** {@code {domain}_{aggregate}_publication}: the PostgreSQL publication the connector reads. */
    public String publication(String aggregate) {
        return domain + "_" + requireIdentifier("aggregate", aggregate) + "_publication";
    }

    /** {@code {table}_signal}: Debezium's signalling table next to an outbox table (incremental snapshots, i.e. replays). */
    public static String signalTable(String outboxTable) {
        return outboxTable + "_signal";
    }

    /** {@code __debezium-heartbeat.{topic.prefix}}: where Debezium writes its heartbeats (its default {@code topic.heartbeat.prefix}). */
    public static String heartbeatTopic(String topicPrefix) {
        return "__debezium-heartbeat." + topicPrefix;
    }

    /** {@code {topic.prefix}.{schema}.{table}}: where Debezium itself would publish a captured table's change events. */
    public static String debeziumTableTopic(String topicPrefix, String schema, String table) {
        return topicPrefix + "." + schema + "." + table;
    }

    /**
     * A regular expression matching the topics of {@code format} for one aggregate, or for every aggregate
     * when {@code aggregate} is null: what Connect's {@code topic.creation.*.include} wants.
     */
    public String topicPattern(String format, String aggregate) {
        checkTopicFormat("topic format", format, format.contains(AGGREGATE_PLACEHOLDER));
        Matcher m = PLACEHOLDER.matcher(format);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(quoteTopicLiteral(format.substring(last, m.start())));
            String name = m.group(1);
            if (name.equals("aggregate") && aggregate == null) {
                out.append("[A-Za-z0-9_-]+");
            }
            else {
                out.append(quoteTopicLiteral(name.equals("aggregate") ? aggregate : placeholders(aggregate).get(name)));
            }
            last = m.end();
        }
        out.append(quoteTopicLiteral(format.substring(last)));
        return out.toString();
    }

    /** In a topic name only '.' means something to a regular expression. */
    private static String quoteTopicLiteral(String literal) {
        return literal.replace(".", "\\.");
    }

    public String company() {
        return company;
    }

    public String domain() {
        return domain;
    }

    public String env() {
        return env;
    }

    public String cluster() {
        return cluster;
    }

    public String version() {
        return version;
    }

    /** {@code line_item} → {@code LineItem}. */
    public static String pascalCase(String snake) {
        StringBuilder out = new StringBuilder(snake.length());
        boolean upper = true;
        for (int i = 0; i < snake.length(); i++) {
            char c = snake.charAt(i);
            if (c == '_' || c == '-') {
                upper = true;
            }
            else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** True when {@code value} may stand for {@code {aggregate}} in a topic name. */
    public static boolean isTopicSegment(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) { // [A-Za-z0-9_-]+, checked for every row: no matcher
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a topic format: only known placeholders, {@code {aggregate}} present (several
     * aggregates must never share a topic), and nothing a topic name cannot hold.
     *
     * @return the format
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String requireTopicFormat(String what, String format) {
        return checkTopicFormat(what, format, true);
    }

    /**
     * Checks a dead-letter topic format: the placeholders of a topic format except {@code {aggregate}},
     * since the row that goes there may not name a usable aggregate.
     *
     * @return the format
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String requireDeadLetterTopicFormat(String what, String format) {
        return checkTopicFormat(what, format, false);
    }

    private static String checkTopicFormat(String what, String format, boolean perAggregate) {
        Objects.requireNonNull(format, what);
        Matcher m = PLACEHOLDER.matcher(format);
        boolean hasAggregate = false;
        while (m.find()) {
            String name = m.group(1);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("The " + what + " '" + format + "' uses the unknown placeholder {" + name
                        + "}; known placeholders: {" + String.join("}, {", PLACEHOLDERS) + "}");
            }
            hasAggregate |= name.equals("aggregate");
        }
        if (perAggregate && !hasAggregate) {
            throw new IllegalArgumentException("The " + what + " '" + format + "' must contain {aggregate}, so that aggregates never share a topic");
        }
        if (!perAggregate && hasAggregate) {
            throw new IllegalArgumentException("The " + what + " '" + format + "' must not contain {aggregate}: a bad row may not name a usable aggregate");
        }
        String literal = PLACEHOLDER.matcher(format).replaceAll("x");
        if (!literal.matches("[A-Za-z0-9._\\-]+")) {
            throw new IllegalArgumentException("The " + what + " '" + format
                    + "' holds characters a Kafka topic name cannot: only letters, digits, '.', '_' and '-' are legal");
        }
        return format;
    }

    /** The values of every placeholder, for documents that show the derivation. */
    public Map<String, String> placeholders(String aggregate) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("env", env);
        values.put("domain", domain);
        values.put("aggregate", aggregate);
        values.put("cluster", cluster);
        values.put("version", version);
        values.put("company", company == null ? "" : company);
        return values;
    }

    private String format(String format, String aggregate) {
        if (!isTopicSegment(aggregate)) {
            throw new IllegalArgumentException("The aggregate type '" + aggregate
                    + "' cannot be part of a topic name: it must be non-empty and hold only letters, digits, '_' and '-'");
        }
        return expand(format, aggregate);
    }

    /** Replaces every placeholder of {@code template} (a topic format, a file path, ...) for one aggregate. */
    public String expand(String template, String aggregate) {
        Map<String, String> values = placeholders(aggregate);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String requireIdentifier(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException("The " + what + " '" + value + "' is not a snake_case identifier ([a-z][a-z0-9_]*)");
        }
        return value;
    }

    private static String requireSegment(String what, String value) {
        if (!isTopicSegment(value)) {
            throw new IllegalArgumentException("The " + what + " '" + value
                    + "' cannot be part of a topic name: it must be non-empty and hold only letters, digits, '_' and '-'");
        }
        return value;
    }

    public static final class Builder {
        private String company;
        private String domain;
        private String env;
        private String cluster;
        private String version = "v1";
        private String eventTopicFormat = DEFAULT_EVENT_TOPIC_FORMAT;
        private String stateTopicFormat = DEFAULT_STATE_TOPIC_FORMAT;

        public Builder company(String company) {
            this.company = company == null || company.isEmpty() ? null : company;
            return this;
        }

        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        public Builder env(String env) {
            this.env = env;
            return this;
        }

        public Builder cluster(String cluster) {
            this.cluster = cluster;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder eventTopicFormat(String format) {
            this.eventTopicFormat = format;
            return this;
        }

        public Builder stateTopicFormat(String format) {
            this.stateTopicFormat = format;
            return this;
        }

        public OutboxNames build() {
            return new OutboxNames(this);
        }
    }
}
