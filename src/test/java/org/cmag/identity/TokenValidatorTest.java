package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offline validation of locally signed tokens against a local JWKS (JDK HttpServer), on a clock the test moves. */
class TokenValidatorTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final Duration SKEW = Duration.ofSeconds(60);
    static final Duration MIN_REFRESH = Duration.ofSeconds(30);

    final MutableClock clock = new MutableClock(T0);
    final HttpClient http = HttpClient.newHttpClient();
    TestIssuer issuer;
    TestIssuer partnerRealm;
    JwksSource keys;
    TokenValidator validator;

    /** A clock the test moves (never sleeps). */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeEach
    void start() {
        issuer = TestIssuer.start("cmag", clock);
        partnerRealm = TestIssuer.start("de-customs", clock);
        keys = new JwksSource(URI.create(issuer.jwksUrl()), http, Duration.ofSeconds(5), MIN_REFRESH, Duration.ofHours(1), clock);
        JwksSource partnerKeys = new JwksSource(URI.create(partnerRealm.jwksUrl()), http, Duration.ofSeconds(5), MIN_REFRESH, Duration.ofHours(1), clock);
        validator = new TokenValidator(List.of(new TokenValidator.Issuer(issuer.issuer(), keys, null),
                new TokenValidator.Issuer(partnerRealm.issuer(), partnerKeys, "DE")), TestIssuer.AUDIENCE,
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256), SKEW, clock);
    }

    @AfterEach
    void stop() {
        issuer.close();
        partnerRealm.close();
    }

    private Principal validate(String token) {
        return validator.validate("Bearer " + token);
    }

    private void rejected(String authorization, ErrorCode code) {
        assertThatThrownBy(() -> validator.validate(authorization)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            if (authorization != null && authorization.length() > 20) {
                assertThat(e.getMessage()).doesNotContain(authorization.substring(7));
            }
        });
    }

    private JWTClaimsSet.Builder good() {
        return issuer.claims("partner-DE", "partner-administration");
    }

    @Test
    void acceptsAKeycloakLikeTokenAndMapsThePartnerClientToItsPartnerId() {
        Principal p = validate(issuer.sign(good().claim("resource_access",
                Map.of(TestIssuer.AUDIENCE, Map.of("roles", List.of("legal-officer")), "account", Map.of("roles", List.of("gateway-admin")))).build()));

        assertThat(p.clientId()).isEqualTo("partner-DE");
        assertThat(p.partnerId()).isEqualTo("DE");
        assertThat(p.issuer()).isEqualTo(issuer.issuer());
        // realm roles and the client roles on this gateway's client, never another client's
        assertThat(p.roles()).containsExactlyInAnyOrder("partner-administration", "legal-officer");
        assertThat(validate(issuer.token("nl-customs-system", "national-system")).partnerId()).isNull();
        assertThat(validate(issuer.sign(good().claim("azp", null).claim("client_id", "partner-GB").build())).partnerId()).isEqualTo("GB");
    }

    @Test
    void refusesAMissingOrNonBearerAuthorizationHeader() {
        rejected(null, ErrorCode.TOKEN_MISSING);
        rejected("  ", ErrorCode.TOKEN_MISSING);
        rejected("Bearer ", ErrorCode.TOKEN_MISSING);
        rejected("Basic dXNlcjpwYXNz", ErrorCode.TOKEN_MALFORMED);
        rejected("Bearer not-a-jwt", ErrorCode.TOKEN_MALFORMED);
        rejected("Bearer " + "a".repeat(TokenValidator.MAX_TOKEN_CHARS + 1), ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void refusesAnUnsignedToken() {
        rejected("Bearer " + TestIssuer.unsigned(good().build()), ErrorCode.TOKEN_UNSIGNED);
    }

    @Test
    void refusesWronglySignedTokens() {
        // a key the issuer never published, a key that claims the published kid, an HMAC with any secret, a disallowed RSA variant
        rejected("Bearer " + TestIssuer.signWith(TestIssuer.newRsaKey("unknown"), JWSAlgorithm.RS256, good().build()), ErrorCode.TOKEN_SIGNATURE_INVALID);
        rejected("Bearer " + TestIssuer.signWith(TestIssuer.newRsaKey("k1"), JWSAlgorithm.RS256, good().build()), ErrorCode.TOKEN_SIGNATURE_INVALID);
        rejected("Bearer " + TestIssuer.signHs256(new byte[32], good().build()), ErrorCode.TOKEN_SIGNATURE_INVALID);
        RSAKey k1 = issuer.rotate("k-rs512");
        rejected("Bearer " + TestIssuer.signWith(k1, JWSAlgorithm.RS512, good().build()), ErrorCode.TOKEN_SIGNATURE_INVALID);
        // tampered claims after signing
        String token = issuer.token("partner-DE", "partner-administration");
        String[] parts = token.split("\\.");
        String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                good().claim("realm_access", Map.of("roles", List.of("gateway-admin"))).build().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rejected("Bearer " + parts[0] + "." + forgedClaims + "." + parts[2], ErrorCode.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void acceptsPs256AndEs256WhenTheIssuerPublishesTheKey() {
        RSAKey rsa = issuer.rotate("k-ps");
        assertThat(validate(TestIssuer.signWith(rsa, JWSAlgorithm.PS256, good().build())).partnerId()).isEqualTo("DE");
        ECKey ec = TestIssuer.newEcKey("k-ec");
        issuer.publish(ec);
        clock.advance(MIN_REFRESH); // the cache was filled before the EC key existed
        assertThat(validate(TestIssuer.signWith(ec, good().build())).partnerId()).isEqualTo("DE");
    }

    @Test
    void checksExpiryAndNotBeforeWithTheClockSkew() {
        JWTClaimsSet expiresNow = good().expirationTime(Date.from(T0)).build();
        String token = issuer.sign(expiresNow);
        clock.advance(SKEW);
        assertThat(validate(token)).isNotNull(); // exactly at the edge of the skew
        clock.advance(Duration.ofSeconds(1));
        rejected("Bearer " + token, ErrorCode.TOKEN_EXPIRED);

        String later = issuer.sign(good().notBeforeTime(Date.from(clock.instant().plus(SKEW).plusSeconds(1))).build());
        rejected("Bearer " + later, ErrorCode.TOKEN_NOT_YET_VALID);
        String withinSkew = issuer.sign(good().notBeforeTime(Date.from(clock.instant().plus(SKEW))).build());
        assertThat(validate(withinSkew)).isNotNull();

        rejected("Bearer " + issuer.sign(good().expirationTime(null).build()), ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void refusesAnUntrustedIssuerAndAnotherAudience() {
        try (TestIssuer other = TestIssuer.start("cmag-copy", clock)) {
            rejected("Bearer " + other.token("partner-DE", "partner-administration"), ErrorCode.TOKEN_ISSUER_INVALID);
        }
        rejected("Bearer " + issuer.sign(good().issuer(null).build()), ErrorCode.TOKEN_ISSUER_INVALID);
        rejected("Bearer " + issuer.sign(good().audience("account").build()), ErrorCode.TOKEN_AUDIENCE_INVALID);
        rejected("Bearer " + issuer.sign(good().audience((String) null).build()), ErrorCode.TOKEN_AUDIENCE_INVALID);
        assertThat(validate(issuer.sign(good().audience(List.of("account", TestIssuer.AUDIENCE)).build()))).isNotNull();
    }

    @Test
    void refusesAnIdTokenPresentedAsAccessToken() {
        rejected("Bearer " + issuer.sign(good().claim("typ", "ID").build()), ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void anUnknownKidRefetchesTheKeySetOnceAndAtMostOncePerInterval() {
        validate(issuer.token("partner-DE", "partner-administration"));
        assertThat(keys.fetchCount()).isEqualTo(1);
        validate(issuer.token("partner-DE", "partner-administration"));
        assertThat(keys.fetchCount()).as("cached").isEqualTo(1);

        clock.advance(MIN_REFRESH);
        issuer.rotate("k2"); // the realm rotates its key
        validate(issuer.token("partner-DE", "partner-administration"));
        assertThat(keys.fetchCount()).as("one refetch for the new kid").isEqualTo(2);
        validate(issuer.token("partner-DE", "partner-administration"));
        assertThat(keys.fetchCount()).isEqualTo(2);

        // made-up kids within the interval: no more fetches, and refused
        for (int i = 0; i < 5; i++) {
            rejected("Bearer " + TestIssuer.signWith(TestIssuer.newRsaKey("made-up-" + i), JWSAlgorithm.RS256, good().build()),
                    ErrorCode.TOKEN_SIGNATURE_INVALID);
        }
        assertThat(keys.fetchCount()).isEqualTo(2);
        assertThat(issuer.jwksRequests()).isEqualTo(2);
        clock.advance(MIN_REFRESH);
        rejected("Bearer " + TestIssuer.signWith(TestIssuer.newRsaKey("made-up-x"), JWSAlgorithm.RS256, good().build()),
                ErrorCode.TOKEN_SIGNATURE_INVALID);
        assertThat(keys.fetchCount()).isEqualTo(3);
    }

    @Test
    void aPartnersOwnRealmSpeaksForThatPartnerOnlyAndGrantsNoOtherRole() {
        Principal p = validate(partnerRealm.token("cmag-client", "partner-administration", "gateway-admin", "legal-officer"));
        assertThat(p.partnerId()).isEqualTo("DE");
        assertThat(p.roles()).containsExactly("partner-administration");
        // a client named partner-GB in DE's realm is still DE
        assertThat(validate(partnerRealm.token("partner-GB", "partner-administration")).partnerId()).isEqualTo("DE");
    }

    @Test
    void unreachableKeysAreIdentityUnavailableNotAnAcceptance() {
        String token = issuer.token("partner-DE", "partner-administration");
        issuer.close();
        rejected("Bearer " + token, ErrorCode.IDENTITY_UNAVAILABLE);
        rejected("Bearer " + token, ErrorCode.IDENTITY_UNAVAILABLE); // within the interval: not even tried
    }

    @Test
    void theClaimedClientForAuditIsReadWithoutTrustingOrEchoingTheToken() {
        assertThat(TokenValidator.claimedClient("Bearer " + TestIssuer.signHs256(new byte[32], good().build()))).isEqualTo("partner-DE");
        assertThat(TokenValidator.claimedClient("Bearer garbage")).isNull();
        assertThat(TokenValidator.claimedClient(null)).isNull();
        assertThat(TokenValidator.claimedClient("Bearer " + issuer.sign(good().claim("azp", "x\ny").build()))).isNull();
    }
}
