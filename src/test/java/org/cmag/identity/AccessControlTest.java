package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Roles per endpoint group and "a partner acts only as itself", in both modes. */
class AccessControlTest {
    TestIssuer issuer;
    AccessControl access;
    Partner de;
    Partner gb;

    @BeforeEach
    void start() {
        issuer = TestIssuer.start("cmag");
        JwksSource keys = new JwksSource(URI.create(issuer.jwksUrl()), HttpClient.newHttpClient(), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofHours(1), Clock.systemUTC());
        access = AccessControl.tokens(new TokenValidator(List.of(new TokenValidator.Issuer(issuer.issuer(), keys, null)), TestIssuer.AUDIENCE,
                Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(60), Clock.systemUTC()));
        PartnerRegistry registry = PartnerRegistry.load(null, "NL", key -> key.equals("gateway.partner.DE.auth") ? "token" : null);
        de = registry.find("DE").orElseThrow();
        gb = registry.find("GB").orElseThrow();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private static void refused(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    @Test
    void eachRoleOpensOnlyItsOwnGroup() {
        for (Role role : Role.values()) {
            Principal caller = access.authenticate("Bearer " + issuer.token("client-" + role.roleName(), role.roleName()), false);
            access.authorise(caller, role);
            for (Role other : Role.values()) {
                if (other != role) {
                    refused(() -> access.authorise(caller, other), ErrorCode.ROLE_MISSING);
                }
            }
        }
        refused(() -> access.authenticate(null, false), ErrorCode.TOKEN_MISSING);
    }

    @Test
    void onThePartnerChannelTheTokenMustBeTheSendersAndIsRequiredWhereTheAgreementSaysSo() {
        assertThat(de.channelAuth()).isEqualTo(Partner.ChannelAuth.TOKEN);
        assertThat(gb.channelAuth()).isEqualTo(Partner.ChannelAuth.NONE);
        // no token: refused for DE (channel.auth token), passed for GB (none: the signature alone)
        assertThat(access.authenticate(null, true)).isNull();
        refused(() -> access.checkSender(null, de), ErrorCode.TOKEN_MISSING);
        access.checkSender(null, gb);

        Principal partnerDe = access.authenticate("Bearer " + issuer.token("partner-DE", "partner-administration"), true);
        access.checkSender(partnerDe, de);
        refused(() -> access.checkSender(partnerDe, gb), ErrorCode.PARTNER_MISMATCH);
        Principal national = access.authenticate("Bearer " + issuer.token("nl-customs-system", "national-system", "partner-administration"), true);
        refused(() -> access.checkSender(national, de), ErrorCode.PARTNER_MISMATCH);
    }

    @Test
    void modeNoneChecksNothing() {
        AccessControl none = AccessControl.none();
        assertThat(none.enabled()).isFalse();
        assertThat(none.authenticate(null, false)).isNull();
        assertThat(none.authenticate("Bearer garbage", false)).isNull();
        none.authorise(null, Role.GATEWAY_ADMIN);
        none.checkSender(null, de);
    }
}
