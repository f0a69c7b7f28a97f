package org.cmag.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client-certificate rule and the start-up checks of {@link ChannelTls}, on development certificates. */
class ChannelTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path pki;

    @BeforeEach
    void certificates() {
        new DevPki(pki, Clock.systemUTC(), PASSWORD).ensure(List.of("NL", "DE", "GB"));
        new DevTlsCertificates(pki, Clock.systemUTC(), PASSWORD).ensure(List.of("NL", "DE", "GB"));
    }

    private X509Certificate[] tlsOf(String id) {
        return new X509Certificate[] {KeyStores.readPem(pki.resolve(DevTlsCertificates.certificateName(id)))};
    }

    /** DE's registry with NL and GB; NL with {@code auth}. */
    private ChannelTls load(PartnerRegistry registry) {
        return ChannelTls.load(pki.resolve("DE-tls.p12"), PASSWORD, DevTlsCertificates.ALIAS, pki, registry.all(), Instant.now());
    }

    private static PartnerRegistry registry(Map<String, String> overrides) {
        return PartnerRegistry.load(null, "DE", overrides::get);
    }

    private static Partner nl(PartnerRegistry r) {
        return r.require("NL", ErrorCode.UNKNOWN_PARTNER);
    }

    @Test
    void aPartnerWithoutMtlsMayComeWithoutOrWithItsOwnOrAnUnregisteredCertificateButNeverWithAnothersPartnersOne() {
        PartnerRegistry r = registry(Map.of());
        ChannelTls tls = load(r);
        assertThat(tls.hasOwnKey()).isTrue();
        assertThat(tls.requestsClientCertificates()).isTrue();
        tls.checkClient(nl(r), new X509Certificate[0], Instant.now());
        tls.checkClient(nl(r), tlsOf("NL"), Instant.now());
        tls.checkClient(nl(r), tlsOf("DE"), Instant.now()); // our own: no partner's certificate
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> tls.checkClient(nl(r), tlsOf("GB"), Instant.now()));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CLIENT_CERTIFICATE_MISMATCH);
        assertThat(e.detail()).contains("sender is NL").contains("belongs to partner GB");
    }

    @Test
    void theHttpsEndpointOfAPartnerWithoutTrustAnchorsStopsTheStart() throws Exception {
        Path dir = Files.createDirectories(pki.resolve("policies"));
        try (var in = getClass().getClassLoader().getResourceAsStream("policies/partners/NL.yaml")) {
            Files.writeString(dir.resolve("NL.yaml"), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("  trustAnchors: [ca.crt]\n", "").replace("    tls: NL-tls.crt\n", ""));
        }
        // trust anchors are required for every agreement (the PKI), so an https partner can never lack them
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> PartnerRegistry.load(dir, "DE", Map.of("gateway.partner.NL.endpoint", "https://127.0.0.1:1")::get));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.detail()).contains("NL.yaml").contains("security.trustAnchors is missing");
    }

    @Test
    void aRegisteredTlsCertificateThatDoesNotChainToThePartnersAnchorsStopsTheStart() throws Exception {
        Path other = pki.resolve("other");
        new DevPki(other, Clock.systemUTC(), PASSWORD).ensure(List.of("XX"));
        Files.copy(other.resolve("ca.crt"), pki.resolve("other-ca.crt"));
        Path dir = Files.createDirectories(pki.resolve("policies"));
        try (var in = getClass().getClassLoader().getResourceAsStream("policies/partners/NL.yaml")) {
            Files.writeString(dir.resolve("NL.yaml"), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("  trustAnchors: [ca.crt]\n", "  trustAnchors: [other-ca.crt]\n"));
        }
        PartnerRegistry r = PartnerRegistry.load(dir, "DE", k -> null);
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> load(r));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.detail()).contains("NL.yaml:").contains("field security.certificates.tls").contains("does not chain to the partner's trust anchors");
    }

    @Test
    void onlyTls13And12WithForwardSecretAeadSuites() {
        assertThat(ChannelTls.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(ChannelTls.CIPHER_SUITES).allMatch(s -> (s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20") || s.startsWith("TLS_ECDHE_"))
                && (s.contains("GCM") || s.contains("CHACHA20_POLY1305")));
    }
}
