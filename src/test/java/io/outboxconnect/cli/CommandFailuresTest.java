package io.outboxconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * The commands when what they talk to answers badly, or not at all: each says what happened with its
 * own exit code, never "invalid spec" (1) and never an all-clear. Servers are stubs on 127.0.0.1;
 * nothing listens on port 1.
 */
class CommandFailuresTest {

    private static final String EXAMPLE = "connector-configs/specs/commerce-order.yaml";
    private static final String NOTHING = "127.0.0.1:1";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private HttpServer registry;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.stop(0);
        }
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    /** A registry stub: {@code answer} gives the status and body for "METHOD path". */
    private String registry(Function<String, Object[]> answer) throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            requests.add(request);
            Object[] reply = answer.apply(request);
            byte[] body = ((String) reply[1]).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders((Integer) reply[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        return "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    @Test
    void aRegistryUrlWithoutItsSchemeIsAUsageErrorToldInOneLine() {
        int code = run("register", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--registry-url", "registry:8081");

        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("registry:8081").doesNotContain("\tat ");
    }

    @Test
    void checkRefusesASpecWhoseSchemaIsNotTheLatestVersionTheConnectorWritesWith() throws IOException {
        String url = registry(request -> request.startsWith("POST /subjects/")
                ? new Object[] {200, "{\"subject\": \"s\", \"version\": 1, \"id\": 1, \"schema\": \"\\\"string\\\"\"}"}
                : request.endsWith("/versions/latest")
                        ? new Object[] {200, "{\"subject\": \"s\", \"version\": 2, \"id\": 7, \"schema\": \"\\\"string\\\"\"}"}
                        : new Object[] {200, "{\"compatibilityLevel\": \"FORWARD_TRANSITIVE\"}"});

        int code = run("register", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--registry-url", url, "--schemas", "check");

        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.NOT_HEALTHY);
        assertThat(err.toString()).contains("public.commerce.order_event.c1.v1-value: the spec's schema is version 1, but the latest is version 2")
                .contains("public.commerce.order.c1.v1-value: the spec's schema is version 1");
    }

    @Test
    void registeringASchemaThatIsAnOlderVersionIsNotReportedAsDone() throws IOException {
        // the registry answers a schema it holds already with that version's id, and creates no new version
        String url = registry(request -> request.startsWith("POST /subjects/") && !request.endsWith("/versions")
                ? new Object[] {200, "{\"subject\": \"s\", \"version\": 1, \"id\": 1, \"schema\": \"\\\"string\\\"\"}"}
                : request.endsWith("/versions")
                        ? new Object[] {200, "{\"id\": 1}"}
                        : request.endsWith("/versions/latest")
                                ? new Object[] {200, "{\"subject\": \"s\", \"version\": 2, \"id\": 7, \"schema\": \"\\\"string\\\"\"}"}
                                : new Object[] {200, "{\"compatibilityLevel\": \"FORWARD_TRANSITIVE\", \"compatibility\": \"FORWARD_TRANSITIVE\"}"});

        int code = run("register", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--registry-url", url, "--schemas", "register");

        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.NOT_HEALTHY);
        assertThat(err.toString()).contains("public.commerce.order_event.c1.v1-value: the spec's schema is version 1, but the latest is version 2");
    }

    @Test
    void aRegistryThatRefusesTheCredentialsIsARefusalNotAnOutage() throws IOException {
        String url = registry(request -> new Object[] {401, "{\"error_code\": 40101, \"message\": \"Unauthorized\"}"});

        int code = run("register", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--registry-url", url, "--schemas", "register");

        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.NOT_HEALTHY);
        assertThat(err.toString()).contains("The schema registry refused").contains("HTTP 401");
    }

    @Test
    void checkReadsTheGlobalCompatibilityOnlyWhenTheSubjectHasNone() throws IOException {
        // a service account may read its own subjects' configuration and not the registry's
        String url = registry(request -> request.startsWith("POST /subjects/") || request.endsWith("/versions/latest")
                ? new Object[] {200, "{\"subject\": \"s\", \"version\": 3, \"id\": 9, \"schema\": \"\\\"string\\\"\"}"}
                : request.equals("GET /config")
                        ? new Object[] {403, "{\"error_code\": 40301, \"message\": \"User cannot access the resource.\"}"}
                        : new Object[] {200, "{\"compatibilityLevel\": \"FORWARD_TRANSITIVE\"}"});

        int code = run("register", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--registry-url", url, "--schemas", "check");

        assertThat(out.toString()).contains("checked public.commerce.order_event.c1.v1-value: registered as version 3 (latest 3), compatibility"
                + " FORWARD_TRANSITIVE").contains("checked public.commerce.order.c1.v1-value");
        assertThat(requests).doesNotContain("GET /config");
        assertThat(code).as("the schemas pass; the worker is what is unreachable: " + err).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).contains("Connect at http://" + NOTHING + " unreachable");
    }

    @Test
    void unreachableKafkaIsReportedAsUnreachableNotAsTopicsNotCreatedYet() {
        int code = run("status", "--spec", EXAMPLE, "--connect-url", "http://" + NOTHING, "--jdbc-url", "jdbc:postgresql://" + NOTHING + "/shop",
                "--db-password", "x", "--bootstrap-servers", NOTHING,
                "--kafka-property", "default.api.timeout.ms=3000", "--kafka-property", "request.timeout.ms=2000");

        assertThat(out.toString()).doesNotContain("not created yet").containsPattern("FAIL +kafka +unreachable");
        assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
    }
}
