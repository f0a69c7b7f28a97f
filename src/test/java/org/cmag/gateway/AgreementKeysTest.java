package org.cmag.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of agreements against the partner's registered certificates and our own keystore. */
class AgreementKeysTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path dir;

    static OwnKeys nl;

    @BeforeAll
    static void keys() {
        DevPki pki = new DevPki(dir.resolve("pki"), CLOCK, "changeit".toCharArray());
        pki.ensure(List.of("NL", "DE"));
        nl = pki.loadOwn("NL");
    }

    /** DE's shipped agreement, as NL loads it, with its security block replaced. */
    static Partner de(String signature, String keyTransport, String signingCert, String encryptionCert) throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies-" + signature + "-" + keyTransport + "-" + signingCert));
        String yaml = Files.readString(Path.of("policies/partners/DE.yaml"))
                .replace("  signature: RSA_SHA256\n", "  signature: " + signature + "\n")
                .replace("  keyTransport: RSA_OAEP_MGF1P\n", "  keyTransport: " + keyTransport + "\n")
                .replace("    signing: DE-signing.crt\n", "    signing: " + signingCert + "\n")
                .replace("    encryption: DE-encryption.crt\n", "    encryption: " + encryptionCert + "\n");
        Files.writeString(policies.resolve("DE.yaml"), yaml);
        return PartnerRegistry.load(policies, "NL", k -> null).require("DE", ErrorCode.UNKNOWN_PARTNER);
    }

    static PartnerCertificates certs(Partner p) {
        return new PartnerCertificates(p.id(), KeyStores.readPem(dir.resolve("pki").resolve(p.signingCertificateFile())),
                KeyStores.readPem(dir.resolve("pki").resolve(p.encryptionCertificateFile())));
    }

    @Test
    void fittingAgreementsPass() throws Exception {
        for (Partner p : List.of(de("RSA_PSS_SHA256", "RSA_OAEP_11", "DE-signing.crt", "DE-encryption.crt"),
                de("ECDSA_SHA384", "ECDH_ES_KW_AES256", "DE-signing-ec-p384.crt", "DE-encryption-ec-p384.crt"),
                de("ED25519", "ECDH_ES_KW_AES128", "DE-signing-ed25519.crt", "DE-encryption-ec-p256.crt"))) {
            AgreementKeys.check(p, certs(p), nl, "NL.p12");
        }
    }

    @Test
    void aCertificateOfAnotherCurveIsAConfigurationErrorNamingFileAndField() throws Exception {
        Partner p = de("ECDSA_SHA256", "RSA_OAEP_11", "DE-signing-ec-p384.crt", "DE-encryption.crt");
        assertThatThrownBy(() -> AgreementKeys.check(p, certs(p), nl, "NL.p12")).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.detail()).containsPattern("DE.yaml:\\d+: field security.certificates.signing names").contains("names DE-signing-ec-p384.crt, which holds "
                    + "an EC P-384 key, but field security.signature ECDSA_SHA256 needs an EC P-256 key");
        });
    }

    @Test
    void missingOwnKeysOfTheAgreedKindAreAConfigurationErrorNamingTheAlias() throws Exception {
        // a production keystore with only the RSA entries
        OwnKeys rsaOnly = new OwnKeys(nl.signingKey(), nl.signingCertificate(), nl.encryptionKey(), nl.encryptionCertificate());
        Partner ecdsa = de("ECDSA_SHA256", "RSA_OAEP_11", "DE-signing-ec-p256.crt", "DE-encryption.crt");
        assertThatThrownBy(() -> AgreementKeys.check(ecdsa, certs(ecdsa), rsaOnly, "/keys/NL.p12"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.detail()).contains("DE.yaml: field security.signature ECDSA_SHA256 needs our EC P-256 signing key, "
                            + "but keystore /keys/NL.p12 has no entry 'signing-ec-p256'");
                });
        Partner ecdh = de("RSA_SHA256", "ECDH_ES_KW_AES128", "DE-signing.crt", "DE-encryption-ec-p256.crt");
        assertThatThrownBy(() -> AgreementKeys.check(ecdh, certs(ecdh), rsaOnly, "/keys/NL.p12"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.detail()).contains("DE.yaml: field security.keyTransport ECDH_ES_KW_AES128 needs our EC P-256 or "
                            + "EC P-384 encryption key, but keystore /keys/NL.p12 has no entry 'encryption-ec-p256'");
                });
    }

    @Test
    void weakAlgorithmNamesInTheAgreementFileAreRejectedWhenLoading() throws Exception {
        for (String[] weak : new String[][] {{"  signature: RSA_SHA256\n", "  signature: RSA_SHA1\n", "security.signature"},
                {"  digest: SHA256\n", "  digest: SHA1\n", "security.digest"},
                {"  content: AES256_GCM\n", "  content: AES256_CBC\n", "security.content"},
                {"  keyTransport: RSA_OAEP_MGF1P\n", "  keyTransport: RSA_1_5\n", "security.keyTransport"}}) {
            Path policies = Files.createDirectories(dir.resolve("weak-" + weak[2]));
            Files.writeString(policies.resolve("DE.yaml"), Files.readString(Path.of("policies/partners/DE.yaml")).replace(weak[0], weak[1]));
            assertThatThrownBy(() -> PartnerRegistry.load(policies, "NL", k -> null)).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(e.detail()).containsPattern("DE.yaml:\\d+: field " + java.util.regex.Pattern.quote(weak[2]));
            });
        }
    }
}
