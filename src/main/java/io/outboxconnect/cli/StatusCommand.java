package io.outboxconnect.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpec.TableLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"One screen on an aggregate's pipeline: connector and task states (Connect), replication slot activity and lag, "
                + "outbox row count and oldest row age (PostgreSQL), end offsets of its topics (Kafka); the spec's monitoring "
                + "thresholds flag what is wrong.",
                "Exit codes: 0 all OK, 1 invalid spec, 2 usage, 3 a threshold exceeded or the slot inactive, 4 connector or task not "
                        + "RUNNING, 5 something unreachable, 6 unexpected error."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    SpecOption spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--connect-url", required = true, paramLabel = "URL", description = "The Connect worker's REST API.")
    String connectUrl;

    @Mixin
    ConnectOptions connect;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka, for the topics' end offsets; without it they are not shown.")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "A Kafka client property (security etc.; repeatable).")
    Map<String, String> kafkaProperties = new HashMap<>();

    private int exit = ExitCodes.OK;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        AggregateSpec aggregate = spec.read(command.commandLine().getErr());
        if (aggregate == null) {
            return ExitCodes.INVALID_SPEC;
        }
        out.println("outbox-connect status of " + aggregate.aggregate() + " (" + aggregate.domain() + ")");
        connector(aggregate, out);
        database(aggregate, out);
        topics(aggregate, out);
        out.println("exit " + exit);
        return exit;
    }

    private void connector(AggregateSpec aggregate, PrintWriter out) {
        String name = aggregate.connectorName();
        try {
            JsonNode status = connect.client(connectUrl).status(name);
            String state = status.path("connector").path("state").asText();
            line(out, "connector " + name, state, state.equals("RUNNING") ? ExitCodes.OK : ExitCodes.FAILED);
            if (status.path("tasks").isEmpty()) {
                line(out, "tasks", "none", ExitCodes.FAILED);
            }
            for (JsonNode task : status.path("tasks")) {
                String taskState = task.path("state").asText();
                line(out, "task " + task.path("id").asInt(), taskState + " on " + task.path("worker_id").asText(),
                        taskState.equals("RUNNING") ? ExitCodes.OK : ExitCodes.FAILED);
                if (taskState.equals("FAILED")) {
                    out.println("    " + task.path("trace").asText().lines().findFirst().orElse(""));
                }
            }
        }
        catch (ConnectClient.ConnectException e) {
            line(out, "connector " + name, e.status == 404 ? "not deployed" : e.getMessage(), e.status == 404 ? ExitCodes.FAILED : ExitCodes.UNREACHABLE);
        }
        catch (Exception e) {
            line(out, "connector " + name, "Connect unreachable: " + e, ExitCodes.UNREACHABLE);
        }
    }

    private void database(AggregateSpec aggregate, PrintWriter out) {
        AggregateSpec.Monitoring limits = aggregate.monitoring();
        try (Connection c = database.connect(aggregate)) {
            try (PreparedStatement slot = c.prepareStatement("SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint "
                    + "FROM pg_replication_slots WHERE slot_name = ?")) {
                slot.setString(1, aggregate.replicationSlot());
                try (ResultSet rs = slot.executeQuery()) {
                    if (!rs.next()) {
                        line(out, "slot " + aggregate.replicationSlot(), "missing", ExitCodes.NOT_HEALTHY);
                    }
                    else {
                        boolean active = rs.getBoolean(1);
                        long lag = rs.getLong(2);
                        line(out, "slot " + aggregate.replicationSlot(), (active ? "active" : "INACTIVE") + ", lag " + lag + " bytes (max "
                                + limits.maxSlotLagBytes() + ")", active && lag <= limits.maxSlotLagBytes() ? ExitCodes.OK : ExitCodes.NOT_HEALTHY);
                    }
                }
            }
            String table = aggregate.database().schema() + "." + aggregate.outboxTable();
            boolean shared = aggregate.tableLayout() == TableLayout.SHARED;
            try (PreparedStatement rows = c.prepareStatement("SELECT count(*), coalesce(extract(epoch FROM now() - min(event_date)), 0)::bigint FROM "
                    + table + (shared ? " WHERE aggregate_type = ?" : ""))) {
                if (shared) {
                    rows.setString(1, aggregate.aggregate());
                }
                try (ResultSet rs = rows.executeQuery()) {
                    rs.next();
                    long count = rs.getLong(1);
                    long age = rs.getLong(2);
                    line(out, "outbox rows", count + (limits.maxOutboxRows() > 0 ? " (max " + limits.maxOutboxRows() + ")" : " (retained, not checked)"),
                            limits.maxOutboxRows() > 0 && count > limits.maxOutboxRows() ? ExitCodes.NOT_HEALTHY : ExitCodes.OK);
                    line(out, "oldest row", (count == 0 ? "none" : age + " s") + " (max " + limits.maxOldestRowAgeSeconds() + " s)",
                            age > limits.maxOldestRowAgeSeconds() ? ExitCodes.NOT_HEALTHY : ExitCodes.OK);
                }
            }
        }
        catch (SQLException e) {
            line(out, "database", "unreachable: " + e.getMessage(), ExitCodes.UNREACHABLE);
        }
    }

    private void topics(AggregateSpec aggregate, PrintWriter out) {
        if (bootstrapServers == null) {
            out.println("  topics: not checked (no --bootstrap-servers)");
            return;
        }
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // one screen, quickly: the API timeout must not be below the request timeout
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("events", aggregate.eventTopic());
        topics.put("state", aggregate.stateTopic());
        topics.put("dead letters", aggregate.deadLetterTopic());
        try (Admin admin = Admin.create(props)) {
            for (Map.Entry<String, String> topic : topics.entrySet()) {
                Map<String, TopicDescription> described;
                try {
                    described = admin.describeTopics(List.of(topic.getValue())).allTopicNames().get(15, TimeUnit.SECONDS);
                }
                catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw e; // a timeout or a refusal is not an answer about the topic
                    }
                    line(out, topic.getKey() + " " + topic.getValue(), "not created yet", ExitCodes.OK);
                    continue;
                }
                Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
                described.get(topic.getValue()).partitions().forEach(p -> request.put(new TopicPartition(topic.getValue(), p.partition()), OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get(15, TimeUnit.SECONDS);
                List<String> offsets = new ArrayList<>();
                long total = 0;
                for (TopicPartition tp : request.keySet()) {
                    long end = ends.get(tp).offset();
                    offsets.add(tp.partition() + ":" + end);
                    total += end;
                }
                line(out, topic.getKey() + " " + topic.getValue(), "end offsets " + String.join(" ", offsets) + " (sum " + total + ")", ExitCodes.OK);
            }
        }
        catch (Exception e) {
            line(out, "kafka", "unreachable: " + e + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), ExitCodes.UNREACHABLE);
        }
    }

    private void line(PrintWriter out, String what, String value, int code) {
        out.printf("  %-4s %-58s %s%n", code == ExitCodes.OK ? "ok" : "FAIL", what, value);
        exit = Math.max(exit, code);
    }
}
