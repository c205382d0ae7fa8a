package io.outboxconnect.transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outboxconnect.avro.ConfluentAvroWriter;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.RegisteredSchema;
import io.outboxconnect.registry.RegistryOperations;
import io.outboxconnect.registry.SchemaNotFoundException;
import io.outboxconnect.registry.SubjectNotFoundException;

/**
 * Resolves, once per aggregate type and stream, the topic, the schema and its registry id, and
 * keeps them for every later record: after the first record of an aggregate the hot path makes
 * no registry call and parses no schema.
 *
 * <p>Three ways to a schema, by configuration: the subject's latest or pinned version (production
 * default: schemas are registered before the connector starts); a configured source that the
 * subject must already hold; or that source registered on first use ({@code schemas.auto.register},
 * for development). Every schema is checked against the stream's contract before it is used.
 *
 * <p>A latest version is asked for again when a row does not fit it ({@link #newerLatest}): a
 * team registers a new version (a new event type, a new field) while the connector runs.
 *
 * @param <T> what the stream builds from a checked schema (the envelope, or the aggregate mapping)
 */
final class StreamSchemas<T> {

    private static final Logger LOGGER = LoggerFactory.getLogger(StreamSchemas.class);

    /** Checks a schema against the stream's contract and builds what the stream writes with. */
    @FunctionalInterface
    interface Contract<T> {
        T check(Schema schema, String aggregate, String origin);
    }

    /** What the router needs to publish one aggregate type on one stream. */
    record Resolved<T>(String aggregate, String topic, T shape, ConfluentAvroWriter writer) {
    }

    /** Where a stream's schemas come from, as configured. */
    record Settings(String what, Function<String, String> topicOf, String source, String sourceKey, Integer pinnedVersion,
                    Function<String, String> schemaFileOf) {
    }

    private final RegistryOperations registry;
    private final String registryUrls;
    private final OutboxNames names;
    /** Registers the configured source on first use; a stream without a source uses what the registry holds. */
    private final boolean autoRegister;
    private final Settings settings;
    private final String source;
    private final Contract<T> contract;
    private final Map<String, Resolved<T>> byAggregate = new HashMap<>();
    /** Aggregates the registry had no schema for, until when: bad rows naming one must not cost a registry call each. */
    private final Map<String, Missing> missing = new HashMap<>();

    private record Missing(MissingSchemaException error, long untilNanos) {
    }

    /** How long a missing schema is remembered before the registry is asked again. */
    static final long MISSING_SCHEMA_RETRY_NANOS = 30_000_000_000L;
    /** At most this many missing aggregates are remembered: bad rows may name a new one each (an id in the type column). */
    static final int MISSING_CACHED = 1_000;
    /** How long after the registry was last asked for an aggregate's latest version a row that does not fit it asks again. */
    static final long LATEST_RECHECK_NANOS = 10_000_000_000L;
    /** By resolved aggregate, when a row that does not fit its latest version may ask the registry for a newer one. */
    private final Map<String, Long> nextLatestCheck = new HashMap<>();

    StreamSchemas(RegistryOperations registry, String registryUrls, OutboxNames names, boolean autoRegister, Settings settings, Contract<T> contract) {
        this.registry = registry;
        this.registryUrls = registryUrls;
        this.names = names;
        this.autoRegister = autoRegister;
        this.settings = settings;
        this.source = settings.source() == null ? "" : settings.source().trim();
        this.contract = contract;
    }

    Resolved<T> forAggregate(String aggregate) {
        Resolved<T> resolved = byAggregate.get(aggregate);
        if (resolved == null) {
            Missing known = missing.get(aggregate);
            if (known != null && System.nanoTime() - known.untilNanos() < 0) {
                throw known.error();
            }
            try {
                resolved = resolve(aggregate);
            }
            catch (MissingSchemaException e) {
                remember(aggregate, e);
                throw e;
            }
            missing.remove(aggregate);
            byAggregate.put(aggregate, resolved);
        }
        return resolved;
    }

    private boolean followsLatest() {
        return source.isEmpty() && settings.pinnedVersion() == null;
    }

    /**
     * For a row that does not fit the aggregate's schema in use: whether the subject's latest
     * version is now another one, which then replaces it (checked against the contract as at the
     * start). Asks the registry at most once per {@link #LATEST_RECHECK_NANOS} per aggregate, so bad
     * rows do not cost a call each; never for a pinned version or a configured source. A registry
     * that does not answer fails the task, as at the start: whether the row is bad cannot be known.
     */
    boolean newerLatest(String aggregate) {
        Resolved<T> inUse = byAggregate.get(aggregate);
        Long due = nextLatestCheck.get(aggregate);
        long now = System.nanoTime();
        if (inUse == null || !followsLatest() || due != null && now - due < 0) {
            return false;
        }
        nextLatestCheck.put(aggregate, now + LATEST_RECHECK_NANOS);
        String subject = OutboxNames.valueSubject(inUse.topic());
        RegisteredSchema latest;
        try {
            latest = registry.latest(subject);
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            return false; // deleted meanwhile: the row is judged by the schema in use
        }
        if (latest.id() == inUse.writer().schemaId()) {
            return false;
        }
        byAggregate.put(aggregate, resolved(aggregate, inUse.topic(), latest, origin(subject, latest)));
        LOGGER.info("A {} row of aggregate '{}' did not fit schema id {}; the registry's latest version of '{}' is now {} (id {}), used from now on",
                settings.what(), aggregate, inUse.writer().schemaId(), subject, latest.version(), latest.id());
        return true;
    }

    private void remember(String aggregate, MissingSchemaException e) {
        long now = System.nanoTime();
        if (missing.size() >= MISSING_CACHED) {
            missing.values().removeIf(known -> now - known.untilNanos() >= 0);
            if (missing.size() >= MISSING_CACHED) {
                missing.clear(); // still full of live entries: forgetting costs a registry call per bad row, never memory
            }
        }
        missing.put(aggregate, new Missing(e, now + MISSING_SCHEMA_RETRY_NANOS));
    }

    /** Entries remembered now, for tests. */
    int missingRemembered() {
        return missing.size();
    }

    /**
     * The registry holds no schema for an aggregate type: bad data when a row names it (a typo, an
     * aggregate nobody registered), a failed start when the aggregate is preloaded.
     */
    static final class MissingSchemaException extends DataException {
        private static final long serialVersionUID = 1L;

        MissingSchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Resolved<T> resolve(String aggregate) {
        String topic = settings.topicOf().apply(aggregate);
        String subject = OutboxNames.valueSubject(topic);
        RegisteredSchema registered;
        String origin;
        if (source.isEmpty()) {
            registered = registered(aggregate, subject);
            origin = origin(subject, registered);
        }
        else {
            String schemaJson = readSource(aggregate);
            String describedSource = describeSource(aggregate);
            contract.check(parse(schemaJson, describedSource), aggregate, describedSource);
            registered = autoRegister
                    ? new RegisteredSchema(subject, -1, registry.register(subject, schemaJson), schemaJson)
                    : lookup(aggregate, subject, schemaJson, describedSource);
            origin = describedSource + " (registered under '" + subject + "' with id " + registered.id() + ")";
        }
        return resolved(aggregate, topic, registered, origin);
    }

    private Resolved<T> resolved(String aggregate, String topic, RegisteredSchema registered, String origin) {
        Schema schema = parse(registered.schema(), origin);
        return new Resolved<>(aggregate, topic, contract.check(schema, aggregate, origin), new ConfluentAvroWriter(registered.id(), schema));
    }

    private static String origin(String subject, RegisteredSchema registered) {
        return "'" + subject + "' version " + registered.version() + " (id " + registered.id() + ")";
    }

    private RegisteredSchema registered(String aggregate, String subject) {
        Integer pinned = settings.pinnedVersion();
        try {
            return pinned == null ? registry.latest(subject) : registry.version(subject, pinned);
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            throw new MissingSchemaException("No " + settings.what() + " schema for aggregate '" + aggregate + "': the registry at " + registryUrls
                    + " has no " + (pinned == null ? "version" : "version " + pinned) + " of subject '" + subject + "'."
                    + " Register the schema (e.g. " + settings.schemaFileOf().apply(aggregate)
                    + ") before starting the connector: POST {\"schema\": \"<the .avsc as a JSON string>\"} to " + firstUrl()
                    + "/subjects/" + subject + "/versions; in development, set " + AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER + "=true with "
                    + settings.sourceKey() + ".", e);
        }
    }

    private RegisteredSchema lookup(String aggregate, String subject, String schemaJson, String describedSource) {
        try {
            return registry.lookup(subject, schemaJson);
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            throw new MissingSchemaException("The " + settings.what() + " schema of aggregate '" + aggregate + "' from " + describedSource
                    + " is not registered under subject '" + subject + "' at " + registryUrls + ". Register it before starting the connector"
                    + " (POST it to " + firstUrl() + "/subjects/" + subject + "/versions), or set "
                    + AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER + "=true in development.", e);
        }
    }

    private String readSource(String aggregate) {
        if (source.startsWith("{")) {
            return source;
        }
        Path path = Path.of(names.expand(source, aggregate));
        try {
            return Files.readString(path);
        }
        catch (NoSuchFileException e) {
            if (source.contains(OutboxNames.AGGREGATE_PLACEHOLDER)) {
                // one file per aggregate: a row naming an aggregate without one is bad data, as a subject without a schema is
                throw new MissingSchemaException("No " + settings.what() + " schema for aggregate '" + aggregate + "': " + settings.sourceKey()
                        + " names one file per aggregate, and " + path + " does not exist", e);
            }
            throw new ConfigException(settings.sourceKey(), source, "cannot read the " + settings.what() + " schema: " + path + " does not exist");
        }
        catch (IOException e) {
            throw new ConfigException(settings.sourceKey(), source,
                    "cannot read the " + settings.what() + " schema of aggregate '" + aggregate + "' from " + path + ": " + e);
        }
    }

    private String describeSource(String aggregate) {
        return source.startsWith("{") ? "the inline " + settings.sourceKey() : "file " + names.expand(source, aggregate);
    }

    private Schema parse(String schemaJson, String origin) {
        try {
            return new Schema.Parser().parse(schemaJson);
        }
        catch (SchemaParseException e) {
            throw new ConfigException("The " + settings.what() + " schema " + origin + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private String firstUrl() {
        int comma = registryUrls.indexOf(',');
        return comma < 0 ? registryUrls : registryUrls.substring(0, comma);
    }
}
