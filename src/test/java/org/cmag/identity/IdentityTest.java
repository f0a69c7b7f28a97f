package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail closed from configuration: each gap in the identity settings stops start-up and names the key. */
class IdentityTest {
    @TempDir
    Path dir;

    private static Identity identity(Map<String, String> overrides, Map<String, String> env) {
        GatewayConfig config = GatewayConfig.load(null, env, overrides);
        PartnerRegistry registry = PartnerRegistry.load(null, config.gatewayId(), config::getOptional);
        return Identity.from(config, registry, Clock.systemUTC());
    }

    private static Map<String, String> keycloak() {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.auth.mode", "keycloak");
        o.put("gateway.auth.issuer", "http://127.0.0.1:1/realms/cmag");
        o.put("gateway.auth.audience", "cmag-gateway");
        return o;
    }

    private static void refused(Map<String, String> overrides, String... mentions) {
        assertThatThrownBy(() -> identity(overrides, Map.of())).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(mentions);
        });
    }

    @Test
    void theEmbeddedDefaultIsModeNone() {
        Identity id = identity(Map.of(), Map.of());
        assertThat(id.access().enabled()).isFalse();
        assertThat(id.partnerTokens().partners()).isEmpty();
    }

    @Test
    void modeKeycloakNeedsIssuerAndAudience() {
        Map<String, String> o = keycloak();
        o.remove("gateway.auth.issuer");
        refused(o, "gateway.auth.issuer");
        o = keycloak();
        o.remove("gateway.auth.audience");
        refused(o, "gateway.auth.audience");
        o = keycloak();
        o.put("gateway.auth.issuer", "ldap://x");
        refused(o, "gateway.auth.issuer", "http(s)");
        refused(Map.of("gateway.auth.mode", "off"), "gateway.auth.mode");
        assertThat(identity(keycloak(), Map.of()).access().enabled()).isTrue();
    }

    @Test
    void onlyAsymmetricSignatureAlgorithmsCanBeAccepted() {
        for (String bad : new String[] {"none", "HS256", "RS256,HS512", " "}) {
            Map<String, String> o = keycloak();
            o.put("gateway.auth.algorithms", bad);
            refused(o, "gateway.auth.algorithms");
        }
    }

    @Test
    void aTokenChannelNeedsModeKeycloakATokenEndpointAndASecretFromOutsideTheRepository() throws Exception {
        refused(Map.of("gateway.partner.DE.auth", "token"), "DE", "gateway.auth.mode=keycloak");
        refused(Map.of("gateway.partner.DE.auth", "tokens"), "channel.auth", "token+mtls");
        Map<String, String> o = keycloak();
        o.put("gateway.partner.DE.auth", "token");
        refused(o, "gateway.partner.DE.token-url");
        o.put("gateway.partner.DE.token-url", "http://127.0.0.1:1/realms/de/protocol/openid-connect/token");
        refused(o, "GATEWAY_PARTNER_DE_TOKEN_SECRET", "gateway.partner.DE.token-secret-file");

        // from the environment
        Identity fromEnv = identity(o, Map.of("GATEWAY_PARTNER_DE_TOKEN_SECRET", "s3cret"));
        assertThat(fromEnv.partnerTokens().required("DE")).isTrue();
        assertThat(fromEnv.partnerTokens().required("GB")).isFalse();
        // or from a mounted file
        Path secret = Files.writeString(dir.resolve("de-secret"), "s3cret\n");
        o.put("gateway.partner.DE.token-secret-file", secret.toString());
        assertThat(identity(o, Map.of()).partnerTokens().required("DE")).isTrue();
        // not both
        assertThatThrownBy(() -> identity(o, Map.of("GATEWAY_PARTNER_DE_TOKEN_SECRET", "s3cret"))).hasMessageContaining("not both");
    }

    @Test
    void aPartnerIssuerCannotBeSharedWithAnotherPartner() {
        Map<String, String> o = keycloak();
        o.put("gateway.partner.DE.token-issuer", "http://127.0.0.1:1/realms/shared");
        o.put("gateway.partner.GB.token-issuer", "http://127.0.0.1:1/realms/shared");
        refused(o, "gateway.partner.GB.token-issuer", "partner DE");
    }
}
