package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The metrics a Connect worker reports over JMX, read from outside its JVM the way an operator's
 * agent would: plugin metrics (KIP-877) are MBeans {@code kafka.connect:type=plugins,connector=…,
 * task=…,transformation=…,<the plugin's own tags>}.
 */
public final class WorkerMetrics {

    private final String url;

    WorkerMetrics(int jmxPort) {
        this.url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi";
    }

    /**
     * Every value of the plugin metric {@code attribute} a connector's plugins report, keyed by the
     * MBean's own key properties (connector, task, transformation, and the plugin's tags).
     */
    public Map<Map<String, String>, Double> plugin(String connector, String attribute) {
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            Map<Map<String, String>, Double> values = new HashMap<>();
            // JMX quotes a tag value only when it must (Sanitizer.jmxSanitize): compare unquoted, not by pattern
            for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                if (!connector.equals(unquoted(name.getKeyProperty("connector")))) {
                    continue;
                }
                Object value;
                try {
                    value = server.getAttribute(name, attribute);
                }
                catch (javax.management.AttributeNotFoundException e) {
                    continue;
                }
                if (value instanceof Number number) {
                    Map<String, String> tags = new HashMap<>(name.getKeyPropertyList());
                    tags.remove("type");
                    tags.replaceAll((k, v) -> unquoted(v));
                    values.put(tags, number.doubleValue());
                }
            }
            return values;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the worker's metrics over JMX at " + url, e);
        }
        catch (javax.management.JMException e) {
            throw new IllegalStateException("Cannot read the worker's metrics over JMX at " + url + ": " + e, e);
        }
    }

    /** Every plugin MBean of the connector with its attributes and values, for a failure message. */
    public String describe(String connector) {
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            StringBuilder out = new StringBuilder();
            for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                if (connector.equals(unquoted(name.getKeyProperty("connector")))) {
                    out.append(name).append(':');
                    for (javax.management.MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                        out.append(' ').append(attribute.getName()).append('=').append(server.getAttribute(name, attribute.getName()));
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        }
        catch (IOException | javax.management.JMException e) {
            return "(cannot read the worker's metrics over JMX at " + url + ": " + e + ")";
        }
    }

    private static String unquoted(String value) {
        return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }
}
