package org.cmag.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code channel.auth}, {@code security.certificates.tls} and {@code security.trustAnchors} in agreement files. */
class ChannelAuthTest {
    @TempDir
    Path dir;

    private void write(String yaml) throws IOException {
        Files.writeString(dir.resolve("FR.yaml"), yaml, StandardCharsets.UTF_8);
    }

    private static String agreement(String channelExtra, String endpoint, String securityExtra) {
        return PartnerRegistryTest.agreement("FR").replace("  trustAnchors: [ca.crt]\n", "")
                .replace("  soapEndpoint: http://127.0.0.1:1/soap\n", "  soapEndpoint: " + endpoint + "\n" + channelExtra)
                .replace("    encryption: FR-encryption.crt\n", "    encryption: FR-encryption.crt\n" + securityExtra);
    }

    private Partner load() {
        return PartnerRegistry.load(dir, "NL", k -> null).require("FR", ErrorCode.UNKNOWN_PARTNER);
    }

    private GatewayException configError() {
        GatewayException e = catchThrowableOfType(GatewayException.class, this::load);
        assertThat(e).as("expected a configuration error").isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        return e;
    }

    @Test
    void withoutChannelAuthThePartnerNeedsNoClientCertificateAndNoTlsSettings() throws IOException {
        write(PartnerRegistryTest.agreement("FR"));
        Partner p = load();
        assertThat(p.channelAuth()).isEqualTo(Partner.ChannelAuth.NONE);
        assertThat(p.channelAuth().requiresClientCertificate()).isFalse();
        assertThat(p.tlsCertificate()).isNull();
        // the trust anchors are the PKI's (every certificate of the partner chains to them), not a TLS setting
        assertThat(p.trustAnchors()).extracting(Partner.CertificateRef::alias).containsExactly("ca.crt");
    }

    @Test
    void mtlsWithTheTlsCertificateTrustAnchorsAndAnHttpsEndpointCompiles() throws IOException {
        write(agreement("  auth: mtls\n", "https://127.0.0.1:1/soap",
                "    tls: FR-tls.crt\n  trustAnchors: [ca.crt, { alias: other-ca.crt }]\n"));
        Partner p = load();
        assertThat(p.channelAuth()).isEqualTo(Partner.ChannelAuth.MTLS);
        assertThat(p.channelAuth().requiresClientCertificate()).isTrue();
        assertThat(p.channelAuth().requiresToken()).isFalse();
        assertThat(p.tlsCertificate().alias()).isEqualTo("FR-tls.crt");
        assertThat(p.trustAnchors()).extracting(Partner.CertificateRef::alias).containsExactly("ca.crt", "other-ca.crt");
        assertThat(p.trustAnchors().get(1).field()).isEqualTo("security.trustAnchors[1]");
    }

    @Test
    void tokenAndMtlsRequiresBoth() {
        assertThat(Partner.ChannelAuth.parse("token+mtls")).isEqualTo(Partner.ChannelAuth.TOKEN_AND_MTLS);
        assertThat(Partner.ChannelAuth.TOKEN_AND_MTLS.requiresClientCertificate()).isTrue();
        assertThat(Partner.ChannelAuth.TOKEN_AND_MTLS.requiresToken()).isTrue();
        assertThat(Partner.ChannelAuth.parse("MTLS")).isNull();
    }

    @Test
    void anUnknownChannelAuthIsRefusedNamingTheFieldAndTheAllowedValues() throws IOException {
        write(agreement("  auth: certificate\n", "https://127.0.0.1:1/soap", "    tls: FR-tls.crt\n  trustAnchors: [ca.crt]\n"));
        assertThat(configError().detail()).contains("FR.yaml:").contains("field channel.auth is 'certificate'")
                .contains("allowed: none, token, mtls, token+mtls");
    }

    @Test
    void mtlsWithoutTheTlsCertificateIsRefused() throws IOException {
        write(agreement("  auth: mtls\n", "https://127.0.0.1:1/soap", "  trustAnchors: [ca.crt]\n"));
        assertThat(configError().detail()).contains("field security.certificates.tls is missing");
    }

    @Test
    void mtlsWithoutTrustAnchorsIsRefused() throws IOException {
        write(agreement("  auth: mtls\n", "https://127.0.0.1:1/soap", "    tls: FR-tls.crt\n"));
        assertThat(configError().detail()).contains("field security.trustAnchors is missing");
    }

    @Test
    void mtlsOverPlainHttpIsRefusedNamingTheEndpoint() throws IOException {
        write(agreement("  auth: mtls\n", "http://127.0.0.1:1/soap", "    tls: FR-tls.crt\n  trustAnchors: [ca.crt]\n"));
        assertThat(configError().detail()).contains("field channel.soapEndpoint is 'http://127.0.0.1:1/soap'").contains("needs an https:// endpoint");
    }

}
