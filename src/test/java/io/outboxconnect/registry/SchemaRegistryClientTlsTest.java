package io.outboxconnect.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** An https registry whose certificate only the configured trust store vouches for. */
class SchemaRegistryClientTlsTest {

    @TempDir
    Path dir;
    private HttpsServer server;
    private Path trustStore;

    @BeforeEach
    void serveWithASelfSignedCertificate() throws Exception {
        Path keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        Path cert = dir.resolve("server.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-alias", "registry", "-keystore", keyStore.toString(), "-storepass", "changeit", "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trustpass");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            byte[] body = "{\"compatibility\": \"FORWARD_TRANSITIVE\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // keytool writes a line or two, far less than a pipe holds: its output is read once it has exited (or been killed)
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("%s did not finish within 60 s: %s", List.of(command), output).isTrue();
        assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
    }

    private String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void theConfiguredTrustStoreMakesTheRegistryReachable() {
        SchemaRegistryClient client = new SchemaRegistryClient(new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL, url(),
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION, trustStore.toString(),
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD, "trustpass")));

        assertThat(client.globalCompatibility()).isEqualTo("FORWARD_TRANSITIVE");
    }

    @Test
    void withoutTheTrustStoreTheCertificateIsRefused() {
        SchemaRegistryClient client = new SchemaRegistryClient(new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL, url(), SchemaRegistryClientConfig.RETRY_TIMEOUT_MS, "300")));

        assertThatThrownBy(client::globalCompatibility).as("a certificate problem is not an outage: retrying cannot change it")
                .isExactlyInstanceOf(SchemaRegistryException.class).hasMessageContaining("cannot be trusted").hasMessageContaining("PKIX")
                .hasMessageContaining(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION);
        assertThat(client.httpCalls()).isEqualTo(1);
    }

    @Test
    void anUnreadableTrustStoreIsAConfigurationErrorWithoutThePassword() {
        assertThatThrownBy(() -> new SchemaRegistryClient(new SchemaRegistryClientConfig(Map.of(
                SchemaRegistryClientConfig.URL, url(),
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION, trustStore.toString(),
                SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD, "wrong-secret"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION)
                .hasMessageNotContaining("wrong-secret");
    }
}
