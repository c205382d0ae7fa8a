package io.outboxconnect.transforms;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.avro.generic.GenericData;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import io.debezium.data.Envelope;
import io.debezium.transforms.outbox.EventRouter;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.RegistryOperations;
import io.outboxconnect.registry.SchemaRegistryClient;
import io.outboxconnect.registry.SchemaRegistryClientConfig;
import io.outboxconnect.avro.AggregateMappingException;
import io.outboxconnect.avro.AggregateState;
import io.outboxconnect.avro.EnvelopeContractException;
import io.outboxconnect.avro.EventEnvelope;
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
 * pass bytes through ({@code ByteArrayConverter}).
 */
public class AvroEventRouter<R extends ConnectRecord<R>> extends EventRouter<R> {

    public static final String OVERVIEW_DOC = "Publish each outbox row as an Avro event envelope (Confluent wire format,"
            + " schema from the registry) on {env}.{domain}.{aggregate}_event.{cluster}.{version}, keyed by aggregate id."
            + " Use with value.converter=org.apache.kafka.connect.converters.ByteArrayConverter.";

    public static final String EVENT_TYPE_HEADER = "event_type";

    private static final String VERSION = AvroEventRouter.class.getPackage().getImplementationVersion() == null
            ? "unknown" : AvroEventRouter.class.getPackage().getImplementationVersion();

    private final Function<AvroEventRouterConfig, RegistryOperations> registryFactory;
    /** Whether a change-event value schema is that of an outbox table; the same few schemas arrive for every record. */
    private final Cache<Schema, Boolean> outboxSchemas = new SynchronizedCache<>(new LRUCache<>(16));

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
        AggregateState.UnknownFields unknownFields = AggregateState.UnknownFields.valueOf(
                config.getString(AvroEventRouterConfig.STATE_UNKNOWN_FIELDS).toUpperCase(java.util.Locale.ROOT));
        String registryUrls = String.join(",", config.getList(SchemaRegistryClientConfig.PREFIX + "url"));
        boolean autoRegister = config.getBoolean(AvroEventRouterConfig.SCHEMAS_AUTO_REGISTER);
        events = new StreamSchemas<>(registry, registryUrls, names, autoRegister,
                new StreamSchemas.Settings("event envelope", names::eventTopic, config.getString(AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE),
                        AvroEventRouterConfig.SCHEMAS_EVENT_SOURCE, config.eventVersion(), "{aggregate}_event.avsc"),
                (schema, aggregate, origin) -> EventEnvelope.of(schema, origin)
                        .requireNames(names.eventRecordFullName(aggregate), names.eventTypeEnumFullName(aggregate), origin));
        states = new StreamSchemas<>(registry, registryUrls, names, autoRegister,
                new StreamSchemas.Settings("aggregate", names::stateTopic, config.getString(AvroEventRouterConfig.SCHEMAS_STATE_SOURCE),
                        AvroEventRouterConfig.SCHEMAS_STATE_SOURCE, config.stateVersion(), "{aggregate}.avsc"),
                (schema, aggregate, origin) -> {
                    if (!schema.getFullName().equals(names.aggregateRecordFullName(aggregate))) {
                        throw new EnvelopeContractException("The aggregate schema " + origin + " is named " + schema.getFullName()
                                + " but the naming convention expects " + names.aggregateRecordFullName(aggregate));
                    }
                    return AggregateState.of(schema, unknownFields);
                });
        for (String aggregate : config.getList(AvroEventRouterConfig.SCHEMAS_PRELOAD_AGGREGATES)) {
            for (OutboxStream stream : config.preloadStreams()) {
                (stream == OutboxStream.EVENT ? events : states).forAggregate(aggregate);
            }
        }
    }

    @Override
    public R apply(R record) {
        if (record.value() != null && !isOutboxChangeEvent(record.valueSchema())) {
            return record;
        }
        Struct change = record.value() == null ? null : (Struct) record.value();
        Struct row = change == null || !isInsertOrRead(change) ? null : change.getStruct(Envelope.FieldName.AFTER);
        String eventId = row == null ? null : requireText(record, null, row, eventIdColumn);
        if (row != null) {
            // EventRouter would fail on these with a NullPointerException: name the record and the column instead
            requireText(record, eventId, row, aggregateTypeColumn);
            requireText(record, eventId, row, aggregateIdColumn);
        }

        OutboxStream stream;
        try {
            stream = OutboxStream.of(record, defaultStream);
        }
        catch (IllegalArgumentException e) {
            throw new DataException(describe(record, eventId) + ": " + e.getMessage());
        }
        R routed = super.apply(record);
        if (routed == null || routed == record || row == null) {
            return routed;
        }
        routed.headers().remove(OutboxStream.HEADER);

        String aggregate = routed.topic();
        if (!OutboxNames.isTopicSegment(aggregate)) {
            throw new DataException(describe(record, eventId) + ": column '" + aggregateTypeColumn + "': the aggregate type '" + aggregate
                    + "' cannot be part of a topic name: it must hold only letters, digits, '_' and '-'");
        }
        String aggregateId = String.valueOf(routed.key());
        String eventType = requireText(record, eventId, row, eventTypeColumn);
        return stream == OutboxStream.EVENT
                ? event(record, routed, change, row, eventId, aggregate, aggregateId, eventType)
                : state(record, routed, change, row, eventId, aggregate, aggregateId, eventType);
    }

    private R event(R record, R routed, Struct change, Struct row, String eventId, String aggregate, String aggregateId, String eventType) {
        Resolved<EventEnvelope> events = this.events.forAggregate(aggregate);
        if (!events.shape().isEventType(eventType)) {
            throw new DataException(describe(record, eventId) + " of aggregate '" + aggregate + "' (id " + aggregateId + "): column '"
                    + eventTypeColumn + "' holds '" + eventType + "', which is not an event type of "
                    + events.shape().schema().getField("event_type").schema().getFullName() + " " + events.shape().eventTypes());
        }
        long eventDate = eventDateMicros(record, eventId, change, row);
        String json = payload(record, eventId, row);
        String eventData;
        try {
            eventData = EventData.compactObject(payloadColumn, json);
        }
        catch (DataException e) {
            throw new DataException(describe(record, eventId) + ": " + e.getMessage());
        }

        byte[] value = events.writer().write(events.shape().record(eventId, aggregate, aggregateId, eventType, eventDate, eventData));
        routed.headers().addString(EVENT_TYPE_HEADER, eventType);
        return routed.newRecord(events.topic(), routed.kafkaPartition(), Schema.STRING_SCHEMA, aggregateId,
                Schema.BYTES_SCHEMA, value, Math.floorDiv(eventDate, 1_000L), routed.headers());
    }

    /** The aggregate's latest state: the typed aggregate record, or a tombstone when the event type deletes it. */
    private R state(R record, R routed, Struct change, Struct row, String eventId, String aggregate, String aggregateId, String eventType) {
        long eventDate = eventDateMicros(record, eventId, change, row);
        routed.headers().addString(EVENT_TYPE_HEADER, eventType);
        long timestamp = Math.floorDiv(eventDate, 1_000L);
        if (deleteEventTypes.matcher(eventType).matches()) {
            return routed.newRecord(names.stateTopic(aggregate), routed.kafkaPartition(), Schema.STRING_SCHEMA, aggregateId,
                    null, null, timestamp, routed.headers());
        }
        Resolved<AggregateState> state = states.forAggregate(aggregate);
        String json = payload(record, eventId, row);
        GenericData.Record aggregateRecord;
        try {
            aggregateRecord = state.shape().read(json);
        }
        catch (AggregateMappingException e) {
            throw new DataException(describe(record, eventId) + " of aggregate '" + aggregate + "' (id " + aggregateId + "): column '"
                    + payloadColumn + "' does not fit " + state.shape().schema().getFullName() + ": " + e.getMessage(), e);
        }
        return routed.newRecord(state.topic(), routed.kafkaPartition(), Schema.STRING_SCHEMA, aggregateId,
                Schema.BYTES_SCHEMA, state.writer().write(aggregateRecord), timestamp, routed.headers());
    }

    private String payload(R record, String eventId, Struct row) {
        Object payload = row.get(payloadColumn);
        if (!(payload instanceof String json)) {
            throw new DataException(describe(record, eventId) + ": column '" + payloadColumn + "' is "
                    + (payload == null ? "null" : "of type " + row.schema().field(payloadColumn).schema().type())
                    + "; the full aggregate as JSON (jsonb, json or text) is required");
        }
        return json;
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

    private boolean isOutboxChangeEvent(Schema valueSchema) {
        if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT) {
            return false;
        }
        Boolean known = outboxSchemas.get(valueSchema);
        if (known == null) {
            Field after = valueSchema.field(Envelope.FieldName.AFTER);
            Field op = valueSchema.field(Envelope.FieldName.OPERATION);
            known = op != null && after != null && after.schema().type() == Schema.Type.STRUCT
                    && after.schema().field(eventIdColumn) != null
                    && after.schema().field(aggregateIdColumn) != null
                    && after.schema().field(aggregateTypeColumn) != null
                    && after.schema().field(payloadColumn) != null;
            outboxSchemas.put(valueSchema, known);
        }
        return known;
    }

    private static boolean isInsertOrRead(Struct change) {
        String op = change.getString(Envelope.FieldName.OPERATION);
        return Envelope.Operation.CREATE.code().equals(op) || Envelope.Operation.READ.code().equals(op);
    }

    private long eventDateMicros(R record, String eventId, Struct change, Struct row) {
        Field column = row.schema().field(eventDateColumn);
        Long micros;
        try {
            micros = column == null ? null : EventDates.toEpochMicros(eventDateColumn, column.schema(), row.get(column));
        }
        catch (DataException | ClassCastException | ArithmeticException e) {
            throw new DataException(describe(record, eventId) + ": " + e.getMessage());
        }
        if (micros != null) {
            return micros;
        }
        Long tsMs = change.getInt64(Envelope.FieldName.TIMESTAMP);
        if (tsMs == null) {
            throw new DataException(describe(record, eventId) + ": no event date: column '" + eventDateColumn + "' is absent or null and the change event has no ts_ms");
        }
        return tsMs * 1_000L;
    }

    private String requireText(R record, String eventId, Struct row, String column) {
        Field field = row.schema().field(column);
        Object value = field == null ? null : row.get(field);
        String text = value == null ? null : value.toString();
        if (text == null || text.isEmpty()) {
            throw new DataException(describe(record, eventId) + ": column '" + column + "' is " + (field == null ? "absent" : value == null ? "null" : "empty"));
        }
        return text;
    }

    /** Names the outbox row for an error message: event id, table and position, never the payload. */
    private static String describe(ConnectRecord<?> record, String eventId) {
        StringBuilder out = new StringBuilder("Outbox event ").append(eventId == null ? "(no event id)" : eventId);
        Struct source = record.value() instanceof Struct change && change.schema().field(Envelope.FieldName.SOURCE) != null
                ? change.getStruct(Envelope.FieldName.SOURCE) : null;
        if (source != null) {
            Field schema = source.schema().field("schema");
            Field table = source.schema().field("table");
            Field lsn = source.schema().field("lsn");
            out.append(" from table ");
            if (schema != null && source.get(schema) != null) {
                out.append(source.get(schema)).append('.');
            }
            out.append(table == null ? "?" : source.get(table));
            if (lsn != null && source.get(lsn) != null) {
                out.append(" (lsn ").append(source.get(lsn)).append(')');
            }
        }
        out.append(" on topic ").append(record.topic());
        return out.toString();
    }
}
