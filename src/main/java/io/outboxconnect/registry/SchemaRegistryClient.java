package io.outboxconnect.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small client for the Confluent Schema Registry REST API, which Confluent Schema Registry,
 * Apicurio Registry ({@code /apis/ccompat/v7}), Karapace and Redpanda all speak. No
 * {@code io.confluent} artifact is on Maven Central, hence this class.
 *
 * <p>Ids and schemas found by {@link #register}, {@link #lookup} and {@link #schemaById} are cached
 * (they never change for a given subject and schema); versions and compatibility levels are not.
 * Transient failures are retried with exponential back-off up to {@code schema.registry.retry.timeout.ms},
 * then reported as {@link RegistryUnavailableException}. Credentials never appear in a log line or a message.
 */
public final class SchemaRegistryClient implements RegistryOperations {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> urls;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final long retryTimeoutMs;
    /** The System.nanoTime by which the calls of one thread must be done, while {@link #withRetryBudget} runs. */
    private final ThreadLocal<Long> retryBudget = new ThreadLocal<>();
    private final Map<String, RegisteredSchema> bySubjectAndSchema;
    private final Map<Integer, String> byId;
    private final AtomicLong httpCalls = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private volatile int current;

    public SchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.urls = config.urls();
        this.authorization = authorization(config.basicAuth(), config.bearerToken());
        this.requestTimeout = Duration.ofMillis(config.getInt(SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS));
        this.backoffMs = config.getLong(SchemaRegistryClientConfig.RETRY_BACKOFF_MS);
        this.backoffMaxMs = config.getLong(SchemaRegistryClientConfig.RETRY_BACKOFF_MAX_MS);
        this.retryTimeoutMs = config.getLong(SchemaRegistryClientConfig.RETRY_TIMEOUT_MS);
        int capacity = config.getInt(SchemaRegistryClientConfig.CACHE_CAPACITY);
        this.bySubjectAndSchema = lru(capacity);
        this.byId = lru(capacity);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(requestTimeout).version(HttpClient.Version.HTTP_1_1);
        String trustStore = config.getString(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION);
        if (trustStore != null && !trustStore.isBlank()) {
            builder.sslContext(sslContext(trustStore, config.getPassword(SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD),
                    config.getString(SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE)));
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, String schemaJson) {
        String key = subject + '\0' + schemaJson;
        RegisteredSchema cached = cached(key);
        if (cached != null) {
            return cached.id();
        }
        String path = "/subjects/" + encode(subject) + "/versions";
        int id = schemaId(call("POST", path, schemaBody(schemaJson), subject), "POST " + path);
        synchronized (bySubjectAndSchema) {
            bySubjectAndSchema.put(key, new RegisteredSchema(subject, -1, id, schemaJson));
        }
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, String schemaJson) {
        String key = subject + '\0' + schemaJson;
        RegisteredSchema cached = cached(key);
        if (cached != null && cached.version() > 0) {
            return cached;
        }
        String path = "/subjects/" + encode(subject) + "?normalize=true";
        RegisteredSchema found = registered(call("POST", path, schemaBody(schemaJson), subject), "POST " + path, subject, schemaJson);
        synchronized (bySubjectAndSchema) {
            bySubjectAndSchema.put(key, found);
        }
        return found;
    }

    @Override
    public String schemaById(int id) {
        synchronized (byId) {
            String cached = byId.get(id);
            if (cached != null) {
                cacheHits.incrementAndGet();
                return cached;
            }
        }
        String path = "/schemas/ids/" + id;
        String schema = schemaText(call("GET", path, null, "id " + id), "GET " + path);
        synchronized (byId) {
            byId.put(id, schema);
        }
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        String path = "/subjects/" + encode(subject) + "/versions/latest";
        return registered(call("GET", path, null, subject), "GET " + path, subject, null);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        String path = "/subjects/" + encode(subject) + "/versions/" + version;
        return registered(call("GET", path, null, subject), "GET " + path, subject, null);
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null, subject).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public Optional<String> compatibility(String subject) {
        try {
            return Optional.ofNullable(level(call("GET", "/config/" + encode(subject), null, subject)));
        }
        catch (SubjectNotFoundException | SchemaNotFoundException e) {
            return Optional.empty();
        }
        catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public String globalCompatibility() {
        return level(call("GET", "/config", null, "global configuration"));
    }

    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call("PUT", "/config/" + encode(subject), body.toString(), subject);
    }

    @Override
    public boolean isCompatible(String subject, String schemaJson) {
        try {
            return call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schemaJson), subject)
                    .path("is_compatible").asBoolean();
        }
        catch (SubjectNotFoundException e) {
            return true; // nothing registered yet: nothing to be incompatible with
        }
    }

    /** HTTP requests made so far, retries included. */
    public long httpCalls() {
        return httpCalls.get();
    }

    /** Answers served from the cache. */
    public long cacheHits() {
        return cacheHits.get();
    }

    @Override
    public void close() {
        // java.net.http.HttpClient on Java 17 has no close(); its threads are daemons
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient" + urls;
    }

    private RegisteredSchema cached(String key) {
        synchronized (bySubjectAndSchema) {
            RegisteredSchema cached = bySubjectAndSchema.get(key);
            if (cached != null) {
                cacheHits.incrementAndGet();
            }
            return cached;
        }
    }

    /** A subject's version as the registry describes it: id, version and (unless the request held it) the schema are required. */
    private RegisteredSchema registered(JsonNode answer, String request, String subject, String schemaJson) {
        String schema = schemaJson != null && !answer.hasNonNull("schema") ? schemaJson : schemaText(answer, request);
        JsonNode version = answer.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 1) {
            throw notTheRegistrysAnswer(request, "no version number");
        }
        return new RegisteredSchema(answer.path("subject").asText(subject), version.intValue(), schemaId(answer, request), schema);
    }

    /**
     * The schema id of an answer. Checked, not defaulted: an id of 0 from an empty body, or one past
     * what the wire format's four bytes hold, would be written into every record.
     */
    private int schemaId(JsonNode answer, String request) {
        JsonNode id = answer.get("id");
        if (id == null || !id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
            throw notTheRegistrysAnswer(request, id == null ? "no schema id" : "the schema id " + id + ", which is not a four-byte id");
        }
        return id.intValue();
    }

    private String schemaText(JsonNode answer, String request) {
        JsonNode schema = answer.get("schema");
        if (schema == null || !schema.isTextual() || schema.asText().isBlank()) {
            throw notTheRegistrysAnswer(request, "no schema");
        }
        return schema.asText();
    }

    private SchemaRegistryException notTheRegistrysAnswer(String request, String problem) {
        return new SchemaRegistryException(request + " at " + urls.get(current) + " answered with " + problem
                + ": not a Confluent-compatible registry's answer (is the URL the registry's API root?)", -1, -1);
    }

    private static String level(JsonNode answer) {
        JsonNode level = answer.hasNonNull("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        return level == null || level.isNull() ? null : level.asText();
    }

    private static String schemaBody(String schemaJson) {
        return JSON.createObjectNode().put("schema", schemaJson).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One request, retried while failures are transient and the retry budget lasts.
     *
     * @param about the subject or id the call is about, for messages
     */
    private JsonNode call(String method, String path, String body, String about) {
        Long budgetDeadline = retryBudget.get();
        long budget = budgetDeadline == null ? Long.MAX_VALUE : Math.max(0, (budgetDeadline - System.nanoTime()) / 1_000_000L);
        long retryTimeoutMs = Math.min(budget, this.retryTimeoutMs);
        Duration requestTimeout = budgetDeadline == null ? this.requestTimeout : min(this.requestTimeout, Duration.ofMillis(Math.max(1, budget)));
        long deadline = System.nanoTime() + nanos(retryTimeoutMs);
        long backoff = backoffMs;
        int attempts = 0;
        Exception lastFailure = null;
        String lastProblem = null;
        while (true) {
            URI base = urls.get(current);
            attempts++;
            try {
                HttpResponse<byte[]> response = exchange(request(method, base, path, body, requestTimeout), requestTimeout);
                httpCalls.incrementAndGet();
                int status = response.statusCode();
                byte[] bytes = response.body();
                if (status >= 200 && status < 300) {
                    LOG.debug("{} {}{} -> {}", method, base, path, status);
                    return success(method, base, path, about, status, response, bytes);
                }
                if (!isTransient(status)) {
                    throw refusal(method, path, about, status, bytes);
                }
                lastProblem = "HTTP " + status;
            }
            catch (IOException e) {
                httpCalls.incrementAndGet();
                if (isCertificateProblem(e)) {
                    throw new SchemaRegistryException("The schema registry at " + base + " cannot be trusted: " + e.getMessage()
                            + ". Its certificate must be signed by a certificate authority in the JVM's trust store or in "
                            + SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION + ", and name the URL's host.", e);
                }
                lastFailure = e;
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMs <= 0) {
                throw new RegistryUnavailableException("The schema registry at " + urls + " did not answer " + method + " " + path + " (" + about
                        + ") after " + attempts + " attempts over " + retryTimeoutMs + " ms; last failure: " + lastProblem, lastFailure);
            }
            LOG.warn("Schema registry call {} {}{} failed ({}), attempt {}; retrying", method, base, path, lastProblem, attempts);
            if (urls.size() > 1) {
                current = (current + 1) % urls.size();
            }
            sleep(Math.min(remainingMs, backoff + ThreadLocalRandom.current().nextLong(backoff / 4 + 1)));
            backoff = Math.min(backoffMaxMs, backoff * 2);
        }
    }

    /**
     * One HTTP exchange, its body included, within {@code timeout}: the request's own timeout ends
     * when the headers arrive, and a registry (or proxy) that then stalls in the body would hold the
     * task forever.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request, Duration timeout) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no whole answer within " + timeout.toMillis() + " ms");
        }
        catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while calling the schema registry at " + request.uri().getScheme() + "://"
                    + request.uri().getAuthority(), e);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new SchemaRegistryException("Calling the schema registry failed: " + e.getCause(), e.getCause());
        }
    }

    /** A certificate the trust store does not accept, or one for another host: retrying cannot change it. */
    private static boolean isCertificateProblem(IOException e) {
        if (!(e instanceof SSLHandshakeException) && !(e instanceof SSLPeerUnverifiedException)) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** Milliseconds as nanoseconds, at most about 146 years: a "retry for ever" of Long.MAX_VALUE ms must not wrap into the past. */
    private static long nanos(long ms) {
        return Math.min(ms, Long.MAX_VALUE / 2_000_000L) * 1_000_000L;
    }

    /**
     * A success's body as JSON. A body that is not JSON (a proxy's login page, a registry UI's URL) is
     * an answer, not a transient failure: retrying cannot change it.
     */
    private static JsonNode success(String method, URI base, String path, String about, int status, HttpResponse<?> response, byte[] bytes) {
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(bytes);
        }
        catch (IOException e) {
            throw new SchemaRegistryException(method + " " + base + path + " (" + about + ") answered HTTP " + status + " with "
                    + response.headers().firstValue("Content-Type").orElse("no Content-Type") + ", not the registry's JSON: is "
                    + base + " the registry's API root (not a UI, a proxy's login page or another service)?", e);
        }
    }

    @Override
    public <T> T withRetryBudget(long budgetMs, java.util.function.Supplier<T> calls) {
        Long outer = retryBudget.get();
        long deadline = System.nanoTime() + nanos(budgetMs);
        retryBudget.set(outer == null || deadline - outer < 0 ? deadline : outer);
        try {
            return calls.get();
        }
        finally {
            if (outer == null) {
                retryBudget.remove();
            }
            else {
                retryBudget.set(outer);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private HttpRequest request(String method, URI base, String path, String body, Duration requestTimeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    private static boolean isTransient(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private SchemaRegistryException refusal(String method, String path, String about, int status, byte[] body) {
        int errorCode = -1;
        String message = "";
        try {
            JsonNode error = JSON.readTree(body);
            errorCode = error.path("error_code").asInt(-1);
            message = error.path("message").asText("");
        }
        catch (IOException notJson) {
            // some proxies answer in HTML; the status says enough
        }
        String text = "The schema registry at " + urls.get(current) + " refused " + method + " " + path + " (" + about + "): HTTP " + status
                + (errorCode > 0 ? ", error " + errorCode : "") + (message.isEmpty() ? "" : ": " + message);
        if (status == 409) {
            return new IncompatibleSchemaException(text + ". The schema is incompatible with the subject's earlier versions under its"
                    + " compatibility level; a breaking change needs a new topic version.", status, errorCode);
        }
        if (status == 404 && errorCode / 100 == 404) {
            // the registry's own answer (40401 subject, 40402 version, 40403 schema), not a wrong path or a proxy's page:
            // only that may make a row's schema "missing", which is bad data where a wrong URL is a fault
            boolean schemaMissing = errorCode == 40403 || path.startsWith("/schemas/");
            return schemaMissing ? new SchemaNotFoundException(text, status, errorCode) : new SubjectNotFoundException(text, status, errorCode);
        }
        if (status == 404) {
            return new SchemaRegistryException(text + ". A 404 without the registry's error code: is the URL the registry's API root"
                    + " (for Apicurio Registry, .../apis/ccompat/v7)?", status, errorCode);
        }
        return new SchemaRegistryException(text, status, errorCode);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while waiting to retry a schema registry call", e);
        }
    }

    private static String authorization(Password basic, Password bearer) {
        if (basic != null && basic.value() != null && !basic.value().isEmpty()) {
            return "Basic " + Base64.getEncoder().encodeToString(basic.value().getBytes(StandardCharsets.UTF_8));
        }
        if (bearer != null && bearer.value() != null && !bearer.value().isEmpty()) {
            return "Bearer " + bearer.value();
        }
        return null;
    }

    private static SSLContext sslContext(String location, Password password, String type) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.value().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
        catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION, location, "cannot be loaded as a " + type + " trust store: "
                    + e.getClass().getSimpleName());
        }
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
