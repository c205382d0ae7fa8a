package io.outboxconnect.registry;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The {@code schema.registry.*} keys: where the registry is, how to authenticate, how long to retry. */
public final class SchemaRegistryClientConfig extends AbstractConfig {

    public static final String PREFIX = "schema.registry.";
    public static final String URL = PREFIX + "url";
    public static final String BASIC_AUTH_USER_INFO = PREFIX + "basic.auth.user.info";
    public static final String BEARER_TOKEN = PREFIX + "bearer.token";
    public static final String SSL_TRUSTSTORE_LOCATION = PREFIX + "ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = PREFIX + "ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = PREFIX + "ssl.truststore.type";
    public static final String REQUEST_TIMEOUT_MS = PREFIX + "request.timeout.ms";
    public static final String RETRY_BACKOFF_MS = PREFIX + "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = PREFIX + "retry.backoff.max.ms";
    public static final String RETRY_TIMEOUT_MS = PREFIX + "retry.timeout.ms";
    public static final String CACHE_CAPACITY = PREFIX + "cache.capacity";

    private static final String GROUP = "Schema registry";

    public static final ConfigDef CONFIG_DEF = addTo(new ConfigDef());

    public SchemaRegistryClientConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
        if (getPassword(BASIC_AUTH_USER_INFO) != null && getPassword(BEARER_TOKEN) != null) {
            throw new ConfigException("Set either " + BASIC_AUTH_USER_INFO + " or " + BEARER_TOKEN + ", not both");
        }
        if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, getLong(RETRY_BACKOFF_MAX_MS), "must not be less than " + RETRY_BACKOFF_MS);
        }
    }

    /** Adds the registry keys to {@code def} (the SMT's and the CLI's definitions include them) and returns it. */
    public static ConfigDef addTo(ConfigDef def) {
        int order = 0;
        return def
                .define(URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new Urls(), Importance.HIGH,
                        "Base URLs of a Confluent-compatible schema registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace, Redpanda);"
                                + " with several, a transient failure moves on to the next.",
                        GROUP, ++order, Width.LONG, "Registry URLs")
                .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                        "Credentials for HTTP basic authentication, as user:password. Never logged.",
                        GROUP, ++order, Width.MEDIUM, "Basic auth user info")
                .define(BEARER_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                        "A bearer token sent in the Authorization header; excludes basic authentication. Never logged.",
                        GROUP, ++order, Width.MEDIUM, "Bearer token")
                .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "A trust store for https registry URLs whose certificates the JVM's default trust store does not cover.",
                        GROUP, ++order, Width.LONG, "Trust store")
                .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "The trust store's password.", GROUP, ++order, Width.MEDIUM, "Trust store password")
                .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), Importance.LOW,
                        "The trust store's format.", GROUP, ++order, Width.SHORT, "Trust store type")
                .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "How long one HTTP request to the registry may take.", GROUP, ++order, Width.SHORT, "Request timeout")
                .define(RETRY_BACKOFF_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                        "The first wait before retrying a transient failure (connection refused, timeout, HTTP 5xx, 408, 429); it doubles per attempt.",
                        GROUP, ++order, Width.SHORT, "Retry back-off")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                        "The longest wait between two retries.", GROUP, ++order, Width.SHORT, "Retry back-off maximum")
                .define(RETRY_TIMEOUT_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM,
                        "How long transient failures are retried before the call fails (and with it the task, which a restart resumes without loss).",
                        GROUP, ++order, Width.SHORT, "Retry timeout")
                .define(CACHE_CAPACITY, Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                        "How many schemas and ids are cached; after warm-up the hot path makes no registry call.",
                        GROUP, ++order, Width.SHORT, "Cache capacity");
    }

    List<URI> urls() {
        return getList(URL).stream().map(u -> URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u)).toList();
    }

    Password basicAuth() {
        return getPassword(BASIC_AUTH_USER_INFO);
    }

    Password bearerToken() {
        return getPassword(BEARER_TOKEN);
    }

    private static final class Urls implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> urls = (List<String>) value;
            if (urls == null || urls.isEmpty()) {
                throw new ConfigException(name, value, "must hold at least one http(s) URL");
            }
            for (String url : urls) {
                try {
                    URI uri = URI.create(url);
                    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException();
                    }
                    if (uri.getRawUserInfo() != null) {
                        // a URL is logged and put in messages and dead letters' reasons: credentials go in their own (password) key
                        throw new ConfigException(name, uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                                + "/...", "must not hold credentials: set " + BASIC_AUTH_USER_INFO + " (user:password) instead");
                    }
                }
                catch (IllegalArgumentException e) {
                    throw new ConfigException(name, url.contains("@") ? "(not shown: it may hold credentials)" : url, "is not an http(s) URL");
                }
            }
        }

        @Override
        public String toString() {
            return "http(s) URLs";
        }
    }
}
