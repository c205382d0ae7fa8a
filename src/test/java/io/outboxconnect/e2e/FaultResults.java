package io.outboxconnect.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fault suite's table of results: one row per scenario run, printed to stdout and written to
 * {@code target/faults-results.md} when JUnit finishes (after every fault test class of the run,
 * also when some failed).
 */
final class FaultResults implements BeforeAllCallback {

    /** One scenario run, as the table shows it. */
    record Row(String scenario, String mode, DeliveryAudit.Outcome outcome, int taskRestarts, String load, double seconds) {
    }

    private static final List<Row> ROWS = new ArrayList<>();

    static synchronized void record(Row row) {
        ROWS.add(row);
        System.out.println(table(List.of(row)));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(FaultResults.class,
                key -> (ExtensionContext.Store.CloseableResource) FaultResults::publish);
    }

    private static synchronized void publish() {
        String table = table(ROWS);
        System.out.println("[faults] results\n" + table);
        Path file = Path.of(System.getProperty("sandbox.project.dir", ".")).resolve("target/faults-results.md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, table);
        }
        catch (IOException e) {
            System.err.println("[faults] cannot write " + file + ": " + e);
        }
    }

    static String table(List<Row> rows) {
        StringBuilder table = new StringBuilder("""
                | scenario | mode | committed N | delivered (events / states) | lost | duplicates (events / states) | uncommitted delivered | order kept | state = DB | task restarts (REST) | writer retries | time |
                |---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|
                """);
        for (Row row : rows) {
            DeliveryAudit.Outcome o = row.outcome();
            table.append(String.format("| %s | %s | %,d | %,d / %,d | %d | %d / %d | %d | %s | %s | %d | %s | %.0f s |%n",
                    row.scenario(), row.mode(), o.committed(), o.events().delivered(), o.states().delivered(), o.events().lost() + o.states().lost(),
                    o.events().duplicates(), o.states().duplicates(), o.events().uncommitted() + o.states().uncommitted(),
                    yesNo(o.events().orderKept() && o.states().orderKept()), yesNo(o.stateMatchesDatabase() && o.eventsMatchRows()),
                    row.taskRestarts(), row.load(), row.seconds()));
        }
        return table.toString();
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "NO";
    }
}
