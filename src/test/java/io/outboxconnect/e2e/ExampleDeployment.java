package io.outboxconnect.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.outboxconnect.sandbox.OutboxEnvironment;

/**
 * Deploys the checked-in example as a user would: the migration applied, the connector's database
 * role created, the schemas registered with FORWARD_TRANSITIVE, then
 * {@code connector-configs/commerce-order-connector.json} posted to {@code /connectors} with only
 * its locations (host, port, database, registry URL) filled in for the environment.
 */
final class ExampleDeployment {

    static final Path PROJECT = Path.of(System.getProperty("sandbox.project.dir", ".")).toAbsolutePath();
    static final Path CONNECTOR_JSON = PROJECT.resolve("connector-configs/commerce-order-connector.json");
    static final Path MIGRATION = PROJECT.resolve("connector-configs/migrations/001_create_commerce_order_outbox.sql");
    static final Path ORDER_EVENT_AVSC = PROJECT.resolve("schemas/commerce/order_event.avsc");
    static final Path ORDER_AVSC = PROJECT.resolve("schemas/commerce/order.avsc");
    static final String EVENTS_TOPIC = "public.commerce.order_event.c1.v1";
    static final String STATE_TOPIC = "public.commerce.order.c1.v1";
    static final String SLOT = "commerce_order_slot";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DEPLOYED = new HashSet<>();

    private ExampleDeployment() {
    }

    /** Deploys once per environment; returns the connector's name. */
    static synchronized String deploy(OutboxEnvironment env) {
        ObjectNode connector = connectorJson(env);
        String name = connector.get("name").asText();
        if (!DEPLOYED.contains(env.name())) {
            env.execute(read(MIGRATION), OrderService.SCHEMA_SQL,
                    "DO $$ BEGIN CREATE ROLE outbox_connector WITH LOGIN REPLICATION PASSWORD 'postgres'; "
                            + "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                    "GRANT SELECT ON commerce_order_outbox TO outbox_connector");
            for (Map.Entry<String, Path> schema : Map.of(EVENTS_TOPIC, ORDER_EVENT_AVSC, STATE_TOPIC, ORDER_AVSC).entrySet()) {
                String subject = schema.getKey() + "-value";
                env.registry().setCompatibility(subject, "FORWARD_TRANSITIVE");
                env.registry().register(subject, read(schema.getValue()));
            }
            env.connect().createConnector(connector.toString());
            env.connect().awaitRunning(name, Duration.ofSeconds(90));
            env.awaitActiveSlot(connector.get("config").get("slot.name").asText(), Duration.ofSeconds(60));
            DEPLOYED.add(env.name());
        }
        return name;
    }

    /** The example connector JSON with the environment's locations filled in. */
    static ObjectNode connectorJson(OutboxEnvironment env) {
        try {
            ObjectNode connector = (ObjectNode) JSON.readTree(read(CONNECTOR_JSON));
            ObjectNode config = (ObjectNode) connector.get("config");
            Map<String, String> locations = env.connectorLocations();
            locations.forEach((key, value) -> {
                if (key.equals("schema.registry.url")) {
                    for (String k : fieldNames(config)) {
                        if (k.endsWith(".schema.registry.url")) {
                            config.put(k, value);
                        }
                    }
                }
                else {
                    config.put(key, value);
                }
            });
            if (!env.exactlyOnce()) {
                // 'required' is rejected by a worker without exactly.once.source.support=enabled
                config.put("exactly.once.support", "requested");
            }
            // fewer partitions than the example's 6: the sandbox has one broker and two cores
            config.put("topic.creation.events.partitions", "3");
            config.put("topic.creation.state.partitions", "3");
            return connector;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example connector's configuration as a map, for the validate endpoint. */
    static Map<String, String> connectorConfig(OutboxEnvironment env) {
        Map<String, String> config = new HashMap<>();
        JsonNode json = connectorJson(env).get("config");
        for (String key : fieldNames(json)) {
            config.put(key, json.get(key).asText());
        }
        return config;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
