package org.cmag.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for a Keycloak realm, for tests: it publishes its key set at
 * {@code <issuer>/protocol/openid-connect/certs} and answers client-credentials requests at
 * {@code <issuer>/protocol/openid-connect/token} (HTTP Basic client authentication), on loopback with the JDK's
 * HttpServer. Its access tokens look like Keycloak's: RS256 with a {@code kid}, {@code azp}, {@code aud},
 * {@code realm_access.roles}, {@code typ: Bearer}. Tests also mint tokens directly, good and bad.
 */
public final class TestIssuer implements AutoCloseable {
    public static final String AUDIENCE = "cmag-gateway";

    private record Client(String secret, List<String> roles) {}

    private final HttpServer server;
    private final String issuer;
    private final Clock clock;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenRequestsByClient = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> forgedToIssue = new ConcurrentHashMap<>();
    private volatile RSAKey signing;
    private volatile Duration tokenLifetime = Duration.ofMinutes(5);

    private TestIssuer(String realm, Clock clock) {
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/" + realm;
        signing = newRsaKey("k1");
        published.add(signing.toPublicJWK());
        server.createContext("/realms/" + realm + "/protocol/openid-connect/certs", this::jwks);
        server.createContext("/realms/" + realm + "/protocol/openid-connect/token", this::token);
        server.start();
    }

    public static TestIssuer start(String realm) {
        return new TestIssuer(realm, Clock.systemUTC());
    }

    public static TestIssuer start(String realm, Clock clock) {
        return new TestIssuer(realm, clock);
    }

    public String issuer() {
        return issuer;
    }

    public String jwksUrl() {
        return issuer + "/protocol/openid-connect/certs";
    }

    public String tokenUrl() {
        return issuer + "/protocol/openid-connect/token";
    }

    /** Registers a confidential client with a service account holding {@code roles}. */
    public TestIssuer client(String clientId, String secret, String... roles) {
        clients.put(clientId, new Client(secret, List.of(roles)));
        return this;
    }

    public void tokenLifetime(Duration d) {
        tokenLifetime = d;
    }

    /** The next {@code n} tokens the token endpoint issues to {@code clientId} are signed with a key this issuer does not publish. */
    public void issueForgedTokens(String clientId, int n) {
        forgedToIssue.put(clientId, new AtomicInteger(n));
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Token requests that authenticated as {@code clientId}. */
    public int tokenRequests(String clientId) {
        AtomicInteger n = tokenRequestsByClient.get(clientId);
        return n == null ? 0 : n.get();
    }

    /** A new signing key {@code kid}, published next to the old ones; tokens are signed with it from now on. */
    public RSAKey rotate(String kid) {
        signing = newRsaKey(kid);
        published.add(signing.toPublicJWK());
        return signing;
    }

    /** Publishes an extra key (e.g. an EC key for ES256 tokens). */
    public void publish(JWK key) {
        published.add(key.toPublicJWK());
    }

    /** Claims of a Keycloak-like access token for {@code clientId} with realm roles, valid for the token lifetime. */
    public JWTClaimsSet.Builder claims(String clientId, String... roles) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("service-account-" + clientId).audience(AUDIENCE)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(1))).expirationTime(Date.from(now.plus(tokenLifetime)))
                .jwtID(UUID.randomUUID().toString()).claim("azp", clientId).claim("typ", "Bearer")
                .claim("realm_access", Map.of("roles", List.of(roles)));
    }

    /** A valid access token for {@code clientId} with realm roles. */
    public String token(String clientId, String... roles) {
        return sign(claims(clientId, roles).build());
    }

    /** Signed RS256 with the current key (its kid in the header). */
    public String sign(JWTClaimsSet claims) {
        return signWith(signing, JWSAlgorithm.RS256, claims);
    }

    public static String signWith(RSAKey key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String signWith(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-signed with a shared secret (never accepted). */
    public static String signHs256(byte[] secret, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    public static RSAKey newRsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey newEcKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void jwks(HttpExchange ex) throws IOException {
        jwksRequests.incrementAndGet();
        respond(ex, 200, new JWKSet(new ArrayList<>(published)).toString(true));
    }

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.incrementAndGet();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (!"POST".equals(ex.getRequestMethod()) || !body.contains("grant_type=client_credentials") || auth == null || !auth.startsWith("Basic ")) {
            respond(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String[] pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8).split(":", 2);
        String id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
        Client c = clients.get(id);
        if (c == null || pair.length < 2 || !c.secret().equals(URLDecoder.decode(pair[1], StandardCharsets.UTF_8))) {
            respond(ex, 401, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}");
            return;
        }
        tokenRequestsByClient.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        JWTClaimsSet claims = claims(id, c.roles().toArray(String[]::new)).build();
        AtomicInteger forged = forgedToIssue.get(id);
        String token = forged != null && forged.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                ? signWith(newRsaKey("forged"), JWSAlgorithm.RS256, claims) : sign(claims);
        respond(ex, 200, "{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenLifetime.toSeconds()
                + ",\"refresh_expires_in\":0,\"token_type\":\"Bearer\",\"not-before-policy\":0,\"scope\":\"profile email\"}");
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
