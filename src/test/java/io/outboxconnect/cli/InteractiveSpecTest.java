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

    /** Answers YAML would read as numbers, booleans, nulls, comments or its own syntax come back as typed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0x1f", "1e3", "007", "12", "yes", "null", "~", "# the id", "Order id: the key",
        "- first", "@home", "!important", "*star", "&anchor", "'quoted", "%percent", "`tick", "\"double\""})
    void answersThatLookLikeYamlComeBackAsTyped(String answer) throws Exception {
        // defaults; one field with the answer as its doc; env default, the answer as the cluster (where it can be one), the rest defaults
        boolean segment = answer.matches("[a-z0-9]+");
        String yaml = ask("\n\n\n\norder_id\nuuid\n\n" + answer + "\n\n" + "\n" + (segment ? answer : "") + "\n" + "\n".repeat(12));

        AggregateSpec spec = AggregateSpecReader.parse(yaml, "interactive");
        assertThat(spec.fields().get(0).doc()).isEqualTo(answer);
        if (segment) {
            assertThat(spec.cluster()).isEqualTo(answer);
            assertThat(spec.eventTopic()).contains("." + answer + ".");
        }
    }

    @Test
    void aNumberThatIsNotOneIsAskedAgain() throws Exception {
        // defaults up to the partitions: "six", then "0", then 3; the rest defaults
        String yaml = ask("\n\n\n\norder_id\nuuid\n\n\n\n" + "\n\n\n" + "six\n0\n3\n" + "\n".repeat(12));

        assertThat(AggregateSpecReader.parse(yaml, "interactive").partitions()).isEqualTo(3);
        assertThat(out.toString()).contains("'six' is not a whole number of at least 1").contains("'0' is not a whole number of at least 1");
    }

    @Test
    void inputEndingEarlyAbandonsTheSpec() {
        assertThatThrownBy(() -> ask("acme\ncommerce\n")).isInstanceOf(InteractiveSpec.Abandoned.class);
    }
}
