package io.outboxconnect.transforms;

import java.util.Locale;

/**
 * What {@link AvroEventRouter} does with an outbox row it cannot publish because of its data (a
 * payload that is not the aggregate, an unknown event type, a missing id, ...). Infrastructure
 * faults (registry unreachable, schema incompatible) are never data: they always fail the task.
 */
public enum DataErrorPolicy {
    /** The row goes, as JSON with the reason in headers, to the dead-letter topic; the stream goes on. */
    DLQ,
    /** The task fails with the reason; the row stays unpublished until it is fixed or the policy changes. */
    FAIL,
    /** The row is skipped with a WARN log line naming it and the reason (never its data), and counted. */
    LOG;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DataErrorPolicy parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
