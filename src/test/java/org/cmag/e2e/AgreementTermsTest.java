package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.AgreementTerms;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agreement's validity period, its message types per direction and its pinned certificates, enforced by two real
 * gateways reading agreement files from a test policies directory (gateway.policies.dir) on a clock the test moves.
 */
class AgreementTermsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private static String packaged(String id) throws IOException {
        try (InputStream in = AgreementTermsTest.class.getClassLoader().getResourceAsStream("policies/partners/" + id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] example() throws IOException {
        try (InputStream in = AgreementTermsTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            return in.readAllBytes();
        }
    }

    private static String edit(String yaml, String from, String to) {
        assertThat(yaml).as("the shipped file has '%s'", from).contains(from);
        return yaml.replace(from, to);
    }

    private Path policies(String de, String nl) throws IOException {
        Path dir = Files.createDirectories(root.resolve("policies"));
        Files.writeString(dir.resolve("DE.yaml"), de);
        Files.writeString(dir.resolve("NL.yaml"), nl);
        return dir;
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    @Test
    void outsideItsPeriodOrTypesTheAgreementRefusesOutboundBeforeSigningAndRejectsInbound() throws Exception {
        DeadlinesTest.MovableClock clock = new DeadlinesTest.MovableClock();
        LocalDate until = AgreementTerms.day(clock.instant()).plusDays(30);
        // NL sends no AssistanceRequest to DE (DE.yaml, read by NL) and DE accepts none from NL (NL.yaml, read by DE);
        // both agreements end in 30 days. DE's signing certificate is pinned by fingerprint (accepted at start-up).
        Path pki = root.resolve("pki");
        new DevPki(pki, clock, "changeit".toCharArray()).ensure(List.of("NL", "DE"));
        String deSigning = KeyRing.sha256(KeyStores.readPem(pki.resolve("DE-signing.crt")));
        String de = edit(packaged("DE"), "  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: " + until + "\n");
        de = edit(de, "    outbound: [AssistanceRequest, RequestAcknowledgement,", "    outbound: [RequestAcknowledgement,");
        de = edit(de, "    signing: DE-signing.crt\n", "    signing: { alias: DE-signing.crt, sha256: \"" + deSigning.toUpperCase().replaceAll("(..)(?!$)", "$1:")
                + "\" }\n");
        String nl = edit(packaged("NL"), "  validFrom: 2024-01-01\n", "  validFrom: 2024-01-01\n  validUntil: " + until + "\n");
        nl = edit(nl, "    inbound: [AssistanceRequest, RequestAcknowledgement,", "    inbound: [RequestAcknowledgement,");
        Path dir = policies(de, nl);

        try (GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", dir.toString()), clock).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            assertThat(pair.nl().registry().find("DE").orElseThrow().signingCertificate().sha256()).isEqualTo(deSigning);

            // in force, but NL may not send an AssistanceRequest to DE
            assertRefusedBeforeSigning(pair, "message_type_not_permitted", "does not permit sending AssistanceRequest to DE");
            // a request sealed as NL would (bypassing NL's gateway) is rejected by DE at check-agreement
            assertRejectedByDe(pair, deNational, new Sealing(pair.nl(), clock), "message_type_not_permitted",
                    "does not permit AssistanceRequest from NL");

            clock.advance(Duration.ofDays(31)); // the day after validUntil
            assertRefusedBeforeSigning(pair, "agreement_not_in_force", "is not in force on " + until.plusDays(1));
            assertRejectedByDe(pair, deNational, new Sealing(pair.nl(), clock), "agreement_not_in_force",
                    "Agreement EU-515-97-NL with NL is not in force on " + until.plusDays(1));
        }
    }

    private static void assertRefusedBeforeSigning(GatewayPair pair, String code, String detail) throws IOException {
        int before = pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED") + pair.nl().outbound().count("FAILED");
        HttpResponse<String> r = pair.submit(example());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("\"code\":\"" + code + "\"").contains(detail).doesNotContain("Exception");
        assertThat(pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED") + pair.nl().outbound().count("FAILED"))
                .as("nothing recorded or queued").isEqualTo(before);
        List<AuditRecord> all = pair.nl().audit().all();
        AuditRecord last = all.get(all.size() - 1);
        assertThat(last.event().type()).isEqualTo("submission-rejected");
        assertThat(last.event().errorCode()).isEqualTo(code);
        assertThat(all).noneMatch(rec -> rec.event().type().equals("message-sealed"));
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
    }

    private static void assertRejectedByDe(GatewayPair pair, NationalQueue deNational, Sealing sealing, String code, String detail) {
        ExchangeMessageType message = sealing.message(example0());
        String id = message.getHeader().getMessageID();
        int before = pair.de().inbound().countRejections(code);
        HttpResponse<String> r = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealing.serialize(sealing.seal(message)).getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("transport acceptance: %s", r.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> pair.de().inbound().countRejections(code), n -> n == before + 1);
        assertThat(deNational.receive(500)).as("never handed to national systems").isNull();
        List<AuditRecord> trail = pair.de().audit().forMessage(id);
        assertThat(trail).extracting(rec -> rec.event().type()).containsExactlyInAnyOrder("message-received", "message-rejected");
        assertThat(trail).filteredOn(rec -> rec.event().type().equals("message-rejected")).singleElement().satisfies(rec -> {
            assertThat(rec.event().errorCode()).isEqualTo(code);
            assertThat(rec.event().detail()).contains(detail);
        });
        assertThat(pair.de().cases().find(message.getHeader().getConversationID())).as("no case opened on DE").isEmpty();
    }

    private static byte[] example0() {
        try {
            return example();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCertificateAliasNotInTheKeyRingStopsStartUpNamingFileLineAndField() throws Exception {
        Path dir = policies(packaged("DE"), edit(packaged("NL"), "    signing: NL-signing.crt\n", "    signing: NL-old-signing.crt\n"));
        Path nlFile = dir.resolve("NL.yaml");
        GatewayException e = startFails(dir);
        assertThat(e.detail()).startsWith(nlFile + ":" + lineOf(nlFile, "signing: NL-old-signing.crt")
                + ": field security.certificates.signing names certificate 'NL-old-signing.crt', which is not in the key ring");
    }

    @Test
    void aCertificateWhoseFingerprintDiffersFromThePinStopsStartUpNamingFileLineAndField() throws Exception {
        String pin = "00".repeat(32);
        Path dir = policies(packaged("DE"), edit(packaged("NL"), "    encryption: NL-encryption.crt\n",
                "    encryption:\n      alias: NL-encryption.crt\n      sha256: " + pin + "\n"));
        Path nlFile = dir.resolve("NL.yaml");
        GatewayException e = startFails(dir);
        assertThat(e.detail()).startsWith(nlFile + ":" + lineOf(nlFile, "    encryption:")
                + ": field security.certificates.encryption pins SHA-256 " + pin + " but certificate 'NL-encryption.crt' (");
        String actual = KeyRing.sha256(KeyStores.readPem(root.resolve("pki").resolve("NL-encryption.crt")));
        assertThat(e.detail()).endsWith(" has " + actual);
    }

    /** DE starts first and reads NL.yaml: its start must fail with a configuration error, leaving nothing running. */
    private GatewayException startFails(Path policies) {
        GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString()));
        try {
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> pair.start(Partner.Channel.REST));
            assertThat(e).as("start-up must fail").isNotNull();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(pair.de()).as("DE did not start").isNull();
            return e;
        } finally {
            pair.close();
        }
    }
}
