package io.outboxconnect.transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;

import io.outboxconnect.avro.ConfluentAvroWriter;
import io.outboxconnect.avro.EventEnvelope;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.RegisteredSchema;
import io.outboxconnect.registry.RegistryOperations;
import io.outboxconnect.registry.SchemaNotFoundException;
import io.outboxconnect.registry.SubjectNotFoundException;

/**
 * Resolves, once per aggregate type, the events topic, the envelope schema and its registry id,
 * and keeps them for every later record: after the first event of an aggregate the hot path
 * makes no registry call and parses no schema.
 *
 * <p>Three ways to a schema, by configuration: the subject's latest or pinned version (production
 * default: schemas are registered before the connector starts); a configured source that the
 * subject must already hold; or that source registered on first use ({@code schemas.auto.register},
 * for development). Every schema is checked against the envelope contract and the naming
 * convention before it is used.
 */
final class EventSchemas {

    /** What the router needs to publish one aggregate type's events. */
    record AggregateEvents(String aggregate, String topic, EventEnvelope envelope, ConfluentAvroWriter writer) {
    }

    private final RegistryOperations registry;
    private final String registryUrls;
    private final OutboxNames names;
    private final String source;
    private final boolean autoRegister;
    private final Integer pinnedVersion;
    private final Map<String, AggregateEvents> byAggregate = new HashMap<>();

    EventSchemas(RegistryOperations registry, String registryUrls, OutboxNames names, String source, boolean autoRegister, Integer pinnedVersion) {
        this.registry = registry;
        this.registryUrls = registryUrls;
        this.names = names;
        this.source = source == null ? "" : source.trim();
        this.autoRegister = autoRegister;
        this.pinnedVersion = pinnedVersion;
        if (autoRegister && this.source.isEmpty()) {
            throw new ConfigException(AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE, source,
                    "is required when " + AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER + "=true: it is the schema to register");
        }
    }

    AggregateEvents forAggregate(String aggregate) {
        AggregateEvents events = byAggregate.get(aggregate);
        if (events == null) {
            events = resolve(aggregate);
            byAggregate.put(aggregate, events);
        }
        return events;
    }

    private AggregateEvents resolve(String aggregate) {
        String topic = names.eventTopic(aggregate);
        String subject = OutboxNames.valueSubject(topic);
        RegisteredSchema registered;
        String origin;
        if (source.isEmpty()) {
            registered = registered(aggregate, subject);
            origin = "'" + subject + "' version " + registered.version() + " (id " + registered.id() + ")";
        }
        else {
            String schemaJson = readSource(aggregate);
            String describedSource = describeSource(aggregate);
            check(parse(schemaJson, describedSource), aggregate, describedSource);
            if (autoRegister) {
                int id = registry.register(subject, schemaJson);
                registered = new RegisteredSchema(subject, -1, id, schemaJson);
            }
            else {
                registered = lookup(aggregate, subject, schemaJson, describedSource);
            }
            origin = describedSource + " (registered under '" + subject + "' with id " + registered.id() + ")";
        }
        Schema schema = parse(registered.schema(), origin);
        EventEnvelope envelope = check(schema, aggregate, origin);
        return new AggregateEvents(aggregate, topic, envelope, new ConfluentAvroWriter(registered.id(), schema));
    }

    private RegisteredSchema registered(String aggregate, String subject) {
        try {
            return pinnedVersion == null ? registry.latest(subject) : registry.version(subject, pinnedVersion);
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            throw new ConnectException("No event envelope schema for aggregate '" + aggregate + "': the registry at " + registryUrls
                    + " has no " + (pinnedVersion == null ? "version" : "version " + pinnedVersion) + " of subject '" + subject + "'."
                    + " Register the envelope schema (e.g. schemas/" + names.domain() + "/" + aggregate + "_event.avsc) before starting the connector:"
                    + " POST {\"schema\": \"<the .avsc as a JSON string>\"} to " + firstUrl() + "/subjects/" + subject + "/versions"
                    + " (or `outbox-connect register`); in development, set " + AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER + "=true with "
                    + AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE + ".", e);
        }
    }

    private RegisteredSchema lookup(String aggregate, String subject, String schemaJson, String describedSource) {
        try {
            return registry.lookup(subject, schemaJson);
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            throw new ConnectException("The event envelope schema of aggregate '" + aggregate + "' from " + describedSource
                    + " is not registered under subject '" + subject + "' at " + registryUrls + ". Register it before starting the connector"
                    + " (POST it to " + firstUrl() + "/subjects/" + subject + "/versions, or `outbox-connect register`), or set "
                    + AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER + "=true in development.", e);
        }
    }

    private EventEnvelope check(Schema schema, String aggregate, String origin) {
        return EventEnvelope.of(schema, origin)
                .requireNames(names.eventRecordFullName(aggregate), names.eventTypeEnumFullName(aggregate), origin);
    }

    private String readSource(String aggregate) {
        if (source.startsWith("{")) {
            return source;
        }
        Path path = Path.of(names.expand(source, aggregate));
        try {
            return Files.readString(path);
        }
        catch (IOException e) {
            throw new ConfigException(AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE, source,
                    "cannot read the envelope schema of aggregate '" + aggregate + "' from " + path + ": " + e);
        }
    }

    private String describeSource(String aggregate) {
        return source.startsWith("{") ? "the inline " + AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE : "file " + names.expand(source, aggregate);
    }

    private static Schema parse(String schemaJson, String origin) {
        try {
            return new Schema.Parser().parse(schemaJson);
        }
        catch (SchemaParseException e) {
            throw new ConfigException("The event envelope schema " + origin + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private String firstUrl() {
        int comma = registryUrls.indexOf(',');
        return comma < 0 ? registryUrls : registryUrls.substring(0, comma);
    }
}
