package org.cmag.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cmag.crypto.ContentEncryptionAlgorithm;
import org.cmag.crypto.DigestAlgorithm;
import org.cmag.crypto.KeyTransportAlgorithm;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.SignatureAlgorithm;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PartnerRegistryTest {
    private static final Function<String, String> NO_OVERRIDES = k -> null;

    @TempDir
    Path dir;

    /** A complete, valid agreement; the broken-file cases each change one thing in it. */
    static String agreement(String id) {
        return """
                partner:
                  id: %s
                  name: Test administration %s
                  country: FR
                agreement:
                  id: AGR-%s
                  version: "3"
                  instruments:
                    - code: EU-REG-515-97
                      title: Regulation 515/97
                      articles: ["4", "5"]
                    - code: NAAPLES-II
                      title: Naples II convention
                  requestTypes: [INFORMATION, ENQUIRY]
                  retentionYears: 4
                channel:
                  type: soap
                  endpoint: http://127.0.0.1:1/rest
                  soapEndpoint: http://127.0.0.1:1/soap
                security:
                  signature: RSA_SHA512
                  digest: SHA512
                  content: AES128_GCM
                  keyTransport: RSA_OAEP_11
                  certificates:
                    signing: %s-signing.crt
                    encryption: %s-encryption.crt
                handling:
                  confidentialityClass: OFFICIAL
                  onwardTransfer: NONE
                  evidenceUse: INTELLIGENCE_ONLY
                """.formatted(id, id, id, id, id);
    }

    private Path write(String fileName, String yaml) throws IOException {
        Path f = dir.resolve(fileName);
        Files.writeString(f, yaml, StandardCharsets.UTF_8);
        return f;
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static GatewayException configError(Runnable r) {
        GatewayException e = catchThrowableOfType(GatewayException.class, r::run);
        assertThat(e).as("expected a configuration error").isNotNull();
        assertThat(e.errorCode()).as(e.detail()).isEqualTo(ErrorCode.CONFIGURATION);
        return e;
    }

    @Test
    void aBillionLaughsAgreementFileFailsCleanlyOnTheAliasLimit() throws IOException {
        StringBuilder yaml = new StringBuilder(agreement("FR")).append("lol:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            yaml.append("  ").append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            yaml.append("]\n");
            prev = c;
        }
        write("FR.yaml", yaml.toString());
        long start = System.nanoTime();
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).contains("FR.yaml").contains("not valid YAML").containsIgnoringCase("alias");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
    }

    @Test
    void anOversizedAgreementFileFailsCleanlyOnTheCodePointLimit() throws IOException {
        write("FR.yaml", agreement("FR") + "padding: \"" + "x".repeat(PartnerRegistry.MAX_YAML_CODE_POINTS) + "\"\n");
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).contains("FR.yaml").contains("not valid YAML");
    }

    @Test
    void packagedRegistryOfNetherlandsHoldsGermanyButNotItself() {
        PartnerRegistry r = PartnerRegistry.load(null, "NL", NO_OVERRIDES);
        assertThat(r.all()).extracting(Partner::id).containsExactly("DE");
        assertThat(r.find("NL")).isEmpty();
        assertThat(r.find("DE")).isPresent();
    }

    @Test
    void packagedRegistryOfGermanyHoldsNetherlandsButNotItself() {
        PartnerRegistry r = PartnerRegistry.load(null, "DE", NO_OVERRIDES);
        assertThat(r.all()).extracting(Partner::id).containsExactly("NL");
        assertThat(r.find("DE")).isEmpty();
    }

    @Test
    void policyDigestIsSha256OfTheAgreementFileBytes() throws Exception {
        Partner de = PartnerRegistry.load(null, "NL", NO_OVERRIDES).require("DE", ErrorCode.UNKNOWN_PARTNER);
        String expected = sha256Hex(Files.readAllBytes(Path.of("policies/partners/DE.yaml")));
        assertThat(de.policyDigest()).isEqualTo(expected).hasSize(64);
        Partner nl = PartnerRegistry.load(null, "DE", NO_OVERRIDES).require("NL", ErrorCode.UNKNOWN_PARTNER);
        assertThat(nl.policyDigest()).isEqualTo(sha256Hex(Files.readAllBytes(Path.of("policies/partners/NL.yaml"))));
    }

    @Test
    void policyDigestChangesWithAnyByteOfTheFile() throws Exception {
        write("FR.yaml", agreement("FR"));
        String before = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER).policyDigest();
        write("FR.yaml", agreement("FR") + "# comment\n");
        Partner after = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(after.policyDigest()).isNotEqualTo(before)
                .isEqualTo(sha256Hex(Files.readAllBytes(dir.resolve("FR.yaml"))));
    }

    @Test
    void compilesEveryFieldOfAnAgreementFile() throws IOException {
        Path file = write("FR.yaml", agreement("FR"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(p.name()).isEqualTo("Test administration FR");
        assertThat(p.country()).isEqualTo("FR");
        assertThat(p.agreementId()).isEqualTo("AGR-FR");
        assertThat(p.agreementVersion()).isEqualTo("3");
        assertThat(p.source()).isEqualTo(file.toString());
        assertThat(p.instruments()).extracting(Partner.Instrument::code).containsExactly("EU-REG-515-97", "NAAPLES-II");
        assertThat(p.requestTypes()).containsExactlyInAnyOrder("INFORMATION", "ENQUIRY");
        assertThat(p.retentionYears()).isEqualTo(4);
        assertThat(p.channel()).isEqualTo(Partner.Channel.SOAP);
        assertThat(p.restEndpoint()).isEqualTo("http://127.0.0.1:1/rest");
        assertThat(p.soapEndpoint()).isEqualTo("http://127.0.0.1:1/soap");
        assertThat(p.security()).isEqualTo(new SecurityProfile(SignatureAlgorithm.RSA_SHA512, DigestAlgorithm.SHA512,
                ContentEncryptionAlgorithm.AES128_GCM, KeyTransportAlgorithm.RSA_OAEP_11));
        assertThat(p.signingCertificateFile()).isEqualTo("FR-signing.crt");
        assertThat(p.encryptionCertificateFile()).isEqualTo("FR-encryption.crt");
        assertThat(p.handling()).isEqualTo(new Partner.Handling("OFFICIAL", "NONE", "INTELLIGENCE_ONLY"));
        assertThat(p.outboundQueue("gw.outbound.")).isEqualTo("gw.outbound.FR");
    }

    @Test
    void overridesReplaceChannelAndEndpoints() throws IOException {
        write("FR.yaml", agreement("FR"));
        Map<String, String> cfg = Map.of(
                "gateway.partner.FR.channel", "rest",
                "gateway.partner.FR.endpoint", "https://fr.example/api",
                "gateway.partner.FR.soap-endpoint", "https://fr.example/soap");
        Partner p = PartnerRegistry.load(dir, "NL", cfg::get).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(p.channel()).isEqualTo(Partner.Channel.REST);
        assertThat(p.restEndpoint()).isEqualTo("https://fr.example/api");
        assertThat(p.soapEndpoint()).isEqualTo("https://fr.example/soap");
    }

    @Test
    void overridesApplyToPackagedPoliciesByPartnerId() {
        Map<String, String> cfg = Map.of("gateway.partner.DE.channel", "SOAP", "gateway.partner.DE.endpoint", "http://de.test:1");
        Partner de = PartnerRegistry.load(null, "NL", cfg::get).require("DE", ErrorCode.UNKNOWN_PARTNER);
        assertThat(de.channel()).isEqualTo(Partner.Channel.SOAP);
        assertThat(de.restEndpoint()).isEqualTo("http://de.test:1");
        Partner plain = PartnerRegistry.load(null, "NL", NO_OVERRIDES).require("DE", ErrorCode.UNKNOWN_PARTNER);
        assertThat(plain.restEndpoint()).isNotEqualTo("http://de.test:1");
    }

    @Test
    void overrideWithUnknownChannelIsRejected() throws IOException {
        write("FR.yaml", agreement("FR"));
        Map<String, String> cfg = Map.of("gateway.partner.FR.channel", "ftp");
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", cfg::get));
        assertThat(e.detail()).contains("channel.type").contains("ftp");
    }

    @Test
    void permitsLegalBasisOnlyForListedInstrumentsAndArticles() throws IOException {
        write("FR.yaml", agreement("FR"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(p.permitsLegalBasis("EU-REG-515-97", "4")).isTrue();
        assertThat(p.permitsLegalBasis("EU-REG-515-97", "5")).isTrue();
        assertThat(p.permitsLegalBasis("EU-REG-515-97", null)).isTrue();
        assertThat(p.permitsLegalBasis("EU-REG-515-97", "6")).isFalse();
        assertThat(p.permitsLegalBasis("NAAPLES-II", "99")).as("instrument without article list").isTrue();
        assertThat(p.permitsLegalBasis("EU-REG-999", null)).isFalse();
        assertThat(p.permitsLegalBasis("eu-reg-515-97", "4")).isFalse();
    }

    @Test
    void skipsOwnAgreementEvenInAnExternalDirectory() throws IOException {
        write("FR.yaml", agreement("FR"));
        write("NL.yaml", agreement("NL"));
        assertThat(PartnerRegistry.load(dir, "NL", NO_OVERRIDES).all()).extracting(Partner::id).containsExactly("FR");
    }

    @Test
    void readsOnlyYamlFiles() throws IOException {
        write("FR.yaml", agreement("FR"));
        write("BE.yml.bak", "not: [valid");
        write("README.txt", "- not a mapping");
        assertThat(PartnerRegistry.load(dir, "NL", NO_OVERRIDES).all()).extracting(Partner::id).containsExactly("FR");
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"UNKNOWN_PARTNER", "UNKNOWN_SENDER", "WRONG_RECEIVER"})
    void requireOfUnknownPartnerThrowsTheCodePassedIn(ErrorCode code) {
        PartnerRegistry r = PartnerRegistry.load(null, "NL", NO_OVERRIDES);
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> r.require("XX", code));
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.detail()).contains("XX");
        assertThat(catchThrowableOfType(GatewayException.class, () -> r.require(null, code)).errorCode()).isEqualTo(code);
        assertThat(catchThrowableOfType(GatewayException.class, () -> r.require("NL", code)).errorCode())
                .as("own administration is not a partner").isEqualTo(code);
    }

    @Test
    void rejectsMissingPoliciesDirectory() {
        GatewayException e = configError(() -> PartnerRegistry.load(dir.resolve("nope"), "NL", NO_OVERRIDES));
        assertThat(e.detail()).contains("nope");
    }

    /** One broken agreement file each: its YAML, and what the message must name besides the file. */
    static Stream<Arguments> brokenFiles() {
        String ok = agreement("FR");
        return Stream.of(
                Arguments.of("missing partner.id", ok.replace("  id: FR\n", ""), "partner.id"),
                Arguments.of("lower-case partner.id", ok.replace("  id: FR\n", "  id: fr\n"), "partner.id"),
                Arguments.of("unknown request type", ok.replace("[INFORMATION, ENQUIRY]", "[INFORMATION, GOSSIP]"),
                        "agreement.requestTypes"),
                Arguments.of("unknown signature algorithm", ok.replace("signature: RSA_SHA512", "signature: RSA_SHA1"),
                        "security.signature"),
                Arguments.of("unknown digest", ok.replace("digest: SHA512", "digest: MD5"), "security.digest"),
                Arguments.of("unknown content cipher", ok.replace("content: AES128_GCM", "content: AES256_CBC"), "security.content"),
                Arguments.of("channel type not rest/soap", ok.replace("type: soap", "type: ftp"), "channel.type"),
                Arguments.of("missing channel type", ok.replace("  type: soap\n", ""), "channel.type"),
                Arguments.of("empty instruments list", ok.replaceAll("(?s)  instruments:\n.*?(  requestTypes)", "  instruments: []\n$1"),
                        "agreement.instruments"),
                Arguments.of("instruments not a list", ok.replaceAll("(?s)  instruments:\n.*?(  requestTypes)", "  instruments: EU\n$1"),
                        "agreement.instruments"),
                Arguments.of("instrument without code", ok.replace("    - code: NAAPLES-II\n      title", "    - title"), "code"),
                Arguments.of("retention not a number", ok.replace("retentionYears: 4", "retentionYears: four"),
                        "agreement.retentionYears"),
                Arguments.of("unknown handling label", ok.replace("onwardTransfer: NONE", "onwardTransfer: ANYONE"),
                        "handling.onwardTransfer"),
                Arguments.of("missing encryption certificate", ok.replace("    encryption: FR-encryption.crt\n", ""),
                        "security.certificates.encryption"),
                Arguments.of("section is a scalar", ok.replaceAll("(?s)handling:\n.*", "handling: CONFIDENTIAL\n"),
                        "handling.confidentialityClass"),
                Arguments.of("not a mapping", "- DE\n- NL\n", "mapping"),
                Arguments.of("empty file", "", "mapping"),
                Arguments.of("not valid YAML", ok.replace("requestTypes: [INFORMATION, ENQUIRY]", "requestTypes: [INFORMATION"), "YAML"),
                Arguments.of("duplicate key", ok + "partner:\n  id: BE\n", "YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void rejectsBrokenAgreementNamingFileAndField(String name, String yaml, String field) throws IOException {
        assertThat(yaml).as("the case must change the template").isNotEqualTo(agreement("FR"));
        write("FR.yaml", yaml);
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).contains("FR.yaml").contains(field);
    }

    @Test
    void rejectsSamePartnerIdInTwoFilesNamingTheSecondFile() throws IOException {
        write("FR-a.yaml", agreement("FR"));
        write("FR-b.yaml", agreement("FR"));
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).contains("FR-b.yaml").contains("partner.id").contains("FR");
    }

    @Test
    void brokenOwnAgreementStillStopsTheLoad() throws IOException {
        write("FR.yaml", agreement("FR"));
        write("NL.yaml", agreement("NL").replace("signature: RSA_SHA512", "signature: NONE"));
        assertThat(configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES)).detail()).contains("NL.yaml");
    }

    @Test
    void everyAllowedSignatureAlgorithmCompiles() throws IOException {
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            write("FR.yaml", agreement("FR").replace("signature: RSA_SHA512", "signature: " + a.name()));
            Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
            assertThat(p.security().signature()).isEqualTo(a);
        }
    }
}
