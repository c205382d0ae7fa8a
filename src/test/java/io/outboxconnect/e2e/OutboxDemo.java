package io.outboxconnect.e2e;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import io.outboxconnect.sandbox.Sandbox;

/**
 * The README's "run it" command ({@code mvn -B -Pdemo verify}): starts the sandbox, deploys the
 * example connector, writes a few orders through the outbox and prints each event as it arrives,
 * decoded with the writer schema from the registry; then stops everything.
 */
public final class OutboxDemo {

    private OutboxDemo() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        System.out.println("[demo] starting the sandbox: PostgreSQL, Kafka (KRaft), Apicurio Registry, a Connect worker with the plugin bundle");
        try {
            Sandbox.Components env = Sandbox.get();
            System.out.println("[demo] applying the outbox migration, registering schemas, posting connector-configs/commerce-order-connector.json");
            String connector = ExampleDeployment.deploy(env);
            System.out.println("[demo] connector " + connector + " RUNNING; writing orders through the outbox");

            EventDecoder decoder = new EventDecoder(env.registry());
            String first = OrderService.newOrderId();
            String second = OrderService.newOrderId();
            List<String[]> story = List.of(
                    new String[] {first, "ORDER_CREATED", "PLACED"},
                    new String[] {first, "ORDER_UPDATED", "PAID"},
                    new String[] {second, "ORDER_CREATED", "PLACED"},
                    new String[] {first, "ORDER_SHIPPED", "SHIPPED"},
                    new String[] {second, "ORDER_CANCELLED", "CANCELLED"});
            AtomicInteger revision = new AtomicInteger();
            try (Connection c = env.connectDatabase(); KafkaConsumer<String, byte[]> consumer = env.kafka().consumer(true)) {
                consumer.subscribe(List.of(ExampleDeployment.EVENTS_TOPIC, ExampleDeployment.STATE_TOPIC));
                c.setAutoCommit(false);
                for (String[] step : story) {
                    OrderService.write(c, step[0], step[1], step[2], revision.incrementAndGet());
                    c.commit();
                    System.out.printf("[demo] committed %s for order %s%n", step[1], step[0]);
                }
                int printed = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int expected = story.size() * 2;
                while (printed < expected && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        GenericRecord value = record.value() == null ? null : decoder.decode(record.value());
                        if (record.topic().equals(ExampleDeployment.EVENTS_TOPIC)) {
                            System.out.printf("%n[event] topic=%s partition=%d offset=%d key=%s%n        event_type=%s event_id=%s event_date(us)=%s%n        aggregate=%s%n",
                                    record.topic(), record.partition(), record.offset(), record.key(), value.get("event_type"),
                                    value.get("event_id"), value.get("event_date"), value.get("event_data"));
                        }
                        else {
                            System.out.printf("%n[state] topic=%s partition=%d offset=%d key=%s%n        %s%n",
                                    record.topic(), record.partition(), record.offset(), record.key(), value == null ? "tombstone" : value);
                        }
                        printed++;
                    }
                }
                if (printed < expected) {
                    throw new IllegalStateException("only " + printed + " of " + expected + " records arrived within 60 s");
                }
            }
            System.out.printf("%n[demo] %d events and %d state records published and decoded; total %d s%n", story.size(), story.size(),
                    (System.nanoTime() - start) / 1_000_000_000);
        }
        finally {
            System.out.println("[demo] stopping the sandbox");
            Sandbox.stop();
        }
    }
}
