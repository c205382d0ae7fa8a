package io.outboxconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpecReader;

class MainTest {

    private static final String EXAMPLE = "connector-configs/specs/commerce-order.yaml";
    private static final String SHIPMENT = "src/test/resources/specs/logistics-shipment.yaml";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "register", "status", "replay"})
    void everyCommandExplainsItselfWithHelp(String command) {
        assertThat(run(command, "--help")).isZero();

        assertThat(out.toString()).startsWith("Usage: outbox-connect " + command).contains("--spec=FILE").contains("Exit codes");
    }

    @Test
    void theTopLevelHelpListsTheCommands() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString()).contains("generate", "register", "status", "replay");
    }

    @Test
    void generateWritesEveryArtifactUnderTheOutputRoot() throws Exception {
        assertThat(run("generate", "--spec", SHIPMENT, "--output", dir.toString())).isZero();

        assertThat(out.toString()).contains("wrote     schemas/logistics/shipment_event.avsc");
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted()).containsExactly(
                    "connector-configs/docs/kafka-topics-logistics-shipment.md",
                    "connector-configs/logistics-shipment-connector.json",
                    "connector-configs/logistics-shipment-connector.md",
                    "connector-configs/migrations/001_create_logistics_shipment_outbox.sql",
                    "connector-configs/strimzi/logistics-shipment-kafkaconnect.yaml",
                    "connector-configs/strimzi/logistics-shipment-kafkaconnector.yaml",
                    "schemas/logistics/shipment.avsc",
                    "schemas/logistics/shipment_event.avsc");
        }
    }

    @Test
    void aDryRunPrintsTheDerivedNamesAndTheChecklistAndWritesNothing() throws Exception {
        assertThat(run("generate", "--spec", EXAMPLE, "--output", dir.toString(), "--dry-run")).isZero();

        assertThat(out.toString()).contains("## Derived names", "commerce_order_slot", "## Integration checklist for Order");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anInvalidSpecExitsOneAndNamesEveryProblem() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, Files.readString(Path.of(EXAMPLE)).replace("ORDER_SHIPPED", "SHIPPED").replace("name: note", "name: Note"));

        assertThat(run("generate", "--spec", spec.toString(), "--output", dir.toString())).isEqualTo(ExitCodes.INVALID_SPEC);

        assertThat(err.toString()).contains("event_types[3]: 'SHIPPED' does not start with the aggregate's name")
                .contains("field name 'Note' is not a snake_case identifier");
    }

    @Test
    void replayRefusesAnAggregateWhoseRowsAreDeletedInTheirTransaction() {
        assertThat(run("replay", "--spec", EXAMPLE)).isEqualTo(ExitCodes.USAGE);

        assertThat(err.toString()).contains("nothing to replay");
    }

    @Test
    void theReplaySignalSnapshotsTheOutboxTableFilteredByIdAndTime() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(Path.of(SHIPMENT));
        JsonNode data = new ObjectMapper().readTree(ReplayCommand.signalData(spec, List.of("s-1", "o'brien"),
                Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-02T00:00:00Z")));

        assertThat(data.path("type").asText()).isEqualTo("incremental");
        assertThat(data.path("data-collections").get(0).asText()).isEqualTo("public.logistics_shipment_outbox");
        assertThat(data.path("additional-conditions").get(0).path("data-collection").asText()).isEqualTo("public.logistics_shipment_outbox");
        assertThat(data.path("additional-conditions").get(0).path("filter").asText()).isEqualTo(
                "aggregate_id IN ('s-1', 'o''brien') AND event_date >= '2026-03-01T00:00:00Z'::timestamptz"
                        + " AND event_date < '2026-03-02T00:00:00Z'::timestamptz");
    }

    @Test
    void anUnfilteredReplayOfAPerAggregateTableHasNoConditions() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(Path.of(SHIPMENT));

        assertThat(new ObjectMapper().readTree(ReplayCommand.signalData(spec, List.of(), null, null)).has("additional-conditions")).isFalse();
    }
}
