package io.outboxconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpec.Kind;
import io.outboxconnect.generator.AggregateSpecReader;

class InteractiveSpecTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private String ask(String answers) throws Exception {
        return new InteractiveSpec(new BufferedReader(new StringReader(answers)), new PrintWriter(out, true)).ask();
    }

    @Test
    void acceptingEveryProposedDefaultGivesAValidCrudSpec() throws Exception {
        // company, domain, aggregate, event types: defaults; one field 'order_id' (type, nullable, doc default); done; the rest: defaults
        String yaml = ask("\n\n\n\norder_id\nuuid\n\n\n\n" + "\n".repeat(14));

        AggregateSpec spec = AggregateSpecReader.parse(yaml, "interactive");
        assertThat(spec.company()).isEqualTo("acme");
        assertThat(spec.eventTypes()).containsExactly("ORDER_CREATED", "ORDER_UPDATED", "ORDER_DELETED");
        assertThat(spec.fields()).singleElement().satisfies(f -> assertThat(f.type().kind()).isEqualTo(Kind.UUID));
        assertThat(spec.database().password()).isEqualTo("${env:OUTBOX_DB_PASSWORD}");
        assertThat(out.toString()).contains("1. Company / namespace", "4. Event types", "9. Database: PostgreSQL");
    }

    @Test
    void nestedFieldsEnumsAndRetainedRowsAreAskedFor() throws Exception {
        String yaml = ask(String.join("\n",
                "acme", "logistics", "Shipment", "shipment", "SHIPMENT_CREATED, SHIPMENT_DELIVERED",
                "status", "enum", "PENDING, DELIVERED", "", "where it is",
                "destination", "object", "city", "", "", "", "", "yes", "",
                "weight", "decimal(9,3)", "", "",
                "",
                "staging", "k2", "v1", "3", "per_aggregate", "retain", "3", "db", "5432", "logistics", "", "", "http://registry:8081", ""));

        AggregateSpec spec = AggregateSpecReader.parse(yaml, "interactive");
        assertThat(out.toString()).contains("'Shipment' is not snake_case");
        assertThat(spec.aggregate()).isEqualTo("shipment");
        assertThat(spec.fields()).extracting(AggregateSpec.FieldSpec::name).containsExactly("status", "destination", "weight");
        assertThat(spec.fields().get(0).type().symbols()).containsExactly("PENDING", "DELIVERED");
        assertThat(spec.fields().get(1).nullable()).isTrue();
        assertThat(spec.fields().get(1).type().fields()).extracting(AggregateSpec.FieldSpec::name).containsExactly("city");
        assertThat(spec.fields().get(2).type().precision()).isEqualTo(9);
        assertThat(spec.cleanup()).isEqualTo(AggregateSpec.Cleanup.RETAIN);
        assertThat(spec.retentionDays()).isEqualTo(3);
        assertThat(spec.partitions()).isEqualTo(3);
    }

    @Test
    void theInterviewWritesTheSpecItBuiltUnderTheOutputRoot() throws Exception {
        GenerateCommand generate = new GenerateCommand();
        generate.output = dir;
        Path file = generate.interview(new BufferedReader(new StringReader("\n\n\n\norder_id\nuuid\n\n\n\n" + "\n".repeat(14))),
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));

        assertThat(file).isEqualTo(dir.resolve("connector-configs/specs/commerce-order.yaml"));
        assertThat(AggregateSpecReader.read(file).aggregate()).isEqualTo("order");
        assertThat(Files.readString(file)).startsWith("# Written by outbox-connect generate (interactive)");
    }

    @Test
    void inputEndingEarlyAbandonsTheSpec() {
        assertThatThrownBy(() -> ask("acme\ncommerce\n")).isInstanceOf(InteractiveSpec.Abandoned.class);
    }
}
