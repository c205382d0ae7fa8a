package io.outboxconnect.bench;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Stands in for Debezium's PostgreSQL task under {@code OutboxConnectorTask}: each poll returns the
 * change events the benchmark handed over, so the real fan-out task runs without a database.
 * One benchmark thread per JVM, so a static hand-over suffices.
 */
public final class ChangeEventReplay extends SourceTask {

    private static List<SourceRecord> next;

    /** What the next poll returns. */
    public static void handOver(List<SourceRecord> changeEvents) {
        next = changeEvents;
    }

    @Override
    public List<SourceRecord> poll() {
        List<SourceRecord> out = next;
        next = null;
        return out;
    }

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "bench";
    }
}
