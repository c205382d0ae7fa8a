package io.outboxconnect.docs;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * Renders a {@link ConfigDef} as the Markdown table of the README's configuration reference, so
 * the reference is generated from the definitions and never written twice.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    /** One table, keys in group order then definition order, each with type, default, valid values, importance and doc. */
    public static String markdown(ConfigDef def) {
        StringBuilder out = new StringBuilder();
        out.append("| key | type | default | valid values | importance | description |\n");
        out.append("|---|---|---|---|---|---|\n");
        List<ConfigKey> keys = def.configKeys().values().stream()
                .sorted((a, b) -> {
                    int byGroup = Integer.compare(groupIndex(def, a), groupIndex(def, b));
                    return byGroup != 0 ? byGroup : Integer.compare(a.orderInGroup, b.orderInGroup);
                })
                .toList();
        for (ConfigKey key : keys) {
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(defaultOf(key)).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase()).append(" | ")
                    .append(escape(key.documentation == null ? "" : key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static int groupIndex(ConfigDef def, ConfigKey key) {
        int index = def.groups().indexOf(key.group);
        return index < 0 ? Integer.MAX_VALUE : index;
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        if (value instanceof List<?> list) {
            value = String.join(",", list.stream().map(String::valueOf).toList());
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + escape(text) + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
