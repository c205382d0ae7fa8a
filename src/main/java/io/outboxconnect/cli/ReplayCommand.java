package io.outboxconnect.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpec.Cleanup;
import io.outboxconnect.generator.AggregateSpec.TableLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-publishes retained outbox rows of an aggregate (all, or filtered by aggregate id and event date): inserts "
                + "Debezium's execute-snapshot signal (an incremental snapshot with additional conditions) into the signalling table; "
                + "the connector re-reads the rows and the SMT publishes them like new inserts (same event ids: consumers de-duplicate).",
                "Only for clean-up 'retain': rows deleted in their own transaction are no longer in the database and cannot be replayed.",
                "Exit codes: 0 signal written, 1 invalid spec, 2 usage (or clean-up is 'delete'), 5 database unreachable, 6 unexpected error."})
final class ReplayCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec command;

    @Mixin
    SpecOption spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--aggregate-id", paramLabel = "ID", description = "Replay only this aggregate's rows (repeatable).")
    List<String> aggregateIds = new ArrayList<>();

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only rows with event_date at or after this ISO-8601 instant, e.g. 2026-03-01T00:00:00Z.")
    Instant since;

    @Option(names = "--until", paramLabel = "INSTANT", description = "Only rows with event_date before this ISO-8601 instant.")
    Instant until;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        AggregateSpec aggregate = spec.read(err);
        if (aggregate == null) {
            return ExitCodes.INVALID_SPEC;
        }
        if (aggregate.cleanup() != Cleanup.RETAIN) {
            err.println("The spec's clean-up is 'delete': rows are deleted in their own transaction, so there is nothing to replay from the "
                    + "database. Use outbox.cleanup: retain to keep rows (and the signalling table) for replays.");
            return ExitCodes.USAGE;
        }
        String id = UUID.randomUUID().toString();
        String data = signalData(aggregate, aggregateIds, since, until);
        String signalTable = aggregate.database().schema() + "." + aggregate.signalTable();
        try (Connection c = database.connect(aggregate);
                PreparedStatement insert = c.prepareStatement("INSERT INTO " + signalTable + " (id, type, data) VALUES (?, 'execute-snapshot', ?)")) {
            insert.setString(1, id);
            insert.setString(2, data);
            insert.executeUpdate();
        }
        catch (SQLException e) {
            if ("22001".equals(e.getSQLState())) { // string_data_right_truncation: a data column older migrations made VARCHAR(2048)
                err.println("The signal is " + data.length() + " characters, more than " + signalTable + "'s data column takes: replay fewer"
                        + " --aggregate-id values at a time, or widen the column (ALTER TABLE " + signalTable + " ALTER COLUMN data TYPE TEXT).");
                return ExitCodes.USAGE;
            }
            err.println("Could not write the signal into " + signalTable + ": " + e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        out.println("replay requested: signal " + id + " in " + signalTable);
        out.println("  " + data);
        out.println("The connector re-reads the matching rows in chunks; follow it with 'outbox-connect status' and the worker's log.");
        return ExitCodes.OK;
    }

    /** The execute-snapshot signal's data: an incremental snapshot of the outbox table, filtered by SQL conditions. */
    static String signalData(AggregateSpec aggregate, List<String> ids, Instant since, Instant until) {
        String table = aggregate.database().schema() + "." + aggregate.outboxTable();
        List<String> conditions = new ArrayList<>();
        if (aggregate.tableLayout() == TableLayout.SHARED) {
            conditions.add("aggregate_type = " + literal(aggregate.aggregate()));
        }
        if (!ids.isEmpty()) {
            conditions.add("aggregate_id IN (" + String.join(", ", ids.stream().map(ReplayCommand::literal).toList()) + ")");
        }
        if (since != null) {
            conditions.add("event_date >= " + literal(since.toString()) + "::timestamptz");
        }
        if (until != null) {
            conditions.add("event_date < " + literal(until.toString()) + "::timestamptz");
        }
        ObjectNode data = JSON.createObjectNode();
        data.putArray("data-collections").add(table);
        data.put("type", "incremental");
        if (!conditions.isEmpty()) {
            data.putArray("additional-conditions").addObject().put("data-collection", table).put("filter", String.join(" AND ", conditions));
        }
        return data.toString();
    }

    /** A SQL string literal: the filter is text Debezium appends to its snapshot query. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
