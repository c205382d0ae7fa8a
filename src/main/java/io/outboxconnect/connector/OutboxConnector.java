package io.outboxconnect.connector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A Debezium source connector (PostgreSQL by default) whose tasks emit every outbox change event
 * once per stream — the event and the aggregate's latest state — from one replication slot.
 *
 * <p>It delegates, rather than subclasses, so that the Debezium connector stays exactly itself
 * (configuration, validation, offsets, exactly-once support) and another Debezium connector class
 * can be plugged in by configuration. Only the task differs: {@link OutboxConnectorTask} wraps the
 * Debezium task's output.
 */
public class OutboxConnector extends SourceConnector {

    private SourceConnector delegate;
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = withOurDefaults(props);
        delegate = delegateFor(this.props);
        delegate.initialize(context());
        delegate.start(this.props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return OutboxConnectorTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (Map<String, String> delegateConfig : delegate.taskConfigs(maxTasks)) {
            Map<String, String> config = new HashMap<>(delegateConfig);
            config.putIfAbsent(OutboxConnectorConfig.EXTENDED_HEADERS, props.get(OutboxConnectorConfig.EXTENDED_HEADERS));
            config.put(OutboxConnectorConfig.DELEGATE_TASK_CLASS, delegate.taskClass().getName());
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
    }

    /** The Debezium connector's keys, with this connector's default for {@code extended.headers.enabled}, and the fan-out keys. */
    @Override
    public ConfigDef config() {
        ConfigDef def = new ConfigDef();
        for (ConfigDef.ConfigKey key : instantiate(OutboxConnectorConfig.DEFAULT_DELEGATE).config().configKeys().values()) {
            if (key.name.equals(OutboxConnectorConfig.EXTENDED_HEADERS)) {
                def.define(key.name, key.type, OutboxConnectorConfig.EXTENDED_HEADERS_DEFAULT, key.validator, key.importance,
                        key.documentation + " The outbox connector's default is false: its topics carry the id and event_type headers only.",
                        key.group, key.orderInGroup, key.width, key.displayName, key.dependents, key.recommender);
            }
            else {
                def.define(key);
            }
        }
        OutboxConnectorConfig.CONFIG_DEF.configKeys().values().forEach(def::define);
        return def;
    }

    @Override
    public Config validate(Map<String, String> connectorProps) {
        Map<String, String> props = withOurDefaults(connectorProps);
        List<ConfigValue> ours = OutboxConnectorConfig.CONFIG_DEF.validate(props);
        boolean delegateKnown = ours.stream().filter(v -> v.name().equals(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS))
                .allMatch(v -> v.errorMessages().isEmpty());
        // errors in our own keys are reported on those keys, so the delegate is built without parsing them
        List<ConfigValue> values = new ArrayList<>(delegateKnown
                ? instantiate(props.getOrDefault(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, OutboxConnectorConfig.DEFAULT_DELEGATE))
                        .validate(props).configValues()
                : List.of());
        values.addAll(ours);
        return new Config(values);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
        return delegateOf(props).exactlyOnceSupport(props);
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> props) {
        return delegateOf(props).canDefineTransactionBoundaries(props);
    }

    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        return delegateOf(connectorConfig).alterOffsets(connectorConfig, offsets);
    }

    @Override
    public String version() {
        return OutboxConnectorTask.VERSION;
    }

    /** The connector's configuration with this connector's defaults for Debezium's keys where it differs from Debezium. */
    static Map<String, String> withOurDefaults(Map<String, String> props) {
        if (props.containsKey(OutboxConnectorConfig.EXTENDED_HEADERS)) {
            return props;
        }
        Map<String, String> withDefaults = new HashMap<>(props);
        withDefaults.put(OutboxConnectorConfig.EXTENDED_HEADERS, OutboxConnectorConfig.EXTENDED_HEADERS_DEFAULT);
        return withDefaults;
    }

    private static SourceConnector delegateFor(Map<String, String> props) {
        try {
            new OutboxConnectorConfig(props);
        }
        catch (ConfigException e) {
            throw new ConnectException("Invalid outbox connector configuration: " + e.getMessage(), e);
        }
        return delegateOf(props);
    }

    /**
     * The delegate, without checking this connector's own keys: what the worker asks while it
     * validates a configuration, whose errors validate() reports on their keys, not twice.
     */
    private static SourceConnector delegateOf(Map<String, String> props) {
        return instantiate(props.getOrDefault(OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS, OutboxConnectorConfig.DEFAULT_DELEGATE));
    }

    private static SourceConnector instantiate(String className) {
        try {
            // the plugin's own class loader: the delegate is bundled with this connector
            Class<?> type = Class.forName(className, true, OutboxConnector.class.getClassLoader());
            return (SourceConnector) type.getDeclaredConstructor().newInstance();
        }
        catch (ReflectiveOperationException | ClassCastException e) {
            throw new ConnectException("Cannot create the Debezium connector " + className + " (" + OutboxConnectorConfig.DELEGATE_CONNECTOR_CLASS + "): " + e, e);
        }
    }
}
