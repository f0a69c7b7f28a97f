package org.cmag.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Access tokens we present to partner administrations whose channel requires them: OAuth2 client credentials from
 * the partner's token endpoint, cached until {@code margin} before they expire, so a burst of deliveries costs one
 * token request. When the partner refuses a token (HTTP 401), {@link #refresh} replaces it once — concurrent refusals
 * of the same token cause a single new request. Tokens and secrets are never logged, and their {@code toString} is
 * redacted.
 */
public final class PartnerTokens {
    /** How we obtain tokens for one partner. */
    public record Client(String partnerId, URI tokenUrl, String clientId, String secret) {
        @Override
        public String toString() {
            return "Client[" + partnerId + ", " + tokenUrl + ", " + clientId + ", secret redacted]";
        }
    }

    /** An access token and when it expires; {@code toString} never shows it. */
    public static final class Token {
        private final String value;
        private final Instant expiresAt;

        Token(String value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }

        /** The {@code Authorization} header value. */
        public String header() {
            return "Bearer " + value;
        }

        public Instant expiresAt() {
            return expiresAt;
        }

        @Override
        public String toString() {
            return "Token[redacted, expires " + expiresAt + "]";
        }
    }

    /** Longest token response read. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Lifetime assumed when the token endpoint does not say ({@code expires_in} missing). */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    private final Map<String, Client> clients;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration margin;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Token> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> locks;

    public PartnerTokens(Map<String, Client> clients, HttpClient http, Duration timeout, Duration margin, Clock clock) {
        this.clients = Map.copyOf(clients);
        this.http = http;
        this.timeout = timeout;
        this.margin = margin;
        this.clock = clock;
        this.locks = this.clients.keySet().stream().collect(Collectors.toUnmodifiableMap(k -> k, k -> new Object()));
    }

    /** Whether we present tokens to this partner. */
    public boolean required(String partnerId) {
        return clients.containsKey(partnerId);
    }

    public Set<String> partners() {
        return clients.keySet();
    }

    /** A token for the partner: the cached one while it has more than the margin left, else a new one. */
    public Token token(String partnerId) {
        Token t = cache.get(partnerId);
        if (fresh(t)) {
            return t;
        }
        synchronized (lock(partnerId)) {
            t = cache.get(partnerId);
            if (fresh(t)) {
                return t;
            }
            return obtain(partnerId);
        }
    }

    /**
     * The partner refused {@code rejected}: a new token, unless another delivery already replaced the rejected one (then
     * that replacement).
     */
    public Token refresh(String partnerId, Token rejected) {
        synchronized (lock(partnerId)) {
            Token t = cache.get(partnerId);
            if (t != null && t != rejected && fresh(t)) {
                return t;
            }
            cache.remove(partnerId);
            return obtain(partnerId);
        }
    }

    private boolean fresh(Token t) {
        return t != null && clock.instant().isBefore(t.expiresAt.minus(margin));
    }

    private Object lock(String partnerId) {
        Object lock = locks.get(partnerId);
        if (lock == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "No token endpoint is configured for partner " + partnerId);
        }
        return lock;
    }

    private Token obtain(String partnerId) {
        Client c = clients.get(partnerId);
        Instant requested = clock.instant();
        String basic = Base64.getEncoder().encodeToString((form(c.clientId()) + ":" + form(c.secret())).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(c.tokenUrl()).timeout(timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw failed(c, "could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(c, "interrupted", e);
        }
        if (r.statusCode() != 200) {
            // the body of an OAuth error names the error (invalid_client, ...) and never a token
            throw failed(c, "answered HTTP " + r.statusCode() + oauthError(r.body()), null);
        }
        if (r.body().length > MAX_RESPONSE_BYTES) {
            throw failed(c, "sent more than " + MAX_RESPONSE_BYTES + " bytes", null);
        }
        JsonNode body;
        try {
            body = json.readTree(r.body());
        } catch (IOException e) {
            throw failed(c, "sent a response that is not JSON", null);
        }
        String token = body.path("access_token").asText(null);
        String type = body.path("token_type").asText("");
        if (token == null || token.isBlank() || !type.equalsIgnoreCase("Bearer")) {
            throw failed(c, "sent no bearer access_token", null);
        }
        Duration life = body.has("expires_in") && body.get("expires_in").canConvertToLong() && body.get("expires_in").asLong() > 0
                ? Duration.ofSeconds(body.get("expires_in").asLong()) : DEFAULT_LIFETIME;
        Token t = new Token(token, requested.plus(life));
        cache.put(partnerId, t);
        return t;
    }

    private String oauthError(byte[] body) {
        try {
            JsonNode n = json.readTree(body);
            String error = n == null ? null : n.path("error").asText(null);
            return error == null || !error.matches("[a-z_]{1,64}") ? "" : " (" + error + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static GatewayException failed(Client c, String what, Exception cause) {
        return new GatewayException(ErrorCode.PARTNER_TOKEN_FAILED, "The token endpoint of partner " + c.partnerId() + " (" + c.tokenUrl()
                + ", client " + c.clientId() + ") " + what, null, cause);
    }
}
