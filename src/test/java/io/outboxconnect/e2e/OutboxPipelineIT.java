package io.outboxconnect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import io.outboxconnect.sandbox.OutboxEnvironment;
import io.outboxconnect.sandbox.Sandbox;

/** The scenarios on the embedded sandbox: local processes, no Docker (the default, {@code -Dsandbox=embedded}). */
@ExtendWith(Sandbox.class)
@EnabledIfSystemProperty(named = "sandbox", matches = "embedded")
class OutboxPipelineIT extends OutboxBadDataScenarios {

    @Override
    OutboxEnvironment environment() {
        return Sandbox.get();
    }

    @Test
    void theWorkersClasspathHoldsKafkasRuntimeAndNothingOfThePlugin() {
        assertThat(Sandbox.get().worker().classpath())
                .isNotEmpty()
                .anyMatch(entry -> entry.contains("connect-runtime"))
                .noneMatch(entry -> entry.contains("debezium") || entry.contains("outbox-connect") || entry.contains("/org/apache/avro/")
                        || entry.contains("postgresql") || entry.contains("apicurio"));
    }
}
