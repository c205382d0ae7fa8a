package io.outboxconnect.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.outboxconnect.sandbox.SchemaRegistry;

/** The client against a real registry: Apicurio Registry 2.6.13 through its Confluent-compatible API. */
class SchemaRegistryClientIT {

    static SchemaRegistry registry;
    static SchemaRegistryClient client;
    static String orderEvent;

    @BeforeAll
    static void start() throws IOException {
        registry = SchemaRegistry.start();
        client = new SchemaRegistryClient(new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, registry.ccompatUrl(),
                SchemaRegistryClientConfig.RETRY_TIMEOUT_MS, "2000")));
        orderEvent = Files.readString(Path.of("schemas/commerce/order_event.avsc"));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static String subject() {
        return "test." + UUID.randomUUID() + ".order_event.c1.v1-value";
    }

    private static String canonical(String schema) {
        return SchemaNormalization.toParsingForm(new Schema.Parser().parse(schema));
    }

    @Test
    void registeredSchemaIsFetchedByIdUnchanged() {
        String subject = subject();
        int id = client.register(subject, orderEvent);

        assertThat(canonical(client.schemaById(id))).isEqualTo(canonical(orderEvent));
        assertThat(client.lookup(subject, orderEvent).id()).isEqualTo(id);
        assertThat(client.latest(subject).id()).isEqualTo(id);
        assertThat(client.latest(subject).version()).isEqualTo(1);
        assertThat(client.version(subject, 1).id()).isEqualTo(id);
        assertThat(client.versions(subject)).containsExactly(1);
    }

    @Test
    void aSchemaIsFoundByLookupWhateverItsWhitespace() {
        String subject = subject();
        int id = client.register(subject, orderEvent + "\n");
        String sameSchemaOnOneLine = new Schema.Parser().parse(orderEvent).toString();

        assertThat(client.lookup(subject, orderEvent.trim()).id()).isEqualTo(id);
        assertThat(client.lookup(subject, sameSchemaOnOneLine).id()).isEqualTo(id);
    }

    @Test
    void forwardTransitiveIsSetAndReadBack() {
        String subject = subject();
        client.register(subject, orderEvent);

        client.setCompatibility(subject, "FORWARD_TRANSITIVE");

        assertThat(client.compatibility(subject)).contains("FORWARD_TRANSITIVE");
    }

    @Test
    void incompatibleSchemaIsRejectedNamingTheSubject() {
        String subject = subject();
        client.register(subject, orderEvent);
        client.setCompatibility(subject, "FORWARD_TRANSITIVE");
        // event_id string → long: old readers cannot read new data
        String incompatible = orderEvent.replaceFirst("\"name\": \"event_id\",\\s*\"type\": \"string\"", "\"name\": \"event_id\", \"type\": \"long\"");
        assertThat(incompatible).isNotEqualTo(orderEvent);

        assertThat(client.isCompatible(subject, incompatible)).isFalse();
        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject);
    }

    @Test
    void addingAnEventTypeIsAcceptedBecauseTheEnumHasAReaderDefault() {
        String subject = subject();
        client.setCompatibility(subject, "FORWARD_TRANSITIVE");
        client.register(subject, orderEvent);
        String withReturn = orderEvent.replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\"");

        assertThat(client.isCompatible(subject, withReturn)).isTrue();
        assertThat(client.register(subject, withReturn)).isPositive();
        assertThat(client.versions(subject)).containsExactly(1, 2);
    }

    @Test
    void addingAnEventTypeToAnEnumWithoutDefaultIsRejected() {
        String subject = subject();
        String noDefault = orderEvent.replace("\"default\": \"UNKNOWN\"", "\"doc\": \"no reader default\"");
        client.setCompatibility(subject, "FORWARD_TRANSITIVE");
        client.register(subject, noDefault);

        assertThatThrownBy(() -> client.register(subject, noDefault.replace("\"ORDER_DELETED\"", "\"ORDER_DELETED\", \"ORDER_RETURNED\"")))
                .isInstanceOf(IncompatibleSchemaException.class);
    }

    @Test
    void missingSubjectIsReportedAsSuch() {
        String subject = subject();

        assertThatThrownBy(() -> client.latest(subject)).isInstanceOf(SubjectNotFoundException.class).hasMessageContaining(subject);
        assertThatThrownBy(() -> client.lookup(subject, orderEvent)).isInstanceOf(SchemaRegistryException.class)
                .isInstanceOfAny(SubjectNotFoundException.class, SchemaNotFoundException.class);
    }

    @Test
    void afterWarmUpLookupsAndIdsComeFromTheCache() {
        String subject = subject();
        int id = client.register(subject, orderEvent);
        client.lookup(subject, orderEvent);
        client.schemaById(id);
        long calls = client.httpCalls();

        for (int i = 0; i < 100; i++) {
            client.lookup(subject, orderEvent);
            client.register(subject, orderEvent);
            client.schemaById(id);
        }

        assertThat(client.httpCalls()).isEqualTo(calls);
    }

    @Test
    void unknownIdIsReportedAsMissingSchema() {
        assertThatThrownBy(() -> client.schemaById(987_654)).isInstanceOf(SchemaNotFoundException.class).hasMessageContaining("987654");
    }
}
