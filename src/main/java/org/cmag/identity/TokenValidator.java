package org.cmag.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Validates bearer access tokens offline, the way a resource server must: the token must be a signed JWT (never
 * {@code alg: none}, never an HMAC), signed with an accepted algorithm by a key its trusted issuer publishes, and
 * carry {@code iss}, {@code aud} (this gateway) and {@code exp}/{@code nbf} within the clock skew. Each failure has its
 * own code. The token itself never appears in an error, a log line or an audit record.
 *
 * <p>Issuers: our own realm (callers are identified by client id; {@code partner-DE} acts as partner DE) and, per
 * partner, the partner administration's own realm (its tokens act as that partner and nothing else: of their roles
 * only {@code partner-administration} counts, so a partner's realm can never grant access to our national, legal or
 * admin endpoints).
 */
public final class TokenValidator {
    /** Longest Authorization header value accepted (Keycloak access tokens are 1-3 KB). */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    /** A trusted issuer: its {@code iss} value, its keys, and the partner it speaks for (null: our own realm). */
    public record Issuer(String issuer, JwksSource keys, String partnerId) {}

    private final Map<String, Issuer> issuers;
    private final String audience;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration skew;
    private final Clock clock;

    public TokenValidator(Collection<Issuer> issuers, String audience, Set<JWSAlgorithm> algorithms, Duration skew, Clock clock) {
        this.issuers = issuers.stream().collect(Collectors.toUnmodifiableMap(Issuer::issuer, i -> i));
        this.audience = audience;
        this.algorithms = Set.copyOf(algorithms);
        this.skew = skew;
        this.clock = clock;
    }

    /** Validates the value of an {@code Authorization} header; returns who the caller is or throws with the specific code. */
    public Principal validate(String authorization) {
        SignedJWT jwt = signed(bearer(authorization));
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw new GatewayException(ErrorCode.TOKEN_SIGNATURE_INVALID, "The token is signed with " + alg + "; accepted: "
                    + algorithms.stream().map(JWSAlgorithm::getName).sorted().toList());
        }
        JWTClaimsSet claims = claims(jwt);
        Issuer issuer = claims.getIssuer() == null ? null : issuers.get(claims.getIssuer());
        if (issuer == null) {
            throw new GatewayException(ErrorCode.TOKEN_ISSUER_INVALID, "The token's issuer '" + claims.getIssuer() + "' is not trusted");
        }
        verifySignature(jwt, issuer);
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token has no expiry (exp)");
        }
        if (now.isAfter(exp.toInstant().plus(skew))) {
            throw new GatewayException(ErrorCode.TOKEN_EXPIRED, "The token expired at " + exp.toInstant() + " (clock skew allowed: "
                    + skew.toSeconds() + " s)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new GatewayException(ErrorCode.TOKEN_NOT_YET_VALID, "The token is valid from " + nbf.toInstant() + " (clock skew allowed: "
                    + skew.toSeconds() + " s)");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(audience)) {
            throw new GatewayException(ErrorCode.TOKEN_AUDIENCE_INVALID, "The token is meant for " + (aud == null ? List.of() : aud)
                    + ", not for " + audience);
        }
        Object typ = claims.getClaim("typ");
        if (typ != null && !"Bearer".equalsIgnoreCase(String.valueOf(typ))) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token is a '" + typ + "' token, not an access token");
        }
        String clientId = text(claims, "azp");
        if (clientId == null) {
            clientId = text(claims, "client_id");
        }
        Set<String> roles = roles(claims);
        String partner;
        if (issuer.partnerId() != null) {
            partner = issuer.partnerId();
            roles.retainAll(Set.of(Role.PARTNER_ADMINISTRATION.roleName()));
        } else {
            partner = Realm.partnerIdOf(clientId).orElse(null);
        }
        return new Principal(claims.getSubject(), clientId, issuer.issuer(), partner, roles);
    }

    /**
     * The client id a token claims to be for, without verifying anything: for audit records of refused calls only
     * ({@code unverified:} is prefixed by the caller). Null when there is no readable claim.
     */
    public static String claimedClient(String authorization) {
        try {
            JWT jwt = JWTParser.parse(bearer(authorization));
            Object azp = jwt.getJWTClaimsSet().getClaim("azp");
            Object cid = azp != null ? azp : jwt.getJWTClaimsSet().getClaim("client_id");
            if (cid == null) {
                return null;
            }
            String s = String.valueOf(cid);
            return s.length() > 100 || !s.matches("[\\x20-\\x7e]*") ? null : s;
        } catch (ParseException | GatewayException e) {
            return null;
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new GatewayException(ErrorCode.TOKEN_MISSING, "The request carries no Authorization: Bearer access token");
        }
        String v = authorization.trim();
        if (v.equalsIgnoreCase("Bearer")) {
            throw new GatewayException(ErrorCode.TOKEN_MISSING, "The Authorization header carries an empty Bearer token");
        }
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The Authorization header is not a Bearer token");
        }
        String token = v.substring(7).trim();
        if (token.isEmpty()) {
            throw new GatewayException(ErrorCode.TOKEN_MISSING, "The Authorization header carries an empty Bearer token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        return token;
    }

    private static SignedJWT signed(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token is not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            throw new GatewayException(ErrorCode.TOKEN_UNSIGNED, "The token is not signed (alg none)");
        }
        if (!(jwt instanceof SignedJWT s)) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token is encrypted; only signed (JWS) access tokens are accepted");
        }
        return s;
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new GatewayException(ErrorCode.TOKEN_MALFORMED, "The token's claims are not readable: " + e.getMessage());
        }
    }

    private static void verifySignature(SignedJWT jwt, Issuer issuer) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String kid = jwt.getHeader().getKeyID();
        List<JWK> keys = issuer.keys().candidates(kid);
        for (JWK key : keys) {
            JWSVerifier verifier = verifier(alg, key);
            try {
                if (verifier != null && jwt.verify(verifier)) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // this key cannot verify this token; try the next one
            }
        }
        throw new GatewayException(ErrorCode.TOKEN_SIGNATURE_INVALID, keys.isEmpty()
                ? "The issuer publishes no signing key " + (kid == null ? "" : "with key id '" + kid + "'")
                : "The token's signature does not verify with the issuer's key" + (kid == null ? "s" : " '" + kid + "'"));
    }

    private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return null;
        }
        try {
            if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
                return new RSASSAVerifier(rsa);
            }
            if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec) {
                return new ECDSAVerifier(ec);
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private Set<String> roles(JWTClaimsSet claims) {
        Set<String> roles = new LinkedHashSet<>();
        Object realm = claims.getClaim("realm_access");
        if (realm instanceof Map<?, ?> m && m.get("roles") instanceof List<?> l) {
            l.forEach(r -> roles.add(String.valueOf(r)));
        }
        Object resource = claims.getClaim("resource_access");
        if (resource instanceof Map<?, ?> m && m.get(audience) instanceof Map<?, ?> client && client.get("roles") instanceof List<?> l) {
            l.forEach(r -> roles.add(String.valueOf(r)));
        }
        return roles;
    }

    private static String text(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v == null ? null : String.valueOf(v);
    }
}
