package io.outboxconnect.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * Protocol details the real registry cannot be made to show on demand (outages, auth headers,
 * other registries' answers), against a scripted HTTP server on 127.0.0.1.
 */
class SchemaRegistryClientTest {

    private record Answer(int status, String body) {
    }

    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;

    private String serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> seen = new HashMap<>();
            seen.put("method", exchange.getRequestMethod());
            seen.put("path", exchange.getRequestURI().getRawPath());
            if (exchange.getRequestURI().getRawQuery() != null) {
                seen.put("query", exchange.getRequestURI().getRawQuery());
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                seen.put("authorization", auth);
            }
            requests.add(seen);
            Answer answer;
            synchronized (script) {
                answer = script.size() > 1 ? script.poll() : script.peek();
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static SchemaRegistryClient client(String urls, String... extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryClientConfig.URL, urls);
        config.put(SchemaRegistryClientConfig.RETRY_BACKOFF_MS, "10");
        config.put(SchemaRegistryClientConfig.RETRY_BACKOFF_MAX_MS, "50");
        config.put(SchemaRegistryClientConfig.RETRY_TIMEOUT_MS, "1000");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return new SchemaRegistryClient(new SchemaRegistryClientConfig(config));
    }

    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void transientFailuresAreRetriedUntilTheRegistryAnswers() throws IOException {
        script.add(new Answer(503, ""));
        script.add(new Answer(500, "{\"error_code\": 50001, \"message\": \"store\"}"));
        script.add(new Answer(200, "{\"id\": 7}"));

        assertThat(client(serve()).register("orders-value", "\"string\"")).isEqualTo(7);
        assertThat(requests).hasSize(3);
    }

    @Test
    void aRegistryThatStaysDownFailsLoudlyAfterTheRetryBudgetWithoutCredentials() throws IOException {
        script.add(new Answer(503, ""));
        String url = serve();
        SchemaRegistryClient client = client(url, SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "svc:s3cret");
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.latest("orders-value"))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("HTTP 503")
                .hasMessageNotContaining("s3cret");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 5_000L);
        assertThat(requests.size()).isGreaterThan(3);
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws IOException {
        String url = deadUrl();

        assertThatThrownBy(() -> client(url).latest("orders-value"))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("ConnectException");
    }

    @Test
    void clientErrorsFailAtOnceWithTheRegistrysCodeAndMessage() throws IOException {
        script.add(new Answer(422, "{\"error_code\": 42201, \"message\": \"Invalid schema\"}"));

        assertThatThrownBy(() -> client(serve()).register("orders-value", "{bad"))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 422, error 42201: Invalid schema");
        assertThat(requests).hasSize(1);
    }

    @Test
    void notFoundAnswersAreTyped() throws IOException {
        script.add(new Answer(404, "{\"error_code\": 40401, \"message\": \"Subject not found\"}"));
        String url = serve();

        assertThatThrownBy(() -> client(url).latest("orders-value")).isInstanceOf(SubjectNotFoundException.class).hasMessageContaining("orders-value");
        script.clear();
        script.add(new Answer(404, "{\"error_code\": 40403, \"message\": \"Schema not found\"}"));
        assertThatThrownBy(() -> client(url).lookup("orders-value", "\"string\"")).isInstanceOf(SchemaNotFoundException.class);
    }

    /** A wrong path or a proxy answers 404 too: that is not a missing schema (which dead-letters rows) but a fault that fails the task. */
    @Test
    void aNotFoundWithoutTheRegistrysErrorCodeIsAFaultNotAMissingSchema() throws IOException {
        script.add(new Answer(404, "<html><body>404 Not Found</body></html>"));
        String url = serve();

        assertThatThrownBy(() -> client(url).latest("orders-value")).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("API root");
        script.clear();
        script.add(new Answer(404, "{\"error_code\": 404, \"message\": \"HTTP 404 Not Found\"}"));
        assertThatThrownBy(() -> client(url).lookup("orders-value", "\"string\"")).isExactlyInstanceOf(SchemaRegistryException.class);
        script.clear();
        script.add(new Answer(404, "{\"error_code\": 40402, \"message\": \"Version not found\"}"));
        assertThatThrownBy(() -> client(url).version("orders-value", 7)).isInstanceOf(SubjectNotFoundException.class);
    }

    /** A proxy's login page or a registry UI answers 200 with HTML: an answer retrying cannot change, so a fault at once. */
    @Test
    void aSuccessThatIsNotJsonIsAFaultAtOnceNotAnOutage() throws IOException {
        for (int i = 0; i < 5; i++) {
            script.add(new Answer(200, "<html><body>Please sign in</body></html>"));
        }
        String url = serve();

        assertThatThrownBy(() -> client(url).latest("orders-value")).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("answered HTTP 200").hasMessageContaining("not the registry's JSON").hasMessageContaining("API root");
        assertThat(requests).as("not retried").hasSize(1);
    }

    @Test
    void basicAuthIsSent() throws IOException {
        script.add(new Answer(200, "{\"compatibility\": \"BACKWARD\"}"));

        client(serve(), SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "svc:s3cret").globalCompatibility();

        assertThat(requests.get(0).get("authorization")).isEqualTo("Basic c3ZjOnMzY3JldA==");
    }

    @Test
    void bearerTokenIsSent() throws IOException {
        script.add(new Answer(200, "{\"compatibility\": \"BACKWARD\"}"));

        client(serve(), SchemaRegistryClientConfig.BEARER_TOKEN, "tok-123").globalCompatibility();

        assertThat(requests.get(0).get("authorization")).isEqualTo("Bearer tok-123");
    }

    @Test
    void compatibilityLevelAnswersOfApicurio3AreUnderstood() throws IOException {
        script.add(new Answer(200, "{\"compatibilityLevel\": \"FORWARD_TRANSITIVE\"}"));

        assertThat(client(serve()).compatibility("orders-value")).contains("FORWARD_TRANSITIVE");
    }

    @Test
    void aSecondUrlIsUsedWhenTheFirstIsDown() throws IOException {
        script.add(new Answer(200, "{\"id\": 3}"));
        String live = serve();

        assertThat(client(deadUrl() + "," + live).register("orders-value", "\"string\"")).isEqualTo(3);
    }

    @Test
    void subjectsAreUrlEncoded() throws IOException {
        script.add(new Answer(200, "{\"subject\": \"a b/c-value\", \"version\": 1, \"id\": 1, \"schema\": \"\\\"string\\\"\"}"));

        client(serve()).latest("a b/c-value");

        assertThat(requests.get(0).get("path")).isEqualTo("/subjects/a%20b%2Fc-value/versions/latest");
    }

    @Test
    void configurationErrorsNameTheKeys() {
        assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, "registry:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, "http://r:8081",
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "a:b", SchemaRegistryClientConfig.BEARER_TOKEN, "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO)
                .hasMessageContaining(SchemaRegistryClientConfig.BEARER_TOKEN);
    }

    @Test
    void credentialsNeverShowInTheConfigsStringForm() {
        SchemaRegistryClientConfig config = new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, "http://r:8081",
                SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, "svc:s3cret"));

        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(new SchemaRegistryClient(config).toString()).doesNotContain("s3cret");
    }

    @Test
    void aRegistryThatStallsInTheMiddleOfItsAnswerIsTimedOutAndRetriedNotWaitedOnForEver() throws IOException {
        try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                while (!stalling.isClosed()) {
                    try {
                        Socket connection = stalling.accept();
                        connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
                                .getBytes(StandardCharsets.US_ASCII));
                        connection.getOutputStream().flush(); // and then nothing more, connection left open
                    }
                    catch (IOException closed) {
                        return;
                    }
                }
            });
            answering.setDaemon(true);
            answering.start();
            SchemaRegistryClient client = client("http://127.0.0.1:" + stalling.getLocalPort(), SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS, "300");

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> client.register("orders-value", "\"string\""))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("no whole answer within 300 ms"));
        }
    }

    @Test
    void credentialsInARegistryUrlAreRefusedWithoutBeingShown() {
        assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, "http://svc:s3cret@registry:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO)
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new SchemaRegistryClientConfig(Map.of(SchemaRegistryClientConfig.URL, "http://svc:s3 cret@registry:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("s3 cret");
    }

    @Test
    void anAnswerWithoutASchemaIdOrWithOnePastFourBytesIsAFaultNotIdZero() throws IOException {
        String url = serve();
        script.add(new Answer(200, ""));
        assertThatThrownBy(() -> client(url).register("orders-value", "\"string\"")).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("no schema id");

        script.clear();
        script.add(new Answer(200, "{\"id\": 4294967297}"));
        assertThatThrownBy(() -> client(url).register("orders-value", "\"string\"")).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("4294967297");

        script.clear();
        script.add(new Answer(200, "{\"subject\": \"orders-value\", \"id\": 3}"));
        assertThatThrownBy(() -> client(url).latest("orders-value")).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("no schema");
    }

    @Test
    void aRetryTimeoutTooLargeToCountInNanosecondsStillRetries() throws IOException {
        script.add(new Answer(503, ""));
        script.add(new Answer(200, "{\"id\": 7}"));

        assertThat(client(serve(), SchemaRegistryClientConfig.RETRY_TIMEOUT_MS, String.valueOf(Long.MAX_VALUE))
                .register("orders-value", "\"string\"")).isEqualTo(7);
        assertThat(requests).hasSize(2);
    }

    @Test
    void aLookupAsksTheRegistryToNormalizeSoTheSameSchemaWrittenDifferentlyIsFound() throws IOException {
        script.add(new Answer(200, "{\"subject\": \"orders-value\", \"version\": 2, \"id\": 5, \"schema\": \"\\\"string\\\"\"}"));

        assertThat(client(serve()).lookup("orders-value", "\"string\"").id()).isEqualTo(5);
        assertThat(requests.get(0)).containsEntry("path", "/subjects/orders-value").containsEntry("query", "normalize=true");
    }
}
