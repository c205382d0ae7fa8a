package io.outboxconnect.transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.debezium.transforms.outbox.EventRouter;
import io.debezium.transforms.outbox.EventRouterConfigDefinition;
import io.outboxconnect.bench.ChangeEventReplay;
import io.outboxconnect.bench.OrderAggregates;
import io.outboxconnect.connector.OutboxConnectorTask;
import io.outboxconnect.connector.OutboxConnectorTaskTest;
import io.outboxconnect.connector.OutboxValueConverter;
import io.outboxconnect.connector.StringHeaderConverter;
import io.outboxconnect.registry.SchemaRegistryClient;
import io.outboxconnect.registry.SchemaRegistryClientConfig;
import io.outboxconnect.sandbox.SchemaRegistry;

/**
 * What one outbox row costs the Connect task, from the change event Debezium hands over to the
 * bytes the producer gets (transformation, key, value and header converters), four ways:
 *
 * <ol>
 * <li>{@code a_stockEventRouterString}: Debezium's EventRouter, the payload as a JSON string
 *     (StringConverter): the floor;</li>
 * <li>{@code b_stockEventRouterApicurioAvro}: EventRouter with {@code table.expand.json.payload=true}
 *     and Apicurio's AvroConverter in the Confluent format against a real Apicurio: Avro as users get
 *     it today;</li>
 * <li>{@code c_avroEventRouterEvent}: AvroEventRouter on the stock connector's records, the events
 *     stream only;</li>
 * <li>{@code d_outboxConnectorEventAndState}: OutboxConnectorTask's fan-out (two copies of each
 *     row) through AvroEventRouter: the event envelope and the state record;</li>
 * <li>{@code e_payloadReadOnlyReference}: not a pipeline, a reference: the payload read once and
 *     checked, the least any path from the JSON to a typed record does;</li>
 * <li>{@code f_jacksonTokensReference}: a reference too: the payload streamed through Jackson's
 *     parser, tokens only, which is what reading it costs with the usual Java JSON parser.</li>
 * </ol>
 *
 * <p>The inputs are the same change events for all four, built as the PostgresConnector emits them
 * for the example outbox table ({@link OutboxChangeEvents}); every invocation hands
 * {@value #BATCH} fresh records (new headers, as Debezium creates a record per change) and the
 * scores are per input row. The registry is a real Apicurio: the one at
 * {@code -Dbench.registry.url} ({@link RecordCostReport} starts one), else one started per fork.
 * AvroEventRouter and the header converter are configured as the shipped example connector
 * configures them; the stock pipelines use Connect's default header converter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordCostBenchmark {

    static final int BATCH = 100;
    /** More distinct rows than one batch, so no cache sees the same row twice in a row. */
    static final int DISTINCT_ROWS = 1_000;
    static final String[] EVENT_TYPES = {"ORDER_CREATED", "ORDER_UPDATED", "ORDER_SHIPPED"};
    static final String EVENTS_TOPIC = "public.commerce.order_event.c1.v1";
    static final String STATE_TOPIC = "public.commerce.order.c1.v1";
    static final Path PROJECT = Path.of(System.getProperty("sandbox.project.dir", ".")).toAbsolutePath();

    /** The change events, as the PostgresConnector emits them for rows of the example outbox table. */
    @State(Scope.Benchmark)
    public static class ChangeEvents {
        /** Approximate payload size in bytes: the order aggregate's JSON. */
        @Param({"500", "5000"})
        public int payloadBytes;

        List<SourceRecord> rows;
        int next;

        @Setup(Level.Trial)
        public void build() {
            OutboxChangeEvents table = OutboxChangeEvents.seed000();
            rows = new ArrayList<>(DISTINCT_ROWS);
            for (int i = 0; i < DISTINCT_ROWS; i++) {
                String orderId = OrderAggregates.orderId(i);
                rows.add(table.row().with("aggregate_id", orderId).with("event_type", EVENT_TYPES[i % EVENT_TYPES.length])
                        .with("event_data", OrderAggregates.json(orderId, payloadBytes)).inserted());
            }
        }

        /** The next batch, each a new record as Debezium creates one per change. */
        List<SourceRecord> batch() {
            List<SourceRecord> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                SourceRecord row = rows.get(next);
                next = (next + 1) % DISTINCT_ROWS;
                batch.add(new SourceRecord(row.sourcePartition(), row.sourceOffset(), row.topic(), null, row.keySchema(), row.key(),
                        row.valueSchema(), row.value(), row.timestamp(), new ConnectHeaders()));
            }
            return batch;
        }
    }

    /** A real Apicurio Registry holding the example's two schemas. */
    @State(Scope.Benchmark)
    public static class Registry {
        SchemaRegistry apicurio;
        String ccompatUrl;
        String baseUrl;

        @Setup(Level.Trial)
        public void start() {
            String given = System.getProperty("bench.registry.url");
            if (given != null && !given.isBlank()) {
                baseUrl = given.replaceAll("/+$", "");
            }
            else {
                apicurio = SchemaRegistry.start();
                baseUrl = apicurio.baseUrl();
            }
            ccompatUrl = baseUrl + "/apis/ccompat/v7";
            var rest = new io.outboxconnect.sandbox.RegistryRest(ccompatUrl);
            rest.register("public.commerce.order_event.c1.v1-value", read("schemas/commerce/order_event.avsc"));
            rest.register("public.commerce.order.c1.v1-value", read("schemas/commerce/order.avsc"));
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (apicurio != null) {
                apicurio.close();
            }
        }
    }

    /** How the worker turns a transformed record into what the producer sends. */
    abstract static class Worker {
        final Converter keys = new StringConverter();
        /** Connect's default, which a stock pipeline runs; ours use the one the example configures. */
        HeaderConverter headers = new SimpleHeaderConverter();
        Converter values;

        void converters(Converter values, Map<String, ?> valueConfig) {
            keys.configure(Map.of(), true);
            headers.configure(Map.of());
            this.values = values;
            values.configure(valueConfig, false);
        }

        void send(SourceRecord record, Blackhole sink) {
            if (record == null) {
                return;
            }
            sink.consume(keys.fromConnectData(record.topic(), record.keySchema(), record.key()));
            sink.consume(values.fromConnectData(record.topic(), record.valueSchema(), record.value()));
            for (Header header : record.headers()) {
                sink.consume(headers.fromConnectHeader(record.topic(), header.key(), header.schema(), header.value()));
            }
        }
    }

    /** Debezium's EventRouter for the example table's columns. */
    static EventRouter<SourceRecord> stockRouter(boolean expandJson) {
        Map<String, String> config = new HashMap<>();
        config.put(EventRouterConfigDefinition.FIELD_EVENT_ID.name(), "event_id");
        config.put(EventRouterConfigDefinition.FIELD_EVENT_KEY.name(), "aggregate_id");
        config.put(EventRouterConfigDefinition.FIELD_EVENT_TYPE.name(), "event_type");
        config.put(EventRouterConfigDefinition.FIELD_PAYLOAD.name(), "event_data");
        config.put(EventRouterConfigDefinition.ROUTE_BY_FIELD.name(), "aggregate_type");
        if (expandJson) {
            config.put(EventRouterConfigDefinition.EXPAND_JSON_PAYLOAD.name(), "true");
        }
        EventRouter<SourceRecord> router = new EventRouter<>();
        router.configure(config);
        return router;
    }

    @State(Scope.Thread)
    public static class StockString extends Worker {
        EventRouter<SourceRecord> router;

        @Setup(Level.Trial)
        public void setUp() {
            router = stockRouter(false);
            converters(new StringConverter(), Map.of());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            router.close();
        }
    }

    @State(Scope.Thread)
    public static class StockApicurioAvro extends Worker {
        EventRouter<SourceRecord> router;

        @Setup(Level.Trial)
        public void setUp(Registry registry, ChangeEvents in) {
            router = stockRouter(true);
            // Confluent wire format, schema registered on first use; ARCHITECTURE.md's settings
            converters(new io.apicurio.registry.utils.converter.AvroConverter<>(), Map.of(
                    "apicurio.registry.url", registry.baseUrl + "/apis/registry/v2",
                    "apicurio.registry.auto-register", "true",
                    "apicurio.registry.headers.enabled", "false",
                    "apicurio.registry.as-confluent", "true",
                    "apicurio.registry.use-id", "contentId"));
            SourceRecord sample = router.apply(in.batch().get(0));
            byte[] value = values.fromConnectData(sample.topic(), sample.valueSchema(), sample.value());
            if (!sample.topic().equals("outbox.event.order") || value[0] != 0 || value.length < 100) {
                throw new IllegalStateException("not an Avro record in the Confluent format on outbox.event.order: " + sample);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            router.close();
        }
    }

    /** AvroEventRouter configured as connector-configs/commerce-order-connector.json does, with the real registry client. */
    abstract static class Ours extends Worker {
        AvroEventRouter<SourceRecord> router;
        SchemaRegistryClient client;
        Metrics metrics;
        long callsAfterWarmUp = -1;

        void router(Registry registry, Map<String, String> overrides) {
            Map<String, Object> config = new HashMap<>(exampleRouterConfig());
            config.put("schema.registry.url", registry.ccompatUrl);
            config.putAll(overrides);
            router = new AvroEventRouter<>(c -> client = new SchemaRegistryClient(new SchemaRegistryClientConfig(c.originals())));
            router.configure(config);
            metrics = new Metrics();
            // the worker hands every transformation its plugin metrics: recording them is part of the cost
            router.withPluginMetrics(new PluginMetricsImpl(metrics, Map.of("connector", "bench", "task", "0", "transformation", "outbox")));
            headers = new StringHeaderConverter();
            converters(new OutboxValueConverter(), Map.of()); // the generated config's value converter
        }

        @Setup(Level.Iteration)
        public void countRegistryCalls() {
            if (callsAfterWarmUp < 0) {
                callsAfterWarmUp = client.httpCalls(); // schemas were preloaded at configure: nothing should follow
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long calls = client.httpCalls() - callsAfterWarmUp;
            router.close();
            metrics.close();
            if (calls != 0) {
                throw new IllegalStateException("AvroEventRouter made " + calls + " registry calls after its schemas were loaded");
            }
        }
    }

    @State(Scope.Thread)
    public static class OursEvent extends Ours {
        @Setup(Level.Trial)
        public void setUp(Registry registry, ChangeEvents in) {
            router(registry, Map.of("stream.default", "event", "schemas.preload.streams", "event"));
            requireTopic(router.apply(in.batch().get(0)), EVENTS_TOPIC);
        }
    }

    @State(Scope.Thread)
    public static class OursEventAndState extends Ours {
        OutboxConnectorTask task;

        @Setup(Level.Trial)
        public void setUp(Registry registry, ChangeEvents in) throws InterruptedException {
            router(registry, Map.of());
            task = new OutboxConnectorTask();
            // a worker's context with no stored offset: the first row's earlier copy carries none, as on a new connector
            task.initialize(new OutboxConnectorTaskTest.StoredOffsets(null));
            task.start(Map.of("outbox.delegate.task.class", ChangeEventReplay.class.getName(), "outbox.streams", "event,state"));
            ChangeEventReplay.handOver(in.batch().subList(0, 1));
            List<SourceRecord> copies = task.poll();
            requireTopic(router.apply(copies.get(0)), EVENTS_TOPIC);
            requireTopic(router.apply(copies.get(1)), STATE_TOPIC);
            copies.forEach(copy -> commit(copy));
        }

        private void commit(SourceRecord copy) {
            try {
                task.commitRecord(copy, null);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @TearDown(Level.Trial)
        public void stopTask() {
            task.stop();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void a_stockEventRouterString(ChangeEvents in, StockString worker, Blackhole sink) {
        for (SourceRecord change : in.batch()) {
            worker.send(worker.router.apply(change), sink);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void b_stockEventRouterApicurioAvro(ChangeEvents in, StockApicurioAvro worker, Blackhole sink) {
        for (SourceRecord change : in.batch()) {
            worker.send(worker.router.apply(change), sink);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void c_avroEventRouterEvent(ChangeEvents in, OursEvent worker, Blackhole sink) {
        for (SourceRecord change : in.batch()) {
            worker.send(worker.router.apply(change), sink);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void d_outboxConnectorEventAndState(ChangeEvents in, OursEventAndState worker, Blackhole sink) throws InterruptedException {
        ChangeEventReplay.handOver(in.batch());
        for (SourceRecord copy : worker.task.poll()) {
            worker.send(worker.router.apply(copy), sink);
            worker.task.commitRecord(copy, null); // the worker acknowledges every record it sent
        }
    }

    /** Only the reading, for reference. */
    @State(Scope.Thread)
    public static class Reader {
        final io.outboxconnect.avro.JsonObjectCheck check = new io.outboxconnect.avro.JsonObjectCheck();
    }

    /**
     * Not a pipeline but a reference: the payload of each change event read once and checked, nothing
     * built or written (the scanner of (c) and (d), in its checking mode). Any pipeline that turns the
     * JSON into a typed record must do at least this much; (a) does not read the payload at all.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void e_payloadReadOnlyReference(ChangeEvents in, Reader reader, Blackhole sink) {
        for (SourceRecord change : in.batch()) {
            String json = payload(change);
            if (!reader.check.isOneObject(json)) {
                throw new IllegalStateException("not one JSON object: " + change);
            }
            sink.consume(json);
        }
    }

    /** Jackson's streaming parser, for reference. */
    @State(Scope.Thread)
    public static class Tokens {
        final JsonFactory json = new JsonFactory();
    }

    /**
     * Not a pipeline but a reference: the payload of each change event read once by Jackson's streaming
     * parser, token by token, nothing built (no tree, no strings asked for). What reading the payload
     * costs with the JSON parser most Java code would use; compare with (e).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void f_jacksonTokensReference(ChangeEvents in, Tokens tokens, Blackhole sink) throws IOException {
        for (SourceRecord change : in.batch()) {
            String json = payload(change);
            try (JsonParser parser = tokens.json.createParser(json)) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    sink.consume(token);
                }
            }
        }
    }

    private static String payload(SourceRecord change) {
        return ((Struct) ((Struct) change.value()).get("after")).getString("event_data");
    }

    /** A good row must take the measured path, not the dead-letter one. */
    static void requireTopic(SourceRecord published, String topic) {
        if (published == null || !published.topic().equals(topic) || !(published.value() instanceof byte[])) {
            throw new IllegalStateException("expected an Avro record on " + topic + ", got " + published);
        }
    }

    /** The AvroEventRouter keys of the shipped example connector, without their transforms.outbox. prefix. */
    static Map<String, String> exampleRouterConfig() {
        try {
            JsonNode config = new ObjectMapper().readTree(read("connector-configs/commerce-order-connector.json")).get("config");
            Map<String, String> router = new HashMap<>();
            config.fieldNames().forEachRemaining(key -> {
                if (key.startsWith("transforms.outbox.") && !key.equals("transforms.outbox.type")) {
                    router.put(key.substring("transforms.outbox.".length()), config.get(key).asText());
                }
            });
            return router;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String projectFile) {
        try {
            return Files.readString(PROJECT.resolve(projectFile));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
