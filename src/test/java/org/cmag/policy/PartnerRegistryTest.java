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
                  validFrom: 2024-01-01
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
                  trustAnchors: [ca.crt]
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
        assertThat(r.all()).extracting(Partner::id).containsExactly("DE", "GB");
        assertThat(r.find("NL")).isEmpty();
        assertThat(r.find("DE")).isPresent();
    }

    @Test
    void packagedRegistryOfGermanyHoldsNetherlandsButNotItself() {
        PartnerRegistry r = PartnerRegistry.load(null, "DE", NO_OVERRIDES);
        assertThat(r.all()).extracting(Partner::id).containsExactly("GB", "NL");
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
    void withoutMessageTypesEveryTypeIsPermittedBothWaysAndTheAgreementIsOpenEnded() throws IOException {
        write("FR.yaml", agreement("FR"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        java.util.Set<String> all = java.util.Arrays.stream(org.cmag.exchange.v1.MessageTypeCode.values())
                .map(org.cmag.exchange.v1.MessageTypeCode::value).collect(java.util.stream.Collectors.toSet());
        assertThat(p.outboundMessageTypes()).isEqualTo(all).hasSize(16);
        assertThat(p.inboundMessageTypes()).isEqualTo(all);
        assertThat(p.validFrom()).isEqualTo(java.time.LocalDate.of(2024, 1, 1));
        assertThat(p.validUntil()).isNull();
        assertThat(p.inForce(java.time.LocalDate.of(2023, 12, 31))).isFalse();
        assertThat(p.inForce(java.time.LocalDate.of(2024, 1, 1))).isTrue();
        assertThat(p.inForce(java.time.LocalDate.of(2099, 1, 1))).isTrue();
        assertThat(p.signingCertificate().sha256()).isNull();
    }

    @Test
    void compilesValidityMessageTypesPerDirectionAndPinnedCertificates() throws IOException {
        Path file = write("FR.yaml", agreement("FR")
                .replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2024-06-30\n")
                .replace("  retentionYears: 4\n", "  retentionYears: 4\n  messageTypes:\n    outbound: [AssistanceRequest, Reminder]\n"
                        + "    inbound: [RequestAcknowledgement, FinalResponse, Refusal]\n")
                .replace("signing: FR-signing.crt", "signing: { alias: FR-sign.pem, sha256: \"AB:" + "CD:".repeat(30) + "EF\" }"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(p.validUntil()).isEqualTo(java.time.LocalDate.of(2024, 6, 30));
        assertThat(p.inForce(java.time.LocalDate.of(2024, 6, 30))).as("validUntil is the last day in force").isTrue();
        assertThat(p.inForce(java.time.LocalDate.of(2024, 7, 1))).isFalse();
        assertThat(p.outboundMessageTypes()).containsExactlyInAnyOrder("ASSISTANCE_REQUEST", "REMINDER");
        assertThat(p.inboundMessageTypes()).containsExactlyInAnyOrder("REQUEST_ACKNOWLEDGEMENT", "FINAL_RESPONSE", "REFUSAL");
        assertThat(p.signingCertificate()).isEqualTo(new Partner.CertificateRef("FR-sign.pem", "ab" + "cd".repeat(30) + "ef",
                file + ":31", "security.certificates.signing"));
        assertThat(p.signingCertificateFile()).isEqualTo("FR-sign.pem");
        assertThat(p.encryptionCertificate()).isEqualTo(new Partner.CertificateRef("FR-encryption.crt", null, file + ":32",
                "security.certificates.encryption"));
    }

    @Test
    void agreementTermsRefuseOutsideThePeriodAndTypesOutsideTheDirection() throws IOException {
        write("FR.yaml", agreement("FR")
                .replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2024-06-30\n")
                .replace("  retentionYears: 4\n", "  retentionYears: 4\n  messageTypes:\n    outbound: [AssistanceRequest]\n"
                        + "    inbound: [FinalResponse]\n"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        java.time.Instant inForce = java.time.Instant.parse("2024-06-30T23:59:59Z");
        AgreementTerms.requireOutbound(p, "ASSISTANCE_REQUEST", inForce);
        AgreementTerms.requireInbound(p, "FINAL_RESPONSE", inForce);
        GatewayException early = catchThrowableOfType(GatewayException.class,
                () -> AgreementTerms.requireOutbound(p, "ASSISTANCE_REQUEST", java.time.Instant.parse("2023-12-31T23:59:59Z")));
        assertThat(early.errorCode()).isEqualTo(ErrorCode.AGREEMENT_NOT_IN_FORCE);
        assertThat(early.detail()).isEqualTo("Agreement AGR-FR with FR is not in force on 2023-12-31 (valid from 2024-01-01 until 2024-06-30)");
        GatewayException late = catchThrowableOfType(GatewayException.class,
                () -> AgreementTerms.requireInbound(p, "FINAL_RESPONSE", java.time.Instant.parse("2024-07-01T00:00:00Z")));
        assertThat(late.errorCode()).isEqualTo(ErrorCode.AGREEMENT_NOT_IN_FORCE);
        GatewayException out = catchThrowableOfType(GatewayException.class, () -> AgreementTerms.requireOutbound(p, "FINAL_RESPONSE", inForce));
        assertThat(out.errorCode()).isEqualTo(ErrorCode.MESSAGE_TYPE_NOT_PERMITTED);
        assertThat(out.detail()).isEqualTo("Agreement AGR-FR does not permit sending FinalResponse to FR; outbound: [AssistanceRequest]");
        GatewayException in = catchThrowableOfType(GatewayException.class, () -> AgreementTerms.requireInbound(p, "ASSISTANCE_REQUEST", inForce));
        assertThat(in.errorCode()).isEqualTo(ErrorCode.MESSAGE_TYPE_NOT_PERMITTED);
        assertThat(in.detail()).contains("does not permit AssistanceRequest from FR; inbound: [FinalResponse]");
    }

    @Test
    void shippedAgreementsAreInForceAndPermitTheirMessageTypesBothWays() {
        for (String own : new String[] {"NL", "DE"}) {
            for (Partner p : PartnerRegistry.load(null, own, NO_OVERRIDES).all()) {
                assertThat(p.inForce(java.time.LocalDate.now(java.time.ZoneOffset.UTC))).isTrue();
                // the EU agreements permit all 16 types both ways; the UK protocol has no forwarding notices
                int types = p.id().equals("GB") ? 15 : 16;
                assertThat(p.outboundMessageTypes()).hasSize(types);
                assertThat(p.inboundMessageTypes()).hasSize(types);
            }
        }
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

    /**
     * One broken agreement file each: its YAML, the line the error must name, and the field it must name. Lines of the
     * template: partner 1, id 2, agreement 5, validFrom 8, instruments 9 (items at 10 and 13), requestTypes 15,
     * retentionYears 16, channel 17, type 18, security 21, signature 22, digest 23, content 24, certificates 26,
     * signing 27, encryption 28, trustAnchors 29, handling 30, onwardTransfer 32; anything appended starts at 34.
     */
    @Test
    void readsRotatedCertificatesTrustAnchorsAndRevocationSettings() throws IOException {
        Path file = write("FR.yaml", agreement("FR").replace("signing: FR-signing.crt",
                "signing: [ FR-signing-2026.crt, { alias: FR-signing-2027.crt, sha256: \"" + "ab".repeat(32) + "\" } ]")
                .replace("  trustAnchors: [ca.crt]\n", "  trustAnchors: [FR-root.crt, { alias: FR-ca2.crt }]\n  revocation:\n"
                        + "    crls: [FR-root.crl]\n    distributionPoints: false\n    ocsp: http://ocsp.example:8080/fr\n"
                        + "    onUnavailable: accept-with-warning\n"));
        Partner p = PartnerRegistry.load(dir, "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(p.signingCertificates()).extracting(Partner.CertificateRef::alias).containsExactly("FR-signing-2026.crt", "FR-signing-2027.crt");
        assertThat(p.signingCertificates().get(1).sha256()).isEqualTo("ab".repeat(32));
        assertThat(p.signingCertificates().get(1).field()).isEqualTo("security.certificates.signing[1]");
        assertThat(p.signingCertificate().alias()).isEqualTo("FR-signing-2026.crt");
        assertThat(p.trustAnchors()).extracting(Partner.CertificateRef::alias).containsExactly("FR-root.crt", "FR-ca2.crt");
        assertThat(p.revocation()).isEqualTo(new org.cmag.crypto.RevocationSettings(java.util.List.of("FR-root.crl"), false,
                java.net.URI.create("http://ocsp.example:8080/fr"), org.cmag.crypto.RevocationSettings.OnUnavailable.ACCEPT_WITH_WARNING));
        assertThat(file).exists();
        Partner defaults = PartnerRegistry.load(write2("FR2", agreement("FR")), "NL", NO_OVERRIDES).require("FR", ErrorCode.UNKNOWN_PARTNER);
        assertThat(defaults.revocation()).isEqualTo(org.cmag.crypto.RevocationSettings.DEFAULT);
    }

    private Path write2(String sub, String yaml) throws IOException {
        Path d = Files.createDirectories(dir.resolve(sub));
        Files.writeString(d.resolve("FR.yaml"), yaml, StandardCharsets.UTF_8);
        return d;
    }

    static Stream<Arguments> brokenFiles() {
        String ok = agreement("FR");
        String messageTypes = "  retentionYears: 4\n  messageTypes:\n    outbound: [AssistanceRequest, Gossip]\n    inbound: [FinalResponse]\n";
        return Stream.of(
                Arguments.of("missing partner.id", ok.replace("  id: FR\n", ""), 1, "field partner.id is missing"),
                Arguments.of("lower-case partner.id", ok.replace("  id: FR\n", "  id: fr\n"), 2, "field partner.id 'fr'"),
                Arguments.of("unknown request type", ok.replace("[INFORMATION, ENQUIRY]", "[INFORMATION, GOSSIP]"), 15,
                        "field agreement.requestTypes[1] is the unknown request type 'GOSSIP'"),
                Arguments.of("unknown signature algorithm", ok.replace("signature: RSA_SHA512", "signature: RSA_SHA1"), 22,
                        "field security.signature is 'RSA_SHA1'; allowed: ["),
                Arguments.of("unknown digest", ok.replace("digest: SHA512", "digest: MD5"), 23, "field security.digest is 'MD5'"),
                Arguments.of("unknown content cipher", ok.replace("content: AES128_GCM", "content: AES256_CBC"), 24,
                        "field security.content is 'AES256_CBC'"),
                Arguments.of("channel type not rest/soap", ok.replace("type: soap", "type: ftp"), 18, "field channel.type is 'ftp'"),
                Arguments.of("missing channel type", ok.replace("  type: soap\n", ""), 17, "field channel.type is missing"),
                Arguments.of("empty instruments list", ok.replaceAll("(?s)  instruments:\n.*?(  requestTypes)", "  instruments: []\n$1"), 9,
                        "field agreement.instruments must name at least one legal instrument"),
                Arguments.of("instruments not a list", ok.replaceAll("(?s)  instruments:\n.*?(  requestTypes)", "  instruments: EU\n$1"), 9,
                        "field agreement.instruments must be a list"),
                Arguments.of("instrument without code", ok.replace("    - code: NAAPLES-II\n      title", "    - title"), 13,
                        "field agreement.instruments[1].code is missing"),
                Arguments.of("retention not a number", ok.replace("retentionYears: 4", "retentionYears: four"), 16,
                        "field agreement.retentionYears must be a whole number"),
                Arguments.of("unknown handling label", ok.replace("onwardTransfer: NONE", "onwardTransfer: ANYONE"), 32,
                        "field handling.onwardTransfer is 'ANYONE'"),
                Arguments.of("unknown caveat", ok + "  caveats: [NO_ONWARD, TOP_SECRET]\n", 34,
                        "field handling.caveats[1] is 'TOP_SECRET'; known caveats: ["),
                Arguments.of("embargo without a date", ok + "  caveats: [EMBARGO_UNTIL:soon]\n", 34,
                        "field handling.caveats[0] is 'EMBARGO_UNTIL:soon'; EMBARGO_UNTIL needs an ISO date"),
                Arguments.of("caveat twice", ok + "  caveats: [NO_ONWARD, NO_ONWARD]\n", 34, "field handling.caveats[1] names NO_ONWARD twice"),
                Arguments.of("missing encryption certificate", ok.replace("    encryption: FR-encryption.crt\n", ""), 26,
                        "field security.certificates.encryption is missing"),
                Arguments.of("section is a scalar", ok.replaceAll("(?s)handling:\n.*", "handling: CONFIDENTIAL\n"), 30,
                        "field handling.confidentialityClass is missing"),
                Arguments.of("missing validFrom", ok.replace("  validFrom: 2024-01-01\n", ""), 5, "field agreement.validFrom is missing"),
                Arguments.of("validFrom not a date", ok.replace("validFrom: 2024-01-01", "validFrom: 2024-13-01"), 8,
                        "field agreement.validFrom is '2024-13-01', not an ISO date"),
                Arguments.of("validUntil before validFrom", ok.replace("  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: 2023-12-31\n"),
                        9, "field agreement.validUntil is 2023-12-31, before agreement.validFrom 2024-01-01"),
                Arguments.of("unknown message type", ok.replace("  retentionYears: 4\n", messageTypes), 18,
                        "field agreement.messageTypes.outbound[1] is the unknown message type 'Gossip'; known: [AssistanceRequest,"),
                Arguments.of("header code instead of element name", ok.replace("  retentionYears: 4\n",
                        messageTypes.replace("Gossip", "FINAL_RESPONSE")), 18, "field agreement.messageTypes.outbound[1] is the unknown"),
                Arguments.of("message types without inbound", ok.replace("  retentionYears: 4\n",
                        messageTypes.replace("    inbound: [FinalResponse]\n", "").replace(", Gossip", "")), 17,
                        "field agreement.messageTypes.inbound must be a list"),
                Arguments.of("message types with an unknown direction", ok.replace("  retentionYears: 4\n",
                        messageTypes.replace(", Gossip", "") + "    sideways: [Refusal]\n"), 20,
                        "field agreement.messageTypes.sideways is not a direction"),
                Arguments.of("fingerprint not hex", ok.replace("signing: FR-signing.crt", "signing: { alias: FR-signing.crt, sha256: \"XY:12\" }"),
                        27, "field security.certificates.signing.sha256 'XY:12' is not a SHA-256 fingerprint"),
                Arguments.of("certificate without alias", ok.replace("signing: FR-signing.crt", "signing: { sha256: \"ab\" }"), 27,
                        "field security.certificates.signing.alias is missing"),
                Arguments.of("certificate alias is a path", ok.replace("signing: FR-signing.crt", "signing: ../../etc/FR.crt"), 27,
                        "field security.certificates.signing '../../etc/FR.crt' must be a certificate name"),
                Arguments.of("bad deadline", ok.replace("  retentionYears: 4\n", "  retentionYears: 4\n  deadlines:\n    ENQUIRY: 90 days\n"), 18,
                        "field agreement.deadlines.ENQUIRY is '90 days'"),
                Arguments.of("field rule with unknown action", ok + "fieldRules:\n  default:\n    - { path: \"Declaration/ID\", action: keep }\n"
                        + "    - { path: \"Declaration/FunctionCode\", action: shred }\n", 37,
                        "field fieldRules.default[1].action 'shred' is not one of"),
                Arguments.of("field rule for an unknown request type", ok + "fieldRules:\n  default: []\n  GOSSIP: []\n", 36,
                        "field fieldRules.GOSSIP is not a request type"),
                Arguments.of("not a mapping", "- DE\n- NL\n", 1, "expected a mapping at the top level"),
                Arguments.of("empty file", "", 1, "expected a mapping at the top level"),
                Arguments.of("not valid YAML", ok.replace("requestTypes: [INFORMATION, ENQUIRY]", "requestTypes: [INFORMATION"), 16,
                        "not valid YAML"),
                Arguments.of("duplicate key", ok + "partner:\n  id: BE\n", 34, "not valid YAML"),
                Arguments.of("missing trust anchors", ok.replace("  trustAnchors: [ca.crt]\n", ""), 21,
                        "field security.trustAnchors is missing"),
                Arguments.of("empty certificate list", ok.replace("signing: FR-signing.crt", "signing: []"), 27,
                        "field security.certificates.signing must name at least one certificate"),
                Arguments.of("rotated certificate without alias", ok.replace("signing: FR-signing.crt",
                        "signing:\n      - FR-signing.crt\n      - { sha256: \"ab\" }"), 29, "field security.certificates.signing[1].alias is missing"),
                Arguments.of("certificate listed twice", ok.replace("signing: FR-signing.crt", "signing: [FR-a.crt, FR-a.crt]"), 27,
                        "field security.certificates.signing[1] names 'FR-a.crt' twice"),
                Arguments.of("unknown revocation setting", ok.replace("  trustAnchors: [ca.crt]\n",
                        "  trustAnchors: [ca.crt]\n  revocation:\n    crl: [x.crl]\n"), 31, "field security.revocation.crl is not a revocation setting"),
                Arguments.of("bad onUnavailable", ok.replace("  trustAnchors: [ca.crt]\n",
                        "  trustAnchors: [ca.crt]\n  revocation:\n    onUnavailable: ignore\n"), 31,
                        "field security.revocation.onUnavailable is 'ignore'; allowed: fail, accept-with-warning"),
                Arguments.of("bad OCSP responder", ok.replace("  trustAnchors: [ca.crt]\n",
                        "  trustAnchors: [ca.crt]\n  revocation:\n    ocsp: ldap://x\n"), 31,
                        "field security.revocation.ocsp is 'ldap://x'; allowed: none, aia or an http(s) responder URL"),
                Arguments.of("CRL is a path", ok.replace("  trustAnchors: [ca.crt]\n",
                        "  trustAnchors: [ca.crt]\n  revocation:\n    crls: [../x.crl]\n"), 31,
                        "field security.revocation.crls[0] '../x.crl' must be a CRL file name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void rejectsBrokenAgreementNamingFileLineAndField(String name, String yaml, int line, String message) throws IOException {
        assertThat(yaml).as("the case must change the template").isNotEqualTo(agreement("FR"));
        Path file = write("FR.yaml", yaml);
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).startsWith(file + ":" + line + ": ").contains(message);
    }

    @Test
    void rejectsSamePartnerIdInTwoFilesNamingTheSecondFile() throws IOException {
        write("FR-a.yaml", agreement("FR"));
        write("FR-b.yaml", agreement("FR"));
        GatewayException e = configError(() -> PartnerRegistry.load(dir, "NL", NO_OVERRIDES));
        assertThat(e.detail()).isEqualTo(dir.resolve("FR-b.yaml") + ":2: field partner.id FR is defined twice");
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
