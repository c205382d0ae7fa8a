package io.outboxconnect.connector;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceConnector;

import io.outboxconnect.transforms.OutboxStream;

/**
 * The keys {@link OutboxConnector} adds to those of the Debezium connector it delegates to. Every
 * Debezium key keeps its meaning and is validated by Debezium.
 */
public final class OutboxConnectorConfig extends AbstractConfig {

    public static final String DELEGATE_CONNECTOR_CLASS = "outbox.delegate.connector.class";
    public static final String STREAMS = "outbox.streams";
    public static final String TABLES = "outbox.tables";
    /** Set by the connector in each task's configuration. */
    static final String DELEGATE_TASK_CLASS = "outbox.delegate.task.class";

    public static final String DEFAULT_DELEGATE = "io.debezium.connector.postgresql.PostgresConnector";

    /**
     * Debezium's key (3.x) for its four {@code __debezium.context.*} headers on every change event,
     * default true in Debezium. This connector's default is false: the outbox topics' headers are
     * {@code id} and {@code event_type}, and the four would ride on every event and state record.
     */
    public static final String EXTENDED_HEADERS = "extended.headers.enabled";
    static final String EXTENDED_HEADERS_DEFAULT = "false";

    private static final String GROUP = "Outbox fan-out";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(DELEGATE_CONNECTOR_CLASS, Type.CLASS, DEFAULT_DELEGATE, new SourceConnectorClass(), Importance.LOW,
                    "The Debezium source connector that captures the outbox table; its tasks' change events are fanned out.",
                    GROUP, 1, Width.LONG, "Debezium connector class")
            .define(STREAMS, Type.LIST, "event,state", OutboxStream.LIST_VALIDATOR, Importance.MEDIUM,
                    "The streams each outbox change event is emitted for, in this order, marked in the '" + OutboxStream.HEADER
                            + "' header: 'event' (the events topic) and 'state' (the compacted latest-state topic).",
                    GROUP, 2, Width.SHORT, "Streams")
            .define(TABLES, Type.LIST, "", new Regexes(), Importance.MEDIUM,
                    "Regular expressions matching the outbox tables as schema.table; change events of other tables are emitted once, unmarked."
                            + " Empty: every table the connector captures is an outbox table (capture only outbox tables with table.include.list).",
                    GROUP, 3, Width.LONG, "Outbox tables");

    public OutboxConnectorConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    List<OutboxStream> streams() {
        return getList(STREAMS).stream().map(OutboxStream::parse).toList();
    }

    List<Pattern> tables() {
        return getList(TABLES).stream().map(Pattern::compile).toList();
    }

    private static final class SourceConnectorClass implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Class<?> type && !SourceConnector.class.isAssignableFrom(type)) {
                throw new ConfigException(name, type.getName(), "is not a SourceConnector");
            }
        }

        @Override
        public String toString() {
            return "a SourceConnector class";
        }
    }

    private static final class Regexes implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> regexes = (List<String>) value;
            for (String regex : regexes) {
                try {
                    Pattern.compile(regex);
                }
                catch (PatternSyntaxException e) {
                    throw new ConfigException(name, regex, "is not a regular expression: " + e.getDescription());
                }
            }
        }

        @Override
        public String toString() {
            return "list of regular expressions";
        }
    }
}
