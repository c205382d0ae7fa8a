package io.outboxconnect.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

class OutboxConnectorTest {

    /** Stands in for a Debezium connector: one required key, Debezium's header key, exactly-once supported. */
    public static final class StubDebeziumConnector extends SourceConnector {
        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public Class<? extends Task> taskClass() {
            return OutboxConnectorTaskTest.RecordingTask.class;
        }

        @Override
        public List<Map<String, String>> taskConfigs(int maxTasks) {
            return List.of(Map.of("slot.name", "s1"));
        }

        @Override
        public void stop() {
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef().define("slot.name", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "slot")
                    .define(OutboxConnectorConfig.EXTENDED_HEADERS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW, "as Debezium's");
        }

        @Override
        public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
            return ExactlyOnceSupport.SUPPORTED;
        }

        @Override
        public String version() {
            return "stub";
        }
    }

    private static ConfigValue value(List<ConfigValue> values, String name) {
        return values.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void validateReportsTheDelegatesAndOurErrorsOnTheirKeys() {
        Map<String, String> props = Map.of(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, StubDebeziumConnector.class.getName(),
                OutboxConnectorConfig.STREAMS, "event,audit");

        List<ConfigValue> values = new OutboxConnector().validate(props).configValues();

        assertThat(value(values, "slot.name").errorMessages()).isNotEmpty();
        assertThat(value(values, OutboxConnectorConfig.STREAMS).errorMessages()).anySatisfy(m -> assertThat(m).contains("audit"));
    }

    @Test
    void tasksRunTheDelegatesTaskAndExactlyOnceSupportIsTheDelegates() {
        Map<String, String> props = Map.of(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, StubDebeziumConnector.class.getName());
        OutboxConnector connector = new OutboxConnector();
        connector.start(props);

        assertThat(connector.taskClass()).isEqualTo(OutboxConnectorTask.class);
        assertThat(connector.taskConfigs(1)).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("slot.name", "s1");
            assertThat(c).containsEntry(OutboxConnectorConfig.DELEGATE_TASK_CLASS, OutboxConnectorTaskTest.RecordingTask.class.getName());
        });
        assertThat(connector.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        connector.stop();
    }

    @Test
    void exactlyOnceSupportIsAnsweredEvenWhenAnOutboxKeyIsWrongWhichValidateReportsOnItsKey() {
        Map<String, String> props = Map.of(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, StubDebeziumConnector.class.getName(),
                OutboxConnectorConfig.STREAMS, "event,nonsense");

        assertThat(new OutboxConnector().exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(new OutboxConnector().validate(props).configValues()).filteredOn(v -> v.name().equals(OutboxConnectorConfig.STREAMS))
                .singleElement().satisfies(v -> assertThat(v.errorMessages()).isNotEmpty());
    }

    @Test
    void configHoldsPostgresConnectorsKeysAndOurs() {
        ConfigDef def = new OutboxConnector().config();

        assertThat(def.names()).contains("database.hostname", "slot.name", "plugin.name", OutboxConnectorConfig.STREAMS, OutboxConnectorConfig.TABLES);
    }

    @Test
    void debeziumsContextHeadersAreOffUnlessTheConfigTurnsThemOn() {
        ConfigDef.ConfigKey debeziums = new io.debezium.connector.postgresql.PostgresConnector().config().configKeys()
                .get(OutboxConnectorConfig.EXTENDED_HEADERS);
        assertThat(debeziums.defaultValue).as("Debezium's own default").isEqualTo(true);
        ConfigDef.ConfigKey ours = new OutboxConnector().config().configKeys().get(OutboxConnectorConfig.EXTENDED_HEADERS);
        assertThat(ours.defaultValue).isEqualTo(false);
        assertThat(ours.type).isEqualTo(debeziums.type);
        assertThat(ours.documentation).startsWith(debeziums.documentation).contains("default is false");

        Map<String, String> unset = Map.of(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, StubDebeziumConnector.class.getName());
        assertThat(taskConfig(unset)).containsEntry(OutboxConnectorConfig.EXTENDED_HEADERS, "false");
        assertThat(value(new OutboxConnector().validate(unset).configValues(), OutboxConnectorConfig.EXTENDED_HEADERS).value())
                .as("validation sees the connector's default").isEqualTo(false);

        Map<String, String> on = Map.of(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, StubDebeziumConnector.class.getName(),
                OutboxConnectorConfig.EXTENDED_HEADERS, "true");
        assertThat(taskConfig(on)).containsEntry(OutboxConnectorConfig.EXTENDED_HEADERS, "true");
    }

    private static Map<String, String> taskConfig(Map<String, String> props) {
        OutboxConnector connector = new OutboxConnector();
        connector.start(props);
        try {
            return connector.taskConfigs(1).get(0);
        }
        finally {
            connector.stop();
        }
    }
}
