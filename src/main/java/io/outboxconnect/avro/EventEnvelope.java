package io.outboxconnect.avro;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The event envelope of seed 000: {@code event_id}, {@code aggregate_type}, {@code aggregate_id},
 * {@code event_type} (an enum with a reader default), {@code event_date} ({@code long} /
 * {@code timestamp-micros}) and {@code event_data} (the full aggregate as JSON text).
 *
 * <p>An instance wraps one envelope schema that was checked against that contract, and builds
 * records of it. The enum's default symbol exists for readers of later versions; the plugin never
 * emits it.
 */
public final class EventEnvelope {

    public static final String EVENT_ID = "event_id";
    public static final String AGGREGATE_TYPE = "aggregate_type";
    public static final String AGGREGATE_ID = "aggregate_id";
    public static final String EVENT_TYPE = "event_type";
    public static final String EVENT_DATE = "event_date";
    public static final String EVENT_DATA = "event_data";

    private static final List<String> FIELDS = List.of(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, EVENT_TYPE, EVENT_DATE, EVENT_DATA);

    private final Schema schema;
    private final Schema eventTypeSchema;
    private final Map<String, GenericData.EnumSymbol> emittableSymbols;
    private final int eventIdPos;
    private final int aggregateTypePos;
    private final int aggregateIdPos;
    private final int eventTypePos;
    private final int eventDatePos;
    private final int eventDataPos;
    /** The envelope's fields in the schema's order, as indexes into {@link #FIELDS}. */
    private final int[] order;
    private final Map<String, Integer> ordinals = new HashMap<>();

    private EventEnvelope(Schema schema) {
        this.schema = schema;
        this.eventTypeSchema = schema.getField(EVENT_TYPE).schema();
        this.emittableSymbols = new HashMap<>();
        for (String symbol : eventTypeSchema.getEnumSymbols()) {
            if (!symbol.equals(eventTypeSchema.getEnumDefault())) {
                emittableSymbols.put(symbol, new GenericData.EnumSymbol(eventTypeSchema, symbol));
            }
        }
        this.eventIdPos = schema.getField(EVENT_ID).pos();
        this.aggregateTypePos = schema.getField(AGGREGATE_TYPE).pos();
        this.aggregateIdPos = schema.getField(AGGREGATE_ID).pos();
        this.eventTypePos = schema.getField(EVENT_TYPE).pos();
        this.eventDatePos = schema.getField(EVENT_DATE).pos();
        this.eventDataPos = schema.getField(EVENT_DATA).pos();
        this.order = schema.getFields().stream().mapToInt(field -> FIELDS.indexOf(field.name())).toArray();
        emittableSymbols.keySet().forEach(symbol -> ordinals.put(symbol, eventTypeSchema.getEnumOrdinal(symbol)));
    }

    /**
     * Checks {@code schema} against the envelope contract.
     *
     * @param source where the schema came from (subject and version, or file), for the error message
     * @throws EnvelopeContractException naming the source and what does not fit
     */
    public static EventEnvelope of(Schema schema, String source) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw contract(source, "is a " + schema.getType() + ", not a record");
        }
        for (Schema.Field field : schema.getFields()) {
            if (!FIELDS.contains(field.name())) {
                throw contract(source, "has the field '" + field.name() + "', which the envelope does not have; its fields are exactly " + FIELDS);
            }
        }
        for (String name : FIELDS) {
            Schema.Field field = schema.getField(name);
            if (field == null) {
                throw contract(source, "lacks the field '" + name + "'; the envelope's fields are exactly " + FIELDS);
            }
        }
        requireType(schema, source, EVENT_ID, Schema.Type.STRING, null);
        requireType(schema, source, AGGREGATE_TYPE, Schema.Type.STRING, null);
        requireType(schema, source, AGGREGATE_ID, Schema.Type.STRING, null);
        requireType(schema, source, EVENT_DATA, Schema.Type.STRING, null);
        requireType(schema, source, EVENT_DATE, Schema.Type.LONG, LogicalTypes.timestampMicros());
        Schema eventType = schema.getField(EVENT_TYPE).schema();
        if (eventType.getType() != Schema.Type.ENUM) {
            throw contract(source, "declares '" + EVENT_TYPE + "' as " + eventType.getType() + "; it must be an enum of the event types");
        }
        if (eventType.getEnumDefault() == null) {
            throw contract(source, "declares the enum " + eventType.getFullName() + " without a \"default\" symbol. Without one, adding an event type"
                    + " later is incompatible under FORWARD_TRANSITIVE; add a reader default such as \"UNKNOWN\" (first symbol, never emitted)");
        }
        return new EventEnvelope(schema);
    }

    /**
     * Checks the record's and the enum's full names against the naming convention.
     *
     * @throws EnvelopeContractException naming the expected and the actual name
     */
    public EventEnvelope requireNames(String recordFullName, String enumFullName, String source) {
        if (!schema.getFullName().equals(recordFullName)) {
            throw contract(source, "is named " + schema.getFullName() + " but the naming convention expects " + recordFullName);
        }
        if (!eventTypeSchema.getFullName().equals(enumFullName)) {
            throw contract(source, "names its event type enum " + eventTypeSchema.getFullName() + " but the naming convention expects " + enumFullName);
        }
        return this;
    }

    public Schema schema() {
        return schema;
    }

    /** Event types the plugin may emit: the enum's symbols except its reader default. */
    public Set<String> eventTypes() {
        return emittableSymbols.keySet();
    }

    public boolean isEventType(String eventType) {
        return emittableSymbols.containsKey(eventType);
    }

    /**
     * Builds one envelope.
     *
     * @throws IllegalArgumentException when {@code eventType} is not an emittable symbol
     */
    public GenericRecord record(String eventId, String aggregateType, String aggregateId, String eventType,
                                long eventDateMicros, String eventData) {
        GenericData.EnumSymbol symbol = emittableSymbols.get(eventType);
        if (symbol == null) {
            throw new IllegalArgumentException("'" + eventType + "' is not an event type of " + eventTypeSchema.getFullName() + " " + eventTypes());
        }
        GenericData.Record record = new GenericData.Record(schema);
        record.put(eventIdPos, eventId);
        record.put(aggregateTypePos, aggregateType);
        record.put(aggregateIdPos, aggregateId);
        record.put(eventTypePos, symbol);
        record.put(eventDatePos, eventDateMicros);
        record.put(eventDataPos, eventData);
        return record;
    }

    /**
     * One envelope in the Confluent wire format, written directly: the bytes that
     * {@code writer.write(record(...))} returns for the same values, {@code eventData} taken without
     * the whitespace outside its strings when {@code compactJson} (it must then be well-formed JSON).
     *
     * @param writer the writer of this envelope's schema
     * @return null when a string holds an unpaired UTF-16 surrogate, which UTF-8 cannot carry, or
     *         when {@code eventData} to compact is not well-formed JSON: the caller decides (Avro's own
     *         writer replaces an unpaired surrogate with '?')
     * @throws IllegalArgumentException when {@code eventType} is not an emittable symbol
     */
    public byte[] write(ConfluentAvroWriter writer, String eventId, String aggregateType, String aggregateId, String eventType,
                        long eventDateMicros, String eventData, boolean compactJson) {
        Integer ordinal = ordinals.get(eventType);
        if (ordinal == null) {
            throw new IllegalArgumentException("'" + eventType + "' is not an event type of " + eventTypeSchema.getFullName() + " " + eventTypes());
        }
        if (writer.schema() != schema) {
            throw new IllegalArgumentException("The writer is for " + writer.schema().getFullName() + ", not for this envelope's schema");
        }
        AvroOutput out = writer.begin();
        for (int field : order) {
            boolean written = switch (field) {
                case 0 -> out.writeString(eventId);
                case 1 -> out.writeString(aggregateType);
                case 2 -> out.writeString(aggregateId);
                case 3 -> {
                    out.writeInt(ordinal);
                    yield true;
                }
                case 4 -> {
                    out.writeLong(eventDateMicros);
                    yield true;
                }
                default -> {
                    char[] chars = out.chars(eventData.length());
                    eventData.getChars(0, eventData.length(), chars, 0);
                    yield compactJson ? out.writeCompactJson(chars, 0, eventData.length()) : out.writeString(chars, 0, eventData.length());
                }
            };
            if (!written) {
                return null;
            }
        }
        return writer.finish();
    }

    private static void requireType(Schema schema, String source, String field, Schema.Type type, LogicalType logicalType) {
        Schema fieldSchema = schema.getField(field).schema();
        if (fieldSchema.getType() != type) {
            throw contract(source, "declares '" + field + "' as " + fieldSchema.getType() + "; the envelope needs " + type
                    + (logicalType == null ? "" : " with logicalType " + logicalType.getName()));
        }
        if (logicalType != null && (fieldSchema.getLogicalType() == null || !fieldSchema.getLogicalType().getName().equals(logicalType.getName()))) {
            throw contract(source, "declares '" + field + "' without logicalType " + logicalType.getName() + "; the envelope needs "
                    + type + " with logicalType " + logicalType.getName());
        }
    }

    private static EnvelopeContractException contract(String source, String problem) {
        return new EnvelopeContractException("The event envelope schema " + source + " " + problem);
    }
}
