package io.outboxconnect.transforms;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;

/**
 * The two records every outbox row becomes: the event on the events topic, and the aggregate's
 * latest state on the compacted topic. The {@code OutboxConnector} emits each outbox change event
 * once per stream and marks which in the {@value #HEADER} header; {@link AvroEventRouter} shapes
 * each accordingly. Without the header (Debezium's stock connector) the router's configured
 * stream applies.
 */
public enum OutboxStream {
    EVENT("event"),
    STATE("state");

    /** The header that marks a change event's stream; the router removes it from what it publishes. */
    public static final String HEADER = "outbox.stream";
    /**
     * The header listing every stream the row is emitted to, in emission order ({@code event,state}):
     * a row bad for one stream is published on none, and its first copy reports it.
     */
    public static final String ROW_HEADER = "outbox.streams";

    /** Validates a list of streams: at least one, each known, none twice. */
    public static final ConfigDef.Validator LIST_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> streams = (List<String>) value;
            if (streams == null || streams.isEmpty()) {
                throw new ConfigException(name, value, "must name at least one stream: event, state");
            }
            try {
                if (streams.stream().map(OutboxStream::parse).distinct().count() != streams.size()) {
                    throw new ConfigException(name, value, "names a stream twice");
                }
            }
            catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "event, state";
        }
    };

    private final String value;

    OutboxStream(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The stream a record is marked for, or {@code fallback} when it carries no mark. */
    public static OutboxStream of(ConnectRecord<?> record, OutboxStream fallback) {
        Header header = record.headers().lastWithName(HEADER);
        if (header == null || header.value() == null) {
            return fallback;
        }
        String mark = header.value().toString();
        for (OutboxStream stream : values()) {
            if (stream.value.equals(mark)) {
                return stream;
            }
        }
        throw new IllegalArgumentException("Unknown " + HEADER + " header value '" + mark + "'; expected 'event' or 'state'");
    }

    public static OutboxStream parse(String value) {
        for (OutboxStream stream : values()) {
            if (stream.value.equalsIgnoreCase(value.trim())) {
                return stream;
            }
        }
        throw new IllegalArgumentException("Unknown stream '" + value + "'; expected 'event' or 'state'");
    }
}
