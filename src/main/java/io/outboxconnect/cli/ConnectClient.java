package io.outboxconnect.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The few calls of Kafka Connect's REST API the CLI makes, with optional basic authentication. */
final class ConnectClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ConnectClient(String url, String basicAuthUserInfo) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = basicAuthUserInfo == null || basicAuthUserInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** A Connect REST answer that is not a 2xx (404 included). */
    static final class ConnectException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        ConnectException(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /** {@code PUT /connectors/{name}/config}: creates the connector or updates it (idempotent). Returns whether it was created. */
    boolean putConfig(String name, Map<String, String> config) throws ConnectException, IOException, InterruptedException {
        HttpResponse<String> response = send("PUT", "/connectors/" + encode(name) + "/config", JSON.writeValueAsString(config));
        return response.statusCode() == 201;
    }

    /** {@code GET /connectors/{name}/status}. */
    JsonNode status(String name) throws ConnectException, IOException, InterruptedException {
        return JSON.readTree(send("GET", "/connectors/" + encode(name) + "/status", null).body());
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}. */
    JsonNode validate(Map<String, String> config) throws ConnectException, IOException, InterruptedException {
        return JSON.readTree(send("PUT", "/connector-plugins/" + encode(config.get("connector.class")) + "/config/validate",
                JSON.writeValueAsString(config)).body());
    }

    String url() {
        return url;
    }

    private HttpResponse<String> send(String method, String path, String body) throws ConnectException, IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new ConnectException(method + " " + url + path + " answered " + response.statusCode() + ": " + response.body(),
                    response.statusCode());
        }
        return response;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
