package io.outboxconnect.generator;

import java.util.List;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.outboxconnect.generator.AggregateSpec.FieldSpec;
import io.outboxconnect.generator.AggregateSpec.TypeSpec;
import io.outboxconnect.naming.OutboxNames;

/**
 * The two schemas of an aggregate: the event envelope (exactly seed 000's {@code {Aggregate}Event}, its
 * event-type enum led by the reader default {@code UNKNOWN}) and the aggregate's state record. Both are
 * parsed by Avro before they are written, so a generated schema is always a valid one.
 */
public final class AvroSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroSchemas() {
    }

    /** {@code schemas/{domain}/{aggregate}_event.avsc}. */
    public static String envelope(AggregateSpec spec) {
        OutboxNames names = spec.names();
        String aggregate = spec.aggregate();
        String pascal = OutboxNames.pascalCase(aggregate);
        ObjectNode record = named("record", names.eventRecordFullName(aggregate), true);
        record.put("doc", "Event envelope for the " + pascal + " aggregate. Published to the events topic by outbox-connect through the "
                + "transactional outbox pattern. Contains the full aggregate state at the moment of the event.");
        ArrayNode fields = record.putArray("fields");
        field(fields, "event_id", NODES.textNode("string"), "UUID of this event. Idempotency key for consumers.");
        field(fields, "aggregate_type", NODES.textNode("string"), "Always '" + aggregate + "'. Used for topic routing.");
        field(fields, "aggregate_id", NODES.textNode("string"),
                "Business primary key of the aggregate. Also the Kafka message key, which guarantees ordering per aggregate.");
        ObjectNode eventType = named("enum", names.eventTypeEnumFullName(aggregate), false);
        eventType.put("doc", "Semantic event type. Consumers use this to route and filter events. " + AggregateSpecReader.READER_DEFAULT_SYMBOL
                + " is the reader default that lets later versions add event types under FORWARD_TRANSITIVE; it is never emitted.");
        symbols(eventType, spec.eventTypes());
        field(fields, "event_type", eventType, "The type of domain event that occurred.");
        ObjectNode date = NODES.objectNode().put("type", "long").put("logicalType", "timestamp-micros");
        field(fields, "event_date", date, "Application timestamp (UTC) when the event was written to the outbox. NOT the Kafka publish time.");
        field(fields, "event_data", NODES.textNode("string"), "The complete " + pascal + " aggregate serialized as a JSON string. "
                + "This is the full state, not a delta. Parse this string as JSON to hydrate the aggregate.");
        return checked(record);
    }

    /** {@code schemas/{domain}/{aggregate}.avsc}. */
    public static String aggregate(AggregateSpec spec) {
        OutboxNames names = spec.names();
        String pascal = OutboxNames.pascalCase(spec.aggregate());
        ObjectNode record = named("record", names.aggregateRecordFullName(spec.aggregate()), true);
        record.put("doc", "Current state of the " + pascal + " aggregate. Published to the log-compacted topic. "
                + "Represents the latest known state for a given aggregate_id.");
        record.set("fields", fields(spec.fields()));
        return checked(record);
    }

    private static ArrayNode fields(List<FieldSpec> specs) {
        ArrayNode fields = NODES.arrayNode();
        for (FieldSpec f : specs) {
            ObjectNode field = fields.addObject();
            field.put("name", f.name());
            if (f.nullable()) {
                // a nullable field defaults to null: readers of older data, and writers that omit it, stay compatible
                field.set("type", NODES.arrayNode().add("null").add(type(f.type())));
                field.putNull("default");
            }
            else {
                field.set("type", type(f.type()));
            }
            if (f.doc() != null) {
                field.put("doc", f.doc());
            }
        }
        return fields;
    }

    private static JsonNode type(TypeSpec t) {
        return switch (t.kind()) {
            case STRING -> NODES.textNode("string");
            case INT -> NODES.textNode("int");
            case LONG -> NODES.textNode("long");
            case FLOAT -> NODES.textNode("float");
            case DOUBLE -> NODES.textNode("double");
            case BOOLEAN -> NODES.textNode("boolean");
            case DECIMAL -> NODES.objectNode().put("type", "bytes").put("logicalType", "decimal").put("precision", t.precision())
                    .put("scale", t.scale());
            case DATE -> NODES.objectNode().put("type", "int").put("logicalType", "date");
            case TIMESTAMP -> NODES.objectNode().put("type", "long").put("logicalType", "timestamp-micros");
            case UUID -> NODES.objectNode().put("type", "string").put("logicalType", "uuid");
            case ENUM -> {
                ObjectNode e = named("enum", t.name(), false);
                String doc = (t.doc() == null ? "" : t.doc() + " ") + AggregateSpecReader.READER_DEFAULT_SYMBOL
                        + " is the reader default for symbols added later.";
                e.put("doc", doc);
                symbols(e, t.symbols());
                yield e;
            }
            case OBJECT -> {
                ObjectNode r = named("record", t.name(), false);
                if (t.doc() != null) {
                    r.put("doc", t.doc());
                }
                r.set("fields", fields(t.fields()));
                yield r;
            }
            case ARRAY -> {
                ObjectNode a = NODES.objectNode().put("type", "array");
                a.set("items", type(t.element()));
                yield a;
            }
            case MAP -> {
                ObjectNode m = NODES.objectNode().put("type", "map");
                m.set("values", type(t.element()));
                yield m;
            }
        };
    }

    /** The reader default first: under FORWARD_TRANSITIVE a symbol can only be added when every older enum has a default. */
    private static void symbols(ObjectNode e, List<String> symbols) {
        ArrayNode array = e.putArray("symbols");
        array.add(AggregateSpecReader.READER_DEFAULT_SYMBOL);
        symbols.forEach(array::add);
        e.put("default", AggregateSpecReader.READER_DEFAULT_SYMBOL);
    }

    private static ObjectNode named(String type, String fullName, boolean withNamespace) {
        ObjectNode node = NODES.objectNode().put("type", type);
        int dot = fullName.lastIndexOf('.');
        node.put("name", dot < 0 ? fullName : fullName.substring(dot + 1));
        if (withNamespace && dot > 0) {
            node.put("namespace", fullName.substring(0, dot));
        }
        return node;
    }

    private static void field(ArrayNode fields, String name, JsonNode type, String doc) {
        fields.addObject().put("name", name).set("type", type);
        ((ObjectNode) fields.get(fields.size() - 1)).put("doc", doc);
    }

    private static String checked(ObjectNode schema) {
        String text = GeneratedJson.pretty(schema);
        new Schema.Parser().parse(text);
        return text;
    }
}
