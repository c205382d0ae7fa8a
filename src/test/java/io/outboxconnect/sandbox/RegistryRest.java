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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a deploy pipeline and a consumer do with a Confluent-compatible registry, in plain HTTP:
 * register, set compatibility, fetch a writer schema by id. Test code, independent of the
 * plugin's own client.
 */
public final class RegistryRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RegistryRest(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    public int register(String subject, String schemaJson) {
        return request("POST", "/subjects/" + encode(subject) + "/versions", JSON.createObjectNode().put("schema", schemaJson).toString()).path("id").asInt();
    }

    public void setCompatibility(String subject, String level) {
        request("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level).toString());
    }

    public String schemaById(int id) {
        return request("GET", "/schemas/ids/" + id, null).path("schema").asText();
    }

    /** The subject's own compatibility level ({@code GET /config/{subject}}). */
    public String compatibility(String subject) {
        JsonNode answer = request("GET", "/config/" + encode(subject), null);
        return answer.has("compatibilityLevel") ? answer.path("compatibilityLevel").asText() : answer.path("compatibility").asText();
    }

    public JsonNode latest(String subject) {
        return request("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
    }

    private JsonNode request(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/vnd.schemaregistry.v1+json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + url + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
