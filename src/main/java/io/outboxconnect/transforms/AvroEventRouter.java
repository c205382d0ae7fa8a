package io.outboxconnect.transforms;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.debezium.data.Envelope;
import io.debezium.transforms.outbox.EventRouter;
import io.debezium.transforms.outbox.EventRouterConfigDefinition;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.RegistryOperations;
import io.outboxconnect.registry.RegistryUnavailableException;
import io.outboxconnect.registry.SchemaRegistryClient;
import io.outboxconnect.registry.SchemaRegistryClientConfig;
import io.outboxconnect.avro.AggregateMappingException;
import io.outboxconnect.avro.AggregateState;
import io.outboxconnect.avro.EnvelopeContractException;
import io.outboxconnect.avro.EventEnvelope;
import io.outboxconnect.avro.JsonObjectCheck;
import io.outboxconnect.transforms.StreamSchemas.Resolved;

/**
 * Debezium's outbox {@link EventRouter}, publishing each outbox row as an Avro event envelope.
 *
 * <p>EventRouter does what it always did: it ignores deletes, tombstones and (per
 * {@code table.op.invalid.behavior}) updates, passes heartbeats through, takes the key from the
 * aggregate id column, adds the {@code id} header and any additional header fields. This class
 * then replaces topic, key and value: the topic by the naming convention
 * ({@code naming.event.topic.format}), the key by the aggregate id as a string, and the value by
 * the envelope in the Confluent wire format, written with the schema the registry holds for
 * {@code {topic}-value}. It adds an {@code event_type} header. The connector's value converter must
 * pass bytes through ({@code io.outboxconnect.connector.OutboxValueConverter}, which also writes
 * heartbeats).
 */
public class AvroEventRouter<R extends ConnectRecord<R>> extends EventRouter<R> implements Monitorable {

    private static final Logger LOGGER = LoggerFactory.getLogger(AvroEventRouter.class);

    public static final String OVERVIEW_DOC = "Publish each outbox row as an Avro event envelope (Confluent wire format,"
            + " schema from the registry) on {env}.{domain}.{aggregate}_event.{cluster}.{version}, keyed by aggregate id."
            + " Use with value.converter=io.outboxconnect.connector.OutboxValueConverter (it passes these bytes and writes Debezium's"
            + " heartbeats, which Kafka's ByteArrayConverter cannot).";

    public static final String EVENT_TYPE_HEADER = "event_type";

    private static final String VERSION = AvroEventRouter.class.getPackage().getImplementationVersion() == null
            ? "unknown" : AvroEventRouter.class.getPackage().getImplementationVersion();

    private final Function<AvroEventRouterConfig, RegistryOperations> registryFactory;
    /** Whether a change-event value schema is that of an outbox table; the same few schemas arrive for every record. */
    private volatile OutboxSchema lastSchema;
    private volatile Columns lastColumns;

    /** A change-event schema: whether it is an outbox table's, and its fields, looked up once. */
    private record OutboxSchema(Schema schema, boolean outbox, Field op, Field after, Field tsMs) {
    }

    /** The outbox columns of a row schema, looked up once: the connector's records share their schema objects. */
    private record Columns(Schema schema, Field eventId, Field aggregateId, Field aggregateType, Field eventType, Field eventDate, Field payload) {
    }

    private String eventIdColumn;
    private String aggregateIdColumn;
    private String eventTypeColumn;
    private String eventDateColumn;
    private String payloadColumn;
    private String aggregateTypeColumn;
    private RegistryOperations registry;
    private StreamSchemas<EventEnvelope> events;
    private StreamSchemas<AggregateState> states;
    private OutboxNames names;
    private OutboxStream defaultStream;
    private Pattern deleteEventTypes;
    private DataErrorPolicy policy;
    private String deadLetterTopic;
    private int payloadMaxBytes;
    private int deadLetterMaxBytes;
    private String invalidOperationBehavior;
    private final OutboxMetrics metrics = new OutboxMetrics();
    private final JsonObjectCheck objectCheck = new JsonObjectCheck();
    private static final List<OutboxStream> EVENT_ONLY = List.of(OutboxStream.EVENT);
    private static final List<OutboxStream> STATE_ONLY = List.of(OutboxStream.STATE);
    /** The last row prepared: the connector's copies of one row arrive one after the other. */
    private Row lastRow;
    private final Map<String, List<OutboxStream>> rowStreamsByHeader = new java.util.concurrent.ConcurrentHashMap<>();
    /** State topics by aggregate type: formatting the name for every row cost 7% of the row. */
    private final Map<String, String> stateTopics = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int STATE_TOPICS_CACHED = 1_000;
    /** Preloaded aggregates whose schemas the registry was too slow to give at the start: their first record resolves them. */
    private final java.util.Set<String> preloadDeferred = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How long a task's start waits for the registry to preload schemas, at most. */
    static final long PRELOAD_BUDGET_MS = 5_000;
    private final Map<String, Boolean> deletingTypes = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean warnedOfRecordTimestamp;

    public AvroEventRouter() {
        this(config -> new SchemaRegistryClient(new SchemaRegistryClientConfig(config.originals())));
    }

    /** For tests: the registry the router talks to. */
    AvroEventRouter(Function<AvroEventRouterConfig, RegistryOperations> registryFactory) {
        this.registryFactory = registryFactory;
    }

    @Override
    public void configure(Map<String, ?> props) {
        AvroEventRouterConfig config = new AvroEventRouterConfig(props);
        super.configure(config.eventRouterConfig());
        eventIdColumn = config.getString(AvroEventRouterConfig.FIELD_EVENT_ID);
        aggregateIdColumn = config.getString(AvroEventRouterConfig.FIELD_EVENT_KEY);
        eventTypeColumn = config.getString(AvroEventRouterConfig.FIELD_EVENT_TYPE);
        eventDateColumn = config.getString(AvroEventRouterConfig.FIELD_EVENT_TIMESTAMP);
        payloadColumn = config.getString(AvroEventRouterConfig.FIELD_PAYLOAD);
        aggregateTypeColumn = config.getString(AvroEventRouterConfig.ROUTE_BY_FIELD);
        registry = registryFactory.apply(config);
        names = config.names();
        defaultStream = config.defaultStream();
        deleteEventTypes = config.deleteEventTypes();
        policy = config.dataErrorPolicy();
        deadLetterTopic = names.deadLetterTopic(config.getString(AvroEventRouterConfig.ERRORS_DLQ_TOPIC_FORMAT));
        payloadMaxBytes = config.getInt(AvroEventRouterConfig.PAYLOAD_MAX_BYTES);
        deadLetterMaxBytes = config.getInt(AvroEventRouterConfig.ERRORS_DLQ_MAX_BYTES);
        invalidOperationBehavior = String.valueOf(config.values().get(EventRouterConfigDefinition.OPERATION_INVALID_BEHAVIOR.name())).toLowerCase(java.util.Locale.ROOT);
        AggregateState.UnknownFields unknownFields = AggregateState.UnknownFields.valueOf(
                config.getString(AvroEventRouterConfig.STATE_UNKNOWN_FIELDS).toUpperCase(java.util.Locale.ROOT));
        String registryUrls = String.join(",", config.getList(SchemaRegistryClientConfig.PREFIX + "url"));
        boolean autoRegister = config.getBoolean(AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER);
        events = new StreamSchemas<>(registry, registryUrls, names, autoRegister,
                new StreamSchemas.Settings("event envelope", names::eventTopic, config.getString(AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE),
                        AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE, config.eventVersion(), names::eventSchemaFile),
                (schema, aggregate, origin) -> EventEnvelope.of(schema, origin)
                        .requireNames(names.eventRecordFullName(aggregate), names.eventTypeEnumFullName(aggregate), origin));
        states = new StreamSchemas<>(registry, registryUrls, names, autoRegister,
                new StreamSchemas.Settings("aggregate", names::stateTopic, config.getString(AvroEventRouterConfig.SCHEMAS_STATE_SOURCE),
                        AvroEventRouterConfig.SCHEMAS_STATE_SOURCE, config.stateVersion(), names::stateSchemaFile),
                (schema, aggregate, origin) -> {
                    if (!schema.getFullName().equals(names.aggregateRecordFullName(aggregate))) {
                        throw new EnvelopeContractException("The aggregate schema " + origin + " is named " + schema.getFullName()
                                + " but the naming convention expects " + names.aggregateRecordFullName(aggregate));
                    }
                    return AggregateState.of(schema, unknownFields);
                });
        preload(config);
    }

    /**
     * Resolves the schemas of the configured aggregates now, so that a missing or wrong schema fails
     * the task at its start. Connect configures transformations on the worker's herder thread, which
     * must not wait out a registry outage: the registry gets {@value #PRELOAD_BUDGET_MS} ms at most
     * here; when it does not answer, the schemas are resolved with the first record, on the task's
     * thread, with the full retry budget.
     */
    private void preload(AvroEventRouterConfig config) {
        List<String> aggregates = config.getList(AvroEventRouterConfig.SCHEMAS_PRELOAD_AGGREGATES);
        if (aggregates.isEmpty()) {
            return;
        }
        long budget = Math.min(PRELOAD_BUDGET_MS, config.getLong(SchemaRegistryClientConfig.RETRY_TIMEOUT_MS));
        try {
            registry.withRetryBudget(budget, () -> {
                for (String aggregate : aggregates) {
                    for (OutboxStream stream : config.preloadStreams()) {
                        try {
                            (stream == OutboxStream.EVENT ? events : states).forAggregate(aggregate);
                        }
                        catch (StreamSchemas.MissingSchemaException e) {
                            throw new ConnectException(e.getMessage(), e); // a preloaded aggregate is known: its schema missing is a failed start
                        }
                    }
                }
                return null;
            });
        }
        catch (RegistryUnavailableException e) {
            for (String aggregate : aggregates) {
                for (OutboxStream stream : config.preloadStreams()) {
                    preloadDeferred.add(deferredKey(stream, aggregate));
                }
            }
            LOGGER.warn("The schema registry did not answer within {} ms while the task started, so the schemas of {} are resolved with the first"
                    + " record instead (retried for up to {}): {}", budget, aggregates, SchemaRegistryClientConfig.RETRY_TIMEOUT_MS,
                    e.getMessage());
        }
    }

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return super.apply(record); // a tombstone: EventRouter drops it
        }
        OutboxSchema changeSchema = outboxSchemaOf(record.valueSchema());
        if (changeSchema == null) {
            return record;
        }
        Struct change = (Struct) record.value();
        String op = (String) change.get(changeSchema.op());
        boolean update = Envelope.Operation.UPDATE.code().equals(op);
        // a TRUNCATE (when skipped.operations lets it through) clears the outbox: clean-up, as a delete is
        boolean delete = Envelope.Operation.DELETE.code().equals(op) || Envelope.Operation.TRUNCATE.code().equals(op);
        if (!update && !delete && !Envelope.Operation.CREATE.code().equals(op) && !Envelope.Operation.READ.code().equals(op)) {
            return super.apply(record);
        }
        OutboxStream stream = streamOf(record);
        List<OutboxStream> rowStreams = rowStreamsOf(record, stream);
        if (update || delete) {
            if (stream != rowStreams.get(0)) {
                return null; // the change's first copy counted it, and logged it
            }
            if (update) {
                return unexpectedUpdate(record, change);
            }
            metrics.ignored(Envelope.Operation.TRUNCATE.code().equals(op) ? "truncate" : "delete"); // deleting the row in its own transaction is the recommended clean-up
            return null;
        }

        Row row = row(record, change, changeSchema, rowStreams);
        if (row.failure != null) {
            return badData(record, row, stream, rowStreams);
        }
        Headers headers;
        Integer partition;
        if (row.routedHeaders != null) {
            // a later copy of a row EventRouter routed already: its headers, and what it traced, are the row's;
            // the copy kept for it is its own (another copy after it, were there one, would route again)
            headers = row.routedHeaders;
            row.routedHeaders = null;
            partition = row.routedPartition;
        }
        else {
            R routed;
            try {
                routed = super.apply(record);
            }
            catch (DataException e) {
                row.fail(e, stream, describe(record, row.eventId));
                return badData(record, row, stream, rowStreams);
            }
            if (routed == null) {
                return null;
            }
            headers = routed.headers();
            partition = routed.kafkaPartition();
            headers.remove(OutboxStream.HEADER);
            headers.remove(OutboxStream.ROW_HEADER);
            headers.addString(EVENT_TYPE_HEADER, row.eventType);
            if (rowStreams.size() > 1) {
                row.routedHeaders = headers.duplicate();
                row.routedPartition = partition;
            }
        }
        Long timestamp = row.timestamp;
        if (stream == OutboxStream.EVENT) {
            metrics.event(row.aggregate, row.eventType);
            metrics.eventAgeMillis(System.currentTimeMillis() - Math.floorDiv(row.eventDate, 1_000L));
            return record.newRecord(row.eventTopic, partition, Schema.STRING_SCHEMA, row.aggregateId,
                    Schema.BYTES_SCHEMA, row.event, timestamp, headers);
        }
        if (row.state == null) {
            metrics.tombstone(row.aggregate, row.eventType);
            return record.newRecord(row.stateTopic, partition, Schema.STRING_SCHEMA, row.aggregateId,
                    null, null, timestamp, headers);
        }
        metrics.state(row.aggregate, row.eventType);
        return record.newRecord(row.stateTopic, partition, Schema.STRING_SCHEMA, row.aggregateId,
                Schema.BYTES_SCHEMA, row.state, timestamp, headers);
    }

    /**
     * What one outbox row becomes on every stream it is published to, or why it cannot be published.
     * Computed once for all the row's streams, so that a row bad for one stream is published on
     * none, and kept for the row's next copy, which the connector emits right after.
     */
    private static final class Row {
        final Struct change;
        final List<OutboxStream> streams;
        String eventId;
        String aggregate;
        String aggregateId;
        String eventType;
        long eventDate;
        /** The Kafka record timestamp: the event date, unless Kafka would refuse it. */
        Long timestamp;
        String eventTopic;
        String stateTopic;
        byte[] event;
        /** The state record's value; null for a tombstone. */
        byte[] state;
        /** The aggregate record the payload is read into, named when it does not fit. */
        String mappingTarget;
        DataException failure;
        OutboxStream failedStream;
        String reason;
        /** What EventRouter made of the row's first copy, for the others: its headers (without the stream marks) and partition. */
        Headers routedHeaders;
        Integer routedPartition;

        Row(Struct change, List<OutboxStream> streams) {
            this.change = change;
            this.streams = streams;
        }

        void fail(DataException e, OutboxStream stream, String describedRow) {
            failure = e;
            failedStream = stream;
            reason = describedRow + (aggregate == null ? "" : " of aggregate '" + aggregate + "'" + (aggregateId == null ? "" : " (id " + aggregateId + ")"))
                    + (stream == null ? "" : ", " + stream.value() + " stream") + ": "
                    + (e instanceof AggregateMappingException && mappingTarget != null ? "the payload does not fit " + mappingTarget + ": " : "")
                    + e.getMessage();
        }
    }

    private Row row(R record, Struct change, OutboxSchema changeSchema, List<OutboxStream> rowStreams) {
        Row cached = lastRow;
        if (cached != null && cached.change == change && cached.streams.equals(rowStreams)) {
            return cached;
        }
        Row row = new Row(change, rowStreams);
        Struct after = (Struct) change.get(changeSchema.after());
        Columns columns = columnsOf(after.schema());
        OutboxStream current = null;
        try {
            row.eventId = requireText(after, columns.eventId(), eventIdColumn);
            row.aggregateId = requireText(after, columns.aggregateId(), aggregateIdColumn);
            row.aggregate = requireText(after, columns.aggregateType(), aggregateTypeColumn);
            if (!OutboxNames.isTopicSegment(row.aggregate)) {
                throw new DataException("column '" + aggregateTypeColumn + "': the aggregate type '" + row.aggregate
                        + "' cannot be part of a topic name: it must hold only letters, digits, '_' and '-'");
            }
            row.eventType = requireText(after, columns.eventType(), eventTypeColumn);
            row.eventDate = eventDateMicros(change, changeSchema, after, columns.eventDate());
            String json = payload(after, columns.payload());
            long start = System.nanoTime();
            boolean deleting = isDeleting(row.eventType);
            boolean escapes = json.indexOf('\\') >= 0;
            // the state stream reads the payload after the event stream: its reading checks the JSON for both
            boolean stateChecksJson = false;
            for (OutboxStream stream : rowStreams) {
                current = stream;
                if (stream == OutboxStream.EVENT) {
                    Resolved<EventEnvelope> envelope = resolve(events, OutboxStream.EVENT, row.aggregate);
                    if (!envelope.shape().isEventType(row.eventType)) {
                        throw new DataException("column '" + eventTypeColumn + "' holds '" + row.eventType + "', which is not an event type of "
                                + envelope.shape().schema().getField("event_type").schema().getFullName() + " " + envelope.shape().eventTypes());
                    }
                    row.eventTopic = envelope.topic();
                    stateChecksJson = !deleting && !escapes && rowStreams.indexOf(OutboxStream.STATE) > rowStreams.indexOf(OutboxStream.EVENT);
                    // without escapes, the compact copy is the text without its whitespace: checked here unless the state's reading checks it
                    boolean compact = stateChecksJson || (!escapes && objectCheck.isOneObject(json));
                    String eventData = compact ? json : EventData.compactObject(payloadColumn, json);
                    row.event = envelope.shape().write(envelope.writer(), row.eventId, row.aggregate, row.aggregateId, row.eventType,
                            row.eventDate, eventData, compact);
                    if (row.event == null) { // an unpaired surrogate (or malformed JSON, which the state stream reports): as it always was
                        row.event = envelope.writer().write(envelope.shape().record(row.eventId, row.aggregate, row.aggregateId, row.eventType,
                                row.eventDate, compact ? EventData.withoutWhitespace(json) : eventData));
                    }
                }
                else {
                    row.stateTopic = stateTopic(row.aggregate);
                    if (!deleting) {
                        Resolved<AggregateState> state;
                        try {
                            state = resolve(states, OutboxStream.STATE, row.aggregate);
                        }
                        catch (DataException e) {
                            if (stateChecksJson) {
                                current = OutboxStream.EVENT; // malformed JSON is the event stream's to report first, as it always was
                                EventData.objectTree(payloadColumn, json);
                                current = stream;
                            }
                            throw e;
                        }
                        row.mappingTarget = state.shape().schema().getFullName();
                        row.state = state.shape().writeCommon(json, state.writer());
                        if (row.state == null) {
                            JsonNode tree = null;
                            if (stateChecksJson) {
                                current = OutboxStream.EVENT; // the event stream's check, with its message
                                tree = EventData.objectTree(payloadColumn, json);
                                current = stream;
                            }
                            row.state = state.writer().write(tree != null ? state.shape().read(tree) : state.shape().read(json));
                        }
                    }
                }
            }
            metrics.serializationNanos(System.nanoTime() - start);
            row.timestamp = recordTimestamp(change, changeSchema, row); // once the row is sure to be published
        }
        catch (DataException e) {
            if (!(e instanceof StreamSchemas.MissingSchemaException) && current != null && newerLatest(current, row.aggregate)) {
                return row(record, change, changeSchema, rowStreams); // at most once per stream: a second time, the check is not due
            }
            row.fail(e, current == null ? rowStreams.get(0) : current, describe(record, row.eventId));
        }
        lastRow = row;
        return row;
    }

    /** Whether the registry has a newer latest version of the stream's schema for a row that did not fit the one in use. */
    private boolean newerLatest(OutboxStream stream, String aggregate) {
        StreamSchemas<?> schemas = stream == OutboxStream.EVENT ? events : states;
        return schemas != null && aggregate != null && schemas.newerLatest(aggregate);
    }

    /**
     * The stream's schemas for the aggregate. For an aggregate whose preload was deferred, a missing
     * schema fails the task, as it would have at the start: it is configuration, not bad data.
     */
    private <T> Resolved<T> resolve(StreamSchemas<T> schemas, OutboxStream stream, String aggregate) {
        try {
            return schemas.forAggregate(aggregate);
        }
        catch (StreamSchemas.MissingSchemaException e) {
            if (!preloadDeferred.contains(deferredKey(stream, aggregate))) {
                throw e;
            }
            throw new ConnectException(e.getMessage() + " (a preloaded aggregate: schemas.preload.aggregates)", e);
        }
    }

    private static String deferredKey(OutboxStream stream, String aggregate) {
        return stream.value() + ":" + aggregate;
    }

    /** A row that cannot be published: reported once, by its first copy, as the policy says. */
    private R badData(R record, Row row, OutboxStream stream, List<OutboxStream> rowStreams) {
        if (stream != rowStreams.get(0)) {
            return null; // the row's first copy reported it; a bad row is published on no stream
        }
        Struct after = row.change.getStruct(Envelope.FieldName.AFTER);
        DeadLetters.Value value = policy == DataErrorPolicy.DLQ ? deadLetterValue(row, after) : null;
        metrics.deadLetter(row.aggregate, row.eventType);
        switch (policy) {
            case FAIL:
                throw new DataException(row.reason + " (" + AvroEventRouterConfig.ERRORS_DATA_POLICY + "=fail)", row.failure);
            case LOG:
                LOGGER.warn("{}; skipped, not published ({}=log)", row.reason, AvroEventRouterConfig.ERRORS_DATA_POLICY);
                return null;
            default:
                LOGGER.warn("{}; sent to the dead-letter topic {}{}", row.reason, deadLetterTopic, value.gzipped()
                        ? " gzipped (" + value.jsonBytes() + " bytes of JSON, over " + AvroEventRouterConfig.ERRORS_DLQ_MAX_BYTES + ")" : "");
                Struct source = sourceOf(record);
                DeadLetters.Failure failure = new DeadLetters.Failure(row.reason, row.failure, tableOf(source), lsnOf(source), row.eventId,
                        row.eventType, row.aggregate, row.failedStream);
                Object key = after.schema().field(aggregateIdColumn) == null ? null : after.get(aggregateIdColumn);
                String keyText = key == null || key.toString().isEmpty() ? null : key.toString();
                return record.newRecord(deadLetterTopic, null, Schema.OPTIONAL_STRING_SCHEMA, keyText,
                        Schema.BYTES_SCHEMA, value.bytes(), record.timestamp(), DeadLetters.headers(failure, value));
        }
    }

    /**
     * The row as a dead letter's value, gzipped when it is over the limit. One still over it fails the
     * task before anything of the row is sent: the producer would refuse it, and skipping it would lose it.
     */
    private DeadLetters.Value deadLetterValue(Row row, Struct after) {
        DeadLetters.Value value = DeadLetters.value(after, deadLetterMaxBytes);
        if (value.bytes().length > deadLetterMaxBytes) {
            throw new ConnectException(row.reason + "; its dead letter is " + value.jsonBytes() + " bytes of JSON, "
                    + value.bytes().length + " gzipped, over " + AvroEventRouterConfig.ERRORS_DLQ_MAX_BYTES + "=" + deadLetterMaxBytes
                    + ", so the task stops at this row, before anything of it is sent. To let it through to " + deadLetterTopic
                    + ", raise " + AvroEventRouterConfig.ERRORS_DLQ_MAX_BYTES + " with producer.override.max.request.size on the connector"
                    + " and max.message.bytes on the topic (and the broker's message.max.bytes if it is lower), then restart the task.");
        }
        return value;
    }

    /** How many aggregates without a schema both streams remember now, for tests. */
    int missingSchemasRemembered() {
        return events.missingRemembered() + states.missingRemembered();
    }

    /** An UPDATE of an outbox row is not an event; EventRouter would log the whole record, payload included. */
    private R unexpectedUpdate(R record, Struct change) {
        metrics.ignored("update");
        Struct after = change.getStruct(Envelope.FieldName.AFTER);
        Object eventId = after == null || after.schema().field(eventIdColumn) == null ? null : after.get(eventIdColumn);
        String what = "Unexpected update of an outbox row: " + describe(record, eventId == null ? null : eventId.toString())
                + "; outbox rows are insert-only";
        switch (invalidOperationBehavior) {
            case "fatal":
                throw new ConnectException(what + " (table.op.invalid.behavior=fatal)");
            case "error":
                LOGGER.error("{}; ignored", what);
                return null;
            default:
                LOGGER.warn("{}; ignored", what);
                return null;
        }
    }

    /** The stream this record is for: its mark, or the configured default without one. */
    private OutboxStream streamOf(ConnectRecord<?> record) {
        try {
            return OutboxStream.of(record, defaultStream);
        }
        catch (IllegalArgumentException e) {
            throw new ConnectException("Record on topic " + record.topic() + ": " + e.getMessage());
        }
    }

    /** The streams the row is published to: all the connector's, or just this record's on its own. */
    private List<OutboxStream> rowStreamsOf(ConnectRecord<?> record, OutboxStream stream) {
        Header header = record.headers().lastWithName(OutboxStream.ROW_HEADER);
        if (header == null || header.value() == null) {
            return stream == OutboxStream.EVENT ? EVENT_ONLY : STATE_ONLY;
        }
        String value = header.value().toString();
        List<OutboxStream> streams = rowStreamsByHeader.get(value);
        if (streams == null) {
            try {
                streams = java.util.Arrays.stream(value.split(",")).map(OutboxStream::parse).toList();
            }
            catch (IllegalArgumentException e) {
                throw new ConnectException("Record on topic " + record.topic() + ": header " + OutboxStream.ROW_HEADER + ": " + e.getMessage());
            }
            rowStreamsByHeader.put(value, streams);
        }
        return streams;
    }

    /** Whether the event type deletes the aggregate; kept per type, as the state topics are (a matcher per row cost 5% of it). */
    private boolean isDeleting(String eventType) {
        Boolean deleting = deletingTypes.get(eventType);
        if (deleting == null) {
            deleting = deleteEventTypes.matcher(eventType).matches();
            if (deletingTypes.size() < STATE_TOPICS_CACHED) {
                deletingTypes.put(eventType, deleting);
            }
        }
        return deleting;
    }

    private String stateTopic(String aggregate) {
        String topic = stateTopics.get(aggregate);
        if (topic == null) {
            topic = names.stateTopic(aggregate);
            if (stateTopics.size() < STATE_TOPICS_CACHED) { // a bad row may name any aggregate: the cache stays bounded
                stateTopics.put(aggregate, topic);
            }
        }
        return topic;
    }

    private String payload(Struct row, Field column) {
        Object payload = row.get(column);
        if (!(payload instanceof String json)) {
            throw new DataException("column '" + payloadColumn + "' is "
                    + (payload == null ? "null" : "of type " + column.schema().type())
                    + "; the full aggregate as JSON (jsonb, json or text) is required");
        }
        long bytes = EventData.utf8Length(json, payloadMaxBytes);
        if (bytes > payloadMaxBytes) {
            throw new DataException("column '" + payloadColumn + "' holds " + bytes + " bytes, over " + AvroEventRouterConfig.PAYLOAD_MAX_BYTES
                    + "=" + payloadMaxBytes);
        }
        EventData.requireEncodable(payloadColumn, json);
        return json;
    }

    @Override
    public void withPluginMetrics(PluginMetrics pluginMetrics) {
        metrics.bind(pluginMetrics, () -> registry == null ? 0 : registry.httpCalls(), () -> registry == null ? 0 : registry.cacheHits());
    }

    @Override
    public ConfigDef config() {
        return AvroEventRouterConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void close() {
        super.close();
        if (registry != null) {
            registry.close();
        }
    }

    /** The change-event schema's outbox fields; null when the record is not a change of an outbox table. */
    private OutboxSchema outboxSchemaOf(Schema valueSchema) {
        if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT) {
            return null;
        }
        OutboxSchema last = lastSchema;
        if (last == null || last.schema() != valueSchema) {
            // a handful of name lookups: cheaper than a cache keyed by schema, whose hash walks the whole schema
            Field after = valueSchema.field(Envelope.FieldName.AFTER);
            Field op = valueSchema.field(Envelope.FieldName.OPERATION);
            boolean outbox = op != null && after != null && after.schema().type() == Schema.Type.STRUCT
                    && after.schema().field(eventIdColumn) != null
                    && after.schema().field(aggregateIdColumn) != null
                    && after.schema().field(aggregateTypeColumn) != null
                    && after.schema().field(payloadColumn) != null;
            Field tsMs = valueSchema.field(Envelope.FieldName.TIMESTAMP);
            last = new OutboxSchema(valueSchema, outbox, op, after, tsMs != null && tsMs.schema().type() == Schema.Type.INT64 ? tsMs : null);
            lastSchema = last;
        }
        return last.outbox() ? last : null;
    }

    private Columns columnsOf(Schema row) {
        Columns last = lastColumns;
        if (last == null || last.schema() != row) {
            last = new Columns(row, row.field(eventIdColumn), row.field(aggregateIdColumn), row.field(aggregateTypeColumn), row.field(eventTypeColumn),
                    row.field(eventDateColumn), row.field(payloadColumn));
            lastColumns = last;
        }
        return last;
    }

    private long eventDateMicros(Struct change, OutboxSchema changeSchema, Struct row, Field column) {
        Long micros;
        try {
            micros = column == null ? null : EventDates.toEpochMicros(eventDateColumn, column.schema(), row.get(column));
        }
        catch (ClassCastException | ArithmeticException e) {
            throw new DataException("column '" + eventDateColumn + "' cannot be read as a timestamp: " + e.getClass().getSimpleName());
        }
        if (micros != null) {
            return micros;
        }
        Long tsMs = tsMs(change, changeSchema);
        if (tsMs == null) {
            throw new DataException("no event date: column '" + eventDateColumn + "' is absent or null and the change event has no ts_ms");
        }
        return tsMs * 1_000L;
    }

    /**
     * The row's Kafka record timestamp: its event date, or, when Kafka would refuse that, the change
     * event's ts_ms (null without one: the producer's clock). The envelope's event_date keeps the date.
     */
    private Long recordTimestamp(Struct change, OutboxSchema changeSchema, Row row) {
        long millis = Math.floorDiv(row.eventDate, 1_000L);
        if (EventDates.isRecordTimestamp(millis, System.currentTimeMillis())) {
            return millis;
        }
        metrics.recordTimestampReplaced();
        if (!warnedOfRecordTimestamp) {
            warnedOfRecordTimestamp = true; // once per task: a service writing local time would repeat it for every row
            LOGGER.warn("Event {}: its event date {} (column '{}') is {}, which Kafka does not take as a record timestamp; its records are"
                    + " stamped with the change event's ts_ms instead and event_date keeps the date (record-timestamps-replaced-total counts"
                    + " such rows; they are not logged again)", row.eventId, EventDates.describe(row.eventDate), eventDateColumn,
                    millis < 0 ? "before 1970" : "more than " + EventDates.MAX_AHEAD_MS / 60_000 + " minutes ahead of this worker's clock");
        }
        return tsMs(change, changeSchema);
    }

    /** The change event's ts_ms, when it has one. */
    private static Long tsMs(Struct change, OutboxSchema changeSchema) {
        return changeSchema.tsMs() == null ? null : (Long) change.get(changeSchema.tsMs());
    }

    private static String requireText(Struct row, Field field, String column) {
        Object value = field == null ? null : row.get(field);
        String text = value == null ? null : value.toString();
        if (text == null || text.isEmpty()) {
            throw new DataException("column '" + column + "' is " + (field == null ? "absent" : value == null ? "null" : "empty"));
        }
        return text;
    }

    private static Struct sourceOf(ConnectRecord<?> record) {
        return record.value() instanceof Struct change && change.schema().field(Envelope.FieldName.SOURCE) != null
                ? change.getStruct(Envelope.FieldName.SOURCE) : null;
    }

    private static String tableOf(Struct source) {
        if (source == null || source.schema().field("table") == null) {
            return null;
        }
        Field schema = source.schema().field("schema");
        return (schema != null && source.get(schema) != null ? source.get(schema) + "." : "") + source.get("table");
    }

    private static String lsnOf(Struct source) {
        Field lsn = source == null ? null : source.schema().field("lsn");
        return lsn == null || source.get(lsn) == null ? null : source.get(lsn).toString();
    }

    /** Names the outbox row for an error message: event id, table and position, never the payload. */
    private static String describe(ConnectRecord<?> record, String eventId) {
        StringBuilder out = new StringBuilder("Outbox event ").append(eventId == null ? "(no event id)" : eventId);
        Struct source = sourceOf(record);
        if (source != null) {
            String table = tableOf(source);
            out.append(" from table ").append(table == null ? "?" : table);
            String lsn = lsnOf(source);
            if (lsn != null) {
                out.append(" (lsn ").append(lsn).append(')');
            }
        }
        out.append(" on topic ").append(record.topic());
        return out.toString();
    }
}
