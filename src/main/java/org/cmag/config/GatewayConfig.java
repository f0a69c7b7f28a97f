package org.cmag.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The gateway's configuration, resolved once at start-up from four layers, later ones winning:
 * <ol>
 *   <li>{@code config/application.properties} packaged in the jar (the embedded defaults);</li>
 *   <li>{@code application.properties} in an external config directory ({@code --config DIR}, or
 *       {@code ./config} when it exists);</li>
 *   <li>environment variables: every known key can be set as its upper-case form with {@code .} and
 *       {@code -} replaced by {@code _} (e.g. {@code GATEWAY_HTTP_PORT} for {@code gateway.http.port}), and
 *       {@code GATEWAY_PARTNER_<ID>_CHANNEL|ENDPOINT|SOAP_ENDPOINT|AUTH|TOKEN_*} set a partner's channel, endpoints and
 *       token settings;</li>
 *   <li>explicit overrides (command-line flags, the demo, tests).</li>
 * </ol>
 * Values may refer to other keys as {@code ${key}}. Missing mandatory keys fail closed at start-up.
 */
public final class GatewayConfig {
    /**
     * Per-partner overrides from the environment, e.g. GATEWAY_PARTNER_DE_ENDPOINT, GATEWAY_PARTNER_DE_SOAP_ENDPOINT, and the
     * partner's token settings (GATEWAY_PARTNER_DE_TOKEN_SECRET: the client secret for DE's token endpoint).
     */
    private static final Pattern PARTNER_ENV = Pattern.compile(
            "GATEWAY_PARTNER_([A-Z0-9]+)_(CHANNEL|ENDPOINT|SOAP_ENDPOINT|AUTH|TOKEN_URL|TOKEN_CLIENT_ID|TOKEN_SECRET|TOKEN_SECRET_FILE|TOKEN_ISSUER|TOKEN_JWKS_URL)");
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)}");

    private final Map<String, String> values;

    private GatewayConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Loads the layers described in the class comment. */
    public static GatewayConfig load(Path externalConfigDir, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> raw = new TreeMap<>();
        raw.putAll(readClasspath("config/application.properties"));
        if (externalConfigDir != null) {
            Path file = externalConfigDir.resolve("application.properties");
            if (Files.isRegularFile(file)) {
                raw.putAll(readFile(file));
            }
        }
        for (String key : raw.keySet().toArray(String[]::new)) {
            String envValue = env.get(envName(key));
            if (envValue != null) {
                raw.put(key, envValue);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            Matcher pm = PARTNER_ENV.matcher(e.getKey());
            if (pm.matches()) {
                raw.put("gateway.partner." + pm.group(1) + "." + pm.group(2).toLowerCase(java.util.Locale.ROOT).replace('_', '-'), e.getValue());
            }
        }
        raw.putAll(overrides);
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String key : raw.keySet()) {
            resolved.put(key, resolve(key, raw, 0));
        }
        return new GatewayConfig(resolved);
    }

    /** The environment variable name that overrides {@code key}. */
    public static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String resolve(String key, Map<String, String> raw, int depth) {
        if (depth > 20) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Circular reference in configuration key " + key);
        }
        String value = raw.get(key);
        if (value == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " is referenced but not defined");
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(m.group(1), raw, depth + 1)));
        }
        m.appendTail(out);
        return out.toString().trim();
    }

    private static Map<String, String> readClasspath(String resource) {
        try (InputStream in = GatewayConfig.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "Packaged configuration " + resource + " is missing");
            }
            return read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read " + resource, null, e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read " + file, null, e);
        }
    }

    private static Map<String, String> read(Reader reader) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        Map<String, String> map = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be set");
        }
        return v;
    }

    public String getOptional(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    public int getInt(String key) {
        String v = get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public long getLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be a whole number, not '" + v + "'");
        }
    }

    public boolean getBoolean(String key) {
        String v = get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    public Path getPath(String key) {
        return Path.of(get(key));
    }

    /** How often the retention purge runs ({@code gateway.retention.purge-interval-seconds}, at least one second). */
    public java.time.Duration retentionPurgeInterval() {
        return positiveDuration("gateway.retention.purge-interval-seconds", java.time.temporal.ChronoUnit.SECONDS);
    }

    /** How often the audit chain head is checkpointed ({@code gateway.audit.checkpoint-interval-seconds}, at least 1). */
    public java.time.Duration auditCheckpointInterval() {
        return positiveDuration("gateway.audit.checkpoint-interval-seconds", java.time.temporal.ChronoUnit.SECONDS);
    }

    /**
     * How long a message may show no progress past its due time before recovery sends it again
     * ({@code gateway.recovery.grace-seconds}, at least one second); also checks the recovery interval and batch.
     */
    public java.time.Duration recoveryGrace() {
        positiveDuration("gateway.recovery.interval-seconds", java.time.temporal.ChronoUnit.SECONDS);
        positiveDuration("gateway.recovery.batch", java.time.temporal.ChronoUnit.SECONDS);
        if (getLong("gateway.recovery.first-delay-ms") < 0) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key gateway.recovery.first-delay-ms must not be negative");
        }
        return positiveDuration("gateway.recovery.grace-seconds", java.time.temporal.ChronoUnit.SECONDS);
    }

    /**
     * The audit anchor file ({@code gateway.audit.anchor-file}): the newest signed checkpoint, kept outside the database.
     * Required; there is no way to switch it off.
     */
    public Path auditAnchorFile() {
        String v = asMap().getOrDefault("gateway.audit.anchor-file", "");
        if (v.isBlank()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key gateway.audit.anchor-file must name a file"
                    + " (the audit anchor outside the database)");
        }
        try {
            return Path.of(v.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key gateway.audit.anchor-file is not a file path: " + v);
        }
    }

    /** How long rejected inbound messages are kept whole ({@code gateway.retention.rejected-message-days}, at least one day). */
    public java.time.Duration rejectedMessageRetention() {
        return positiveDuration("gateway.retention.rejected-message-days", java.time.temporal.ChronoUnit.DAYS);
    }

    private java.time.Duration positiveDuration(String key, java.time.temporal.ChronoUnit unit) {
        long n = getLong(key);
        if (n < 1) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be at least 1, not " + n);
        }
        return java.time.Duration.of(n, unit);
    }

    /** This gateway's own authority id (e.g. NL). */
    public String gatewayId() {
        return get("gateway.id");
    }
}
