package io.outboxconnect.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import io.outboxconnect.connector.OutboxConnectorConfig;
import io.outboxconnect.transforms.AvroEventRouterConfig;

/**
 * The README's configuration reference is the ConfigDef rendered. When a key changes, run
 * {@code mvn test -Dtest=ReadmeConfigReferenceTest -Dreadme.update=true} to rewrite the section.
 */
class ReadmeConfigReferenceTest {

    private static final Path README = Path.of("README.md");

    @Test
    void readmeDocumentsEveryAvroEventRouterKeyAsTheConfigDefDefinesIt() throws IOException {
        assertSectionIsRendered("avro-event-router", AvroEventRouterConfig.CONFIG_DEF);
    }

    @Test
    void readmeDocumentsEveryOutboxConnectorKeyAsTheConfigDefDefinesIt() throws IOException {
        assertSectionIsRendered("outbox-connector", OutboxConnectorConfig.CONFIG_DEF);
    }

    private static void assertSectionIsRendered(String section, ConfigDef def) throws IOException {
        String start = "<!-- config-reference:" + section + ":start -->\n";
        String end = "<!-- config-reference:" + section + ":end -->";
        String readme = Files.readString(README);
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        assertThat(from).as("README.md has the marker %s", start.trim()).isGreaterThanOrEqualTo(0);
        assertThat(to).as("README.md has the marker %s", end).isGreaterThan(from);
        String rendered = ConfigReference.markdown(def);
        if (Boolean.getBoolean("readme.update")) {
            readme = readme.substring(0, from + start.length()) + rendered + readme.substring(to);
            Files.writeString(README, readme);
        }
        assertThat(readme.substring(from + start.length(), readme.indexOf(end)))
                .as("the README section '%s' is out of date: run mvn test -Dtest=ReadmeConfigReferenceTest -Dreadme.update=true", section)
                .isEqualTo(rendered);
    }
}
