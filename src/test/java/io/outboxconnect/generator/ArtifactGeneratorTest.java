package io.outboxconnect.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.outboxconnect.avro.AggregateState;
import io.outboxconnect.naming.OutboxNames;

/**
 * Golden files: the checked-in example (schemas/, connector-configs/) must be exactly what {@code generate} makes of
 * {@code connector-configs/specs/commerce-order.yaml}, and the second aggregate's artifacts what
 * {@code src/test/resources/golden/logistics-shipment/} holds ({@code -Dgolden.update=true} rewrites those).
 */
class ArtifactGeneratorTest {

    static final Path EXAMPLE_SPEC = Path.of("connector-configs/specs/commerce-order.yaml");
    static final Path SHIPMENT_SPEC = Path.of("src/test/resources/specs/logistics-shipment.yaml");
    static final Path SHIPMENT_GOLDEN = Path.of("src/test/resources/golden/logistics-shipment");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    @TempDir
    Path out;

    @Test
    void theCheckedInExampleIsWhatGenerateMakesOfTheExampleSpec() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(EXAMPLE_SPEC);
        Files.createDirectories(out.resolve(ArtifactGenerator.MIGRATIONS));
        // the example's migration number is 001: the output root starts as the repository did
        ArtifactGenerator.write(spec, out);

        Map<String, String> generated = ArtifactGenerator.artifacts(spec, out);
        assertThat(generated).containsKeys("connector-configs/migrations/001_create_commerce_order_outbox.sql",
                "connector-configs/commerce-order-connector.json", "schemas/commerce/order_event.avsc", "schemas/commerce/order.avsc");
        for (String file : generated.keySet()) {
            Path checkedIn = Path.of(file);
            assertThat(checkedIn).as("checked-in " + file + " (run: outbox-connect generate --spec " + EXAMPLE_SPEC + " --output .)").exists();
            assertThat(Files.readString(out.resolve(file))).as(file + " drifted from its spec; regenerate it")
                    .isEqualTo(Files.readString(checkedIn));
        }
    }

    @Test
    void theSecondAggregatesArtifactsMatchTheirGoldenFiles() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);
        ArtifactGenerator.write(spec, out);
        boolean update = Boolean.getBoolean("golden.update");
        for (String file : ArtifactGenerator.artifacts(spec, out).keySet()) {
            Path golden = SHIPMENT_GOLDEN.resolve(file);
            if (update) {
                Files.createDirectories(golden.getParent());
                Files.copy(out.resolve(file), golden, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(Files.readString(out.resolve(file))).as(file + " differs from its golden file (-Dgolden.update=true rewrites them)")
                    .isEqualTo(Files.readString(golden));
        }
    }

    /** Kubernetes object names are RFC 1123 subdomains: lower-case letters, digits, '-' and '.', no '_'. */
    private static final java.util.regex.Pattern KUBERNETES_NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @Test
    void theStrimziManifestsNameKubernetesObjectsValidlyAndResolveEveryCredentialReference() throws Exception {
        String yaml = Files.readString(EXAMPLE_SPEC).replace("domain: commerce", "domain: order_management")
                .replace("  # basic_auth_user_info: ${file:/etc/outbox/registry.properties:user.info}",
                        "  basic_auth_user_info: ${env:OUTBOX_REGISTRY_USER_INFO}");
        for (String layout : new String[] {"per_aggregate", "shared"}) {
            AggregateSpec spec = AggregateSpecReader.parse(yaml.replace("table: per_aggregate", "table: " + layout), "test.yaml");
            ConnectorConfig connector = ConnectorConfig.of(spec);
            JsonNode kafkaConnector = YAML.readTree(StrimziManifests.kafkaConnector(spec, connector));
            JsonNode kafkaConnect = YAML.readTree(StrimziManifests.kafkaConnectBuild(spec));
            assertThat(kafkaConnector.path("metadata").path("name").asText()).as(layout).matches(KUBERNETES_NAME)
                    .isEqualTo(connector.name()).startsWith("order-management-");
            JsonNode env = kafkaConnect.path("spec").path("externalConfiguration").path("env");
            assertThat(env.findValuesAsText("name")).as("every ${env:...} the connector config references is set on the worker")
                    .contains("OUTBOX_DB_PASSWORD", "OUTBOX_REGISTRY_USER_INFO");
            assertThat(connector.config()).containsEntry("transforms.outbox.schema.registry.basic.auth.user.info", "${env:OUTBOX_REGISTRY_USER_INFO}");
            env.forEach(variable -> assertThat(variable.path("valueFrom").path("secretKeyRef").path("name").asText()).matches(KUBERNETES_NAME));
        }
    }

    @Test
    void generatingTwiceWritesNothingTheSecondTime() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);
        assertThat(ArtifactGenerator.write(spec, out)).allMatch(line -> line.startsWith("wrote"));
        Map<Path, byte[]> first = snapshot(out);

        assertThat(ArtifactGenerator.write(spec, out)).hasSize(8).allMatch(line -> line.startsWith("unchanged"));
        Map<Path, byte[]> second = snapshot(out);
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((path, bytes) -> assertThat(second.get(path)).as(path.toString()).isEqualTo(bytes));
    }

    @Test
    void aNewMigrationTakesTheNextFreeNumberAndKeepsItAfterwards() throws Exception {
        Path migrations = Files.createDirectories(out.resolve(ArtifactGenerator.MIGRATIONS));
        Files.writeString(migrations.resolve("001_create_commerce_order_outbox.sql"), "--");
        Files.writeString(migrations.resolve("007_add_index.sql"), "--");
        Files.writeString(migrations.resolve("README.md"), "not a migration");
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);

        ArtifactGenerator.write(spec, out);
        Files.writeString(migrations.resolve("009_later.sql"), "--");
        ArtifactGenerator.write(spec, out);

        try (Stream<Path> files = Files.list(migrations)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("001_create_commerce_order_outbox.sql",
                    "007_add_index.sql", "008_create_logistics_shipment_outbox.sql", "009_later.sql", "README.md");
        }
    }

    @Test
    void theConnectorJsonIsValidJsonNamedAndSecretFree() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);
        JsonNode connector = JSON.readTree(ConnectorConfig.of(spec).json());
        JsonNode config = connector.get("config");
        OutboxNames names = spec.names();

        assertThat(connector.get("name").asText()).isEqualTo(names.connectorName("shipment")).isEqualTo("logistics-shipment-outbox-connector");
        assertThat(config.get("slot.name").asText()).isEqualTo(names.replicationSlot("shipment"));
        assertThat(config.get("database.password").asText()).isEqualTo("${env:OUTBOX_DB_PASSWORD}");
        assertThat(config.get("topic.creation.events.include").asText()).isEqualTo("staging\\.logistics\\.shipment_event\\.k2\\.v1");
        assertThat(config.get("topic.creation.events.partitions").asText()).isEqualTo("3");
        assertThat(config.get("signal.data.collection").asText()).isEqualTo("public.logistics_shipment_outbox_signal");
        assertThat(config.get("outbox.tables").asText()).isEqualTo("public\\.logistics_shipment_outbox");
        assertThat("staging.logistics.shipment_event.k2.v1").matches(config.get("topic.creation.events.include").asText());
        assertThat("staging.logistics.outbox_dlq.k2.v1").matches(config.get("topic.creation.dead_letters.include").asText());
    }

    @Test
    void everyConnectorKeyIsExplainedInTheCompanionDocument() throws Exception {
        ConnectorConfig connector = ConnectorConfig.of(AggregateSpecReader.read(EXAMPLE_SPEC));
        String markdown = connector.markdown();

        connector.config().keySet().forEach(key -> assertThat(markdown).contains("| `" + key + "` |"));
    }

    @Test
    void theSharedLayoutsTopicGroupsMatchEveryAggregateOfTheDomainButNotEachOther() throws Exception {
        String yaml = Files.readString(EXAMPLE_SPEC).replace("table: per_aggregate", "table: shared");
        JsonNode config = JSON.readTree(ConnectorConfig.of(AggregateSpecReader.parse(yaml, "shared")).json()).get("config");
        String state = config.get("topic.creation.state.include").asText();
        String stateExclude = config.get("topic.creation.state.exclude").asText();

        assertThat(config.get("table.include.list").asText()).isEqualTo("public\\.commerce_outbox");
        assertThat("public.commerce.invoice.c1.v1").matches(state).doesNotMatch(stateExclude);
        assertThat("public.commerce.invoice_event.c1.v1").matches(config.get("topic.creation.events.include").asText()).matches(stateExclude);
        assertThat("public.commerce.outbox_dlq.c1.v1").matches(stateExclude);
    }

    @Test
    void theAggregateSchemaTakesTheAggregatesJsonAsThePluginMapsIt() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);
        Schema schema = new Schema.Parser().parse(AvroSchemas.aggregate(spec));
        GenericRecord state = AggregateState.of(schema, AggregateState.UnknownFields.FAIL).read("""
                {"shipment_id": "5f0c6a3e-8f43-4a8e-9d0e-2d7b4f6b1c11", "carrier": "DHL", "status": "IN_TRANSIT",
                 "weight_kg": 12.5, "declared_value": null, "pieces": 2, "tracking_events": 7, "fragile": true, "volume_m3": 0.25,
                 "dispatch_date": "2026-03-01", "updated_at": "2026-03-01T10:00:00Z",
                 "destination": {"city": "Lyon", "country": "FR", "coordinates": {"latitude": 45.76, "longitude": 4.83}},
                 "parcels": [{"barcode": "P1", "weight_kg": "6.250"}], "labels": ["x"], "attributes": {"dock": "4"}}""");

        assertThat(schema.getFullName()).isEqualTo(spec.names().aggregateRecordFullName("shipment"));
        Schema weight = schema.getField("weight_kg").schema();
        assertThat(new org.apache.avro.Conversions.DecimalConversion().fromBytes((java.nio.ByteBuffer) state.get("weight_kg"), weight,
                weight.getLogicalType())).isEqualTo(new java.math.BigDecimal("12.500"));
        assertThat(((GenericRecord) ((GenericRecord) state.get("destination")).get("coordinates")).get("latitude")).isEqualTo(45.76);
        assertThat(state.get("status").toString()).isEqualTo("IN_TRANSIT");
        assertThat(state.get("dispatch_date")).isEqualTo((int) java.time.LocalDate.parse("2026-03-01").toEpochDay());
        assertThat(schema.getField("status").schema().getEnumDefault()).isEqualTo("UNKNOWN");
        assertThat(schema.getField("declared_value").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(state).isInstanceOf(GenericData.Record.class);
    }

    @Test
    void theEnvelopeIsSeed000sWithTheReaderDefaultFirst() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(SHIPMENT_SPEC);
        Schema envelope = new Schema.Parser().parse(AvroSchemas.envelope(spec));

        assertThat(envelope.getFullName()).isEqualTo("com.acme.logistics.event.ShipmentEvent");
        assertThat(envelope.getFields()).extracting(Schema.Field::name)
                .containsExactly("event_id", "aggregate_type", "aggregate_id", "event_type", "event_date", "event_data");
        assertThat(envelope.getField("event_type").schema().getEnumSymbols())
                .containsExactly("UNKNOWN", "SHIPMENT_CREATED", "SHIPMENT_DISPATCHED", "SHIPMENT_DELIVERED", "SHIPMENT_DELETED");
        assertThat(envelope.getField("event_type").schema().getEnumDefault()).isEqualTo("UNKNOWN");
        assertThat(envelope.getField("event_date").schema().getLogicalType().getName()).isEqualTo("timestamp-micros");
    }

    @Test
    void theDryRunShowsSeed000sDerivedNamesAndChecklist() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(EXAMPLE_SPEC);

        assertThat(ArtifactGenerator.derivedNames(spec))
                .contains("| Outbox table ").contains("public.commerce_order_outbox")
                .contains("commerce-order-outbox-connector").contains("public.commerce.order_event.c1.v1-value")
                .contains("com.acme.commerce.event.OrderEvent").contains("com.acme.commerce.Order ");
        assertThat(ArtifactGenerator.checklist(spec, Path.of("."))).contains("apply connector-configs/migrations/001_create_commerce_order_outbox.sql")
                .contains("DELETE the outbox row in the same transaction");
    }

    private static Map<Path, byte[]> snapshot(Path root) throws IOException {
        Map<Path, byte[]> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
