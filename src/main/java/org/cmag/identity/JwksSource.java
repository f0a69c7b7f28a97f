package org.cmag.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * One issuer's published signing keys (its JWKS), fetched on first use and cached. A token whose {@code kid} is not in
 * the cache makes it refetch — at most once per {@code minRefresh}, so a flood of tokens with made-up key ids cannot
 * turn the gateway against the issuer; keys older than {@code maxAge} are refetched on the next use (the old ones stay
 * in use when that fails). Only public keys are kept.
 */
public final class JwksSource {
    /** Largest JWKS document accepted. */
    static final int MAX_BYTES = 512 * 1024;

    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration minRefresh;
    private final Duration maxAge;
    private final Clock clock;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile JWKSet keys;
    private volatile Instant fetchedAt;
    private Instant lastAttempt;

    public JwksSource(URI uri, HttpClient http, Duration timeout, Duration minRefresh, Duration maxAge, Clock clock) {
        this.uri = uri;
        this.http = http;
        this.timeout = timeout;
        this.minRefresh = minRefresh;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The signing keys that may have signed a token with {@code kid} (every signing key when the token names none).
     * Empty when the issuer does not publish such a key, even after the allowed refetch.
     */
    public List<JWK> candidates(String kid) {
        JWKSet current = keys;
        Instant at = fetchedAt;
        if (current != null && clock.instant().isBefore(at.plus(maxAge))) {
            List<JWK> found = match(current, kid);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return slowPath(kid);
    }

    private synchronized List<JWK> slowPath(String kid) {
        Instant now = clock.instant();
        if (keys == null || !now.isBefore(fetchedAt.plus(maxAge))) {
            if (mayFetch(now)) {
                fetchKeepingOld(now);
            } else if (keys == null) {
                throw new GatewayException(ErrorCode.IDENTITY_UNAVAILABLE, "The keys of the token issuer are not available (last fetch from "
                        + uri + " failed; next attempt within " + minRefresh.toSeconds() + " s)");
            }
        }
        List<JWK> found = match(keys, kid);
        if (found.isEmpty() && mayFetch(clock.instant())) {
            fetchKeepingOld(clock.instant());
            found = match(keys, kid);
        }
        return found;
    }

    private boolean mayFetch(Instant now) {
        return lastAttempt == null || !now.isBefore(lastAttempt.plus(minRefresh));
    }

    private void fetchKeepingOld(Instant now) {
        lastAttempt = now;
        try {
            keys = fetch();
            fetchedAt = now;
        } catch (GatewayException e) {
            if (keys == null) {
                throw e;
            }
            // keep serving the keys we have; the next unknown kid or expiry of maxAge tries again
        }
    }

    private JWKSet fetch() {
        fetches.incrementAndGet();
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (r.statusCode() != 200) {
                throw unavailable("answered HTTP " + r.statusCode(), null);
            }
            if (body.length > MAX_BYTES) {
                throw unavailable("sent more than " + MAX_BYTES + " bytes", null);
            }
            return JWKSet.parse(new String(body, StandardCharsets.UTF_8)).toPublicJWKSet();
        } catch (IOException | ParseException e) {
            throw unavailable("could not be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        }
    }

    private GatewayException unavailable(String what, Exception cause) {
        return new GatewayException(ErrorCode.IDENTITY_UNAVAILABLE, "The token issuer's key set " + uri + " " + what, null, cause);
    }

    private static List<JWK> match(JWKSet set, String kid) {
        return set.getKeys().stream()
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> kid == null || kid.equals(k.getKeyID()))
                .toList();
    }

    /** How often the key set was fetched (tests: one refetch per unknown kid, at most once per interval). */
    public int fetchCount() {
        return fetches.get();
    }

    public URI uri() {
        return uri;
    }
}
