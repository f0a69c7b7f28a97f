package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound client-credentials tokens against a local token endpoint, on a clock the test moves. */
class PartnerTokensTest {
    static final Duration MARGIN = Duration.ofSeconds(30);

    final TokenValidatorTest.MutableClock clock = new TokenValidatorTest.MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    TestIssuer de;
    PartnerTokens tokens;

    @BeforeEach
    void start() {
        de = TestIssuer.start("de-customs", clock);
        de.client("partner-NL", "s3cret:with/odd&chars", "partner-administration");
        de.tokenLifetime(Duration.ofSeconds(300));
        tokens = tokens("s3cret:with/odd&chars");
    }

    private PartnerTokens tokens(String secret) {
        return new PartnerTokens(Map.of("DE", new PartnerTokens.Client("DE", URI.create(de.tokenUrl()), "partner-NL", secret)),
                HttpClient.newHttpClient(), Duration.ofSeconds(5), MARGIN, clock);
    }

    @AfterEach
    void stop() {
        de.close();
    }

    @Test
    void aTokenIsCachedUntilTheMarginBeforeItExpires() {
        PartnerTokens.Token first = tokens.token("DE");
        assertThat(first.header()).startsWith("Bearer ey");
        assertThat(first.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
        clock.advance(Duration.ofSeconds(300).minus(MARGIN).minusSeconds(1));
        assertThat(tokens.token("DE")).isSameAs(first);
        assertThat(de.tokenRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1)); // within the margin: replaced before the partner would refuse it
        PartnerTokens.Token second = tokens.token("DE");
        assertThat(second).isNotSameAs(first);
        assertThat(de.tokenRequests()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsReplacedOnceEvenWhenSeveralDeliveriesReportIt() {
        PartnerTokens.Token refused = tokens.token("DE");
        PartnerTokens.Token renewed = tokens.refresh("DE", refused);
        assertThat(renewed).isNotSameAs(refused);
        assertThat(de.tokenRequests()).isEqualTo(2);
        // a second delivery that sent the same refused token gets the renewed one, without another request
        assertThat(tokens.refresh("DE", refused)).isSameAs(renewed);
        assertThat(tokens.token("DE")).isSameAs(renewed);
        assertThat(de.tokenRequests()).isEqualTo(2);
    }

    @Test
    void aRefusedClientIsPartnerTokenFailedWithoutTheSecretAndRetriedLater() {
        PartnerTokens wrong = tokens("not-the-secret");
        assertThatThrownBy(() -> wrong.token("DE")).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARTNER_TOKEN_FAILED);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 401").contains("invalid_client").contains("partner-NL").doesNotContain("not-the-secret");
        });
        de.close();
        assertThatThrownBy(() -> tokens.token("DE")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARTNER_TOKEN_FAILED));
    }

    @Test
    void tokensAndSecretsNeverShowInToString() {
        PartnerTokens.Token t = tokens.token("DE");
        assertThat(t.toString()).doesNotContain(t.header().substring(7)).contains("redacted");
        assertThat(new PartnerTokens.Client("DE", URI.create(de.tokenUrl()), "partner-NL", "s3cret").toString()).doesNotContain("s3cret");
        assertThat(tokens.required("DE")).isTrue();
        assertThat(tokens.required("GB")).isFalse();
    }
}
