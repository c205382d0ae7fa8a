package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The fault scenarios on a worker with {@code exactly.once.source.support=enabled}: no duplicate is allowed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxFaultsIT extends OutboxFaultScenarios {

    static final Duration REGISTRY_OUTAGE = Duration.ofSeconds(30);

    @Override
    boolean exactlyOnce() {
        return true;
    }

    @Test
    @Order(2)
    void theConnectorDeletedAndRecreatedWithItsNameAndSlotResumesWhereItStopped() throws Exception {
        run("connector deleted and re-created (same name, slot; no snapshot)", EVENTS, load -> {
            load.awaitCommitted(load.events() / 3, Duration.ofMinutes(5));
            long walsender = activeWalsender();
            sandbox.connect().deleteConnector(connector);
            awaitSlotReleased(Duration.ofSeconds(60));
            // the service keeps writing while no connector exists: the slot keeps the WAL
            OutboxPipelineScenarios.sleep(2_000);
            sandbox.connect().createConnector(ExampleDeployment.connectorJson(sandbox).toString());
            awaitStreamingAgain(walsender, Duration.ofSeconds(120));
        });
    }

    @Test
    @Order(3)
    void theBrokerStoppedAndRestartedMidStreamLosesNothing() throws Exception {
        run("Kafka broker stopped 10 s and restarted", EVENTS, load -> {
            load.awaitCommitted(load.events() / 3, Duration.ofMinutes(5));
            sandbox.broker().stop();
            OutboxPipelineScenarios.sleep(10_000);
            sandbox.broker().startAgain();
        });
    }

    /**
     * The task restarts while the registry is cut, and the new task resolves its schemas (preloaded
     * at its start, else with its first record): it must reach the registry during the outage, and
     * the proxy must have refused it, or the scenario did not test what it says.
     */
    @Test
    @Order(4)
    void theRegistryUnreachableForThirtySecondsWhileTheTaskRestartsLosesNothing() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        run("registry unreachable 30 s (task restarted meanwhile)", EVENTS, load -> {
            load.awaitCommitted(load.events() / 3, Duration.ofMinutes(5));
            sandbox.registryProxy().cut();
            try {
                // a restart while the registry is away: the new task must resolve its schemas again
                sandbox.connect().restart(connector);
                OutboxPipelineScenarios.sleep(REGISTRY_OUTAGE.toMillis());
            }
            finally {
                refused.set(sandbox.registryProxy().connectionsRefusedWhileCut());
                sandbox.registryProxy().restore();
            }
        });
        assertThat(refused.get()).as("connections from the worker to the registry refused during the outage").isPositive();
    }

    @Test
    @Order(5)
    void postgresRestartedWithAFastShutdownMidStreamLosesNothing() throws Exception {
        run("PostgreSQL restarted (fast shutdown)", EVENTS, load -> {
            load.awaitCommitted(load.events() / 3, Duration.ofMinutes(5));
            long walsender = activeWalsender();
            sandbox.postgres().restart(Duration.ofSeconds(2));
            awaitStreamingAgain(walsender, Duration.ofSeconds(180));
        });
    }

    private void awaitSlotReleased(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (activeWalsender() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the slot is still streamed " + timeout + " after the connector was deleted");
            }
            OutboxPipelineScenarios.sleep(200);
        }
    }
}
