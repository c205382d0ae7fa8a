package io.outboxconnect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A Kafka Connect worker's REST API, as a user drives it with curl. */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRest(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    /** {@code POST /connectors}: the connector JSON as a user would post it. */
    public JsonNode createConnector(String connectorJson) {
        return send("POST", "/connectors", connectorJson, 201);
    }

    /** {@code PUT /connectors/{name}/config}: create or update. */
    public JsonNode putConnectorConfig(String name, Map<String, String> config) {
        return send("PUT", "/connectors/" + encode(name) + "/config", toJson(config), 0);
    }

    public void deleteConnector(String name) {
        send("DELETE", "/connectors/" + encode(name), null, 0);
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=true}: the connector and all its tasks. */
    public void restart(String name) {
        send("POST", "/connectors/" + encode(name) + "/restart?includeTasks=true&onlyFailed=false", null, 0);
    }

    public JsonNode status(String name) {
        return send("GET", "/connectors/" + encode(name) + "/status", null, 200);
    }

    public JsonNode plugins() {
        return send("GET", "/connector-plugins?connectorsOnly=false", null, 200);
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}. */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        return send("PUT", "/connector-plugins/" + encode(connectorClass) + "/config/validate", toJson(config), 200);
    }

    /** Waits until the connector and all its tasks run; fails with the worker's trace when one fails. */
    public void awaitRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            try {
                status = status(name);
                List<String> states = new ArrayList<>();
                states.add(status.path("connector").path("state").asText());
                status.path("tasks").forEach(t -> states.add(t.path("state").asText()));
                if (states.contains("FAILED")) {
                    throw new AssertionError("Connector " + name + " failed: " + status.toPrettyString());
                }
                if (status.path("tasks").size() > 0 && states.stream().allMatch("RUNNING"::equals)) {
                    return;
                }
            }
            catch (IllegalStateException notYet) {
                // 404 until the connector is known
            }
            SandboxFiles.sleep(200);
        }
        throw new AssertionError("Connector " + name + " not RUNNING after " + timeout + ": " + (status == null ? "no status" : status.toPrettyString()));
    }

    private JsonNode send(String method, String path, String body, int expectedStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = expectedStatus == 0 ? response.statusCode() / 100 == 2 : response.statusCode() == expectedStatus;
            if (!ok) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        }
        catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String toJson(Map<String, String> config) {
        try {
            return JSON.writeValueAsString(config);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
