package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.outboxconnect.sandbox.FaultSandbox;

/**
 * The promise of the outbox under the faults of production: while a service commits orders and
 * outbox rows from four connections, a component fails; afterwards every committed event is on the
 * events topic and the state topic at least once, per aggregate in commit order, the state topic's
 * last record per order is the database's latest row (a tombstone for a deleted order), and in
 * exactly-once mode nothing is there twice. Each test class runs its scenarios one after the other
 * on a {@link FaultSandbox} of its own; each scenario writes new aggregates, and the table of
 * results is printed at the end ({@link FaultResults}).
 *
 * <p>Sizes: {@code -Dfaults.kill.events} (the worker-kill scenario), {@code -Dfaults.events} (the
 * others), {@code -Dfaults.rate} (events per second the service writes); the defaults keep
 * {@code mvn verify} short, {@code -Pfaults-full} runs 50,000 events.
 */
@ExtendWith(FaultResults.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "sandbox", matches = "embedded")
abstract class OutboxFaultScenarios {

    static final int AGGREGATES = 500;
    static final int KILL_EVENTS = Integer.getInteger("faults.kill.events", 2_500);
    static final int EVENTS = Integer.getInteger("faults.events", 1_000);
    static final double RATE = Double.parseDouble(System.getProperty("faults.rate", "100"));
    static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(Long.getLong("faults.audit.timeout.seconds", 240));
    /** A worker killed with SIGKILL exits with 128 + 9. */
    static final int SIGKILL_EXIT_STATUS = 137;

    FaultSandbox sandbox;
    String connector;
    private int taskRestarts;

    abstract boolean exactlyOnce();

    @BeforeAll
    void startSandboxAndDeployTheExample() {
        sandbox = FaultSandbox.start(exactlyOnce());
        connector = ExampleDeployment.deploy(sandbox);
    }

    @AfterAll
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** What a scenario does to the pipeline while the load runs. */
    interface Fault {
        void inject(OrderLoad load) throws Exception;
    }

    @Test
    @Order(1)
    void theWorkerKilledThreeTimesWithSigkillLosesNothing() throws Exception {
        List<Integer> exitStatuses = new ArrayList<>();
        run("Connect worker killed (SIGKILL) 3 times", KILL_EVENTS, load -> {
            for (int kill = 1; kill <= 3; kill++) {
                load.awaitCommitted((long) kill * load.events() / 4, Duration.ofMinutes(5));
                long walsender = activeWalsender();
                exitStatuses.add(sandbox.worker().kill());
                sandbox.worker().restart();
                awaitStreamingAgain(walsender, Duration.ofSeconds(120));
                // let the new task publish a while before the next kill
                OutboxPipelineScenarios.sleep(2_000);
            }
        });
        assertThat(exitStatuses).as("killed by SIGKILL").containsOnly(SIGKILL_EXIT_STATUS);
    }

    /**
     * Runs {@code fault} while the load writes {@code events} events, keeps the pipeline running
     * (a FAILED task is restarted through the REST API, and counted), audits, records the row,
     * then asserts: nothing lost, nothing uncommitted delivered, commit order per aggregate, latest
     * state equal to the database, and in exactly-once mode no duplicate.
     */
    void run(String scenario, int events, Fault fault) throws Exception {
        Map<TopicPartition, Long> from = DeliveryAudit.endOffsets(sandbox);
        taskRestarts = 0;
        long begin = System.nanoTime();
        DeliveryAudit.Outcome outcome;
        String load;
        try (OrderLoad orders = OrderLoad.start(sandbox, AGGREGATES, events, RATE)) {
            fault.inject(orders);
            orders.awaitDone(Duration.ofMinutes(15));
            outcome = new DeliveryAudit(sandbox, orders.orderIds(), from).await(AUDIT_TIMEOUT, this::restartFailedTasks);
            load = orders.failedTransactions() + (orders.committedDespiteFailure() > 0 ? " (" + orders.committedDespiteFailure() + " had committed)" : "");
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        FaultResults.record(new FaultResults.Row(scenario, exactlyOnce() ? "exactly-once" : "at-least-once", outcome, taskRestarts, load, seconds));

        assertThat(outcome.committed()).as("events committed").isGreaterThanOrEqualTo(events);
        assertThat(outcome.problems()).as("%s: problems found", scenario).isEmpty();
        assertThat(outcome.nothingLost()).as("nothing lost").isTrue();
        assertThat(outcome.events().orderKept() && outcome.states().orderKept()).as("commit order per aggregate").isTrue();
        assertThat(outcome.stateMatchesDatabase()).as("latest state = database").isTrue();
        if (exactlyOnce()) {
            assertThat(outcome.duplicates()).as("duplicates under exactly-once").isZero();
        }
    }

    /** Restarts the connector and its tasks through the REST API when one has FAILED, as an operator (or a watchdog) would. */
    void restartFailedTasks() {
        try {
            JsonNode status = sandbox.connect().status(connector);
            boolean failed = "FAILED".equals(status.path("connector").path("state").asText());
            for (JsonNode task : status.path("tasks")) {
                failed |= "FAILED".equals(task.path("state").asText());
            }
            if (failed) {
                System.out.println("[faults] FAILED, restarting through the REST API: " + status.toString().substring(0, Math.min(600, status.toString().length())));
                sandbox.connect().restart(connector);
                taskRestarts++;
            }
        }
        catch (RuntimeException e) {
            // the worker is restarting or cannot reach Kafka: ask again later
        }
    }

    /** The pid of the walsender streaming the connector's slot, or 0. */
    long activeWalsender() {
        return sandbox.queryLong("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '" + ExampleDeployment.SLOT + "' AND active");
    }

    /** Waits until a new walsender (not {@code previous}) streams the slot: the connector's task is reading again. */
    void awaitStreamingAgain(long previous, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long now = activeWalsender();
            if (now != 0 && now != previous) {
                return;
            }
            restartFailedTasks();
            OutboxPipelineScenarios.sleep(250);
        }
        throw new AssertionError("the slot " + ExampleDeployment.SLOT + " is not streamed again after " + timeout);
    }
}
