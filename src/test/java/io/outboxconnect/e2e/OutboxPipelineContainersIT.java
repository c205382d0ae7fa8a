package io.outboxconnect.e2e;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.outboxconnect.sandbox.OutboxEnvironment;

/**
 * The same scenarios on containers, for hosts with Docker: {@code mvn -B verify -Dsandbox=containers}.
 * Skipped where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
@EnabledIfSystemProperty(named = "sandbox", matches = "containers")
@ExtendWith(ContainerSandbox.class)
class OutboxPipelineContainersIT extends OutboxBadDataScenarios {

    @Override
    OutboxEnvironment environment() {
        return ContainerSandbox.get();
    }
}
