package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cmag.crypto.DevCertificates;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.pki.PkiFixture;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKI with two real gateways (NL, DE) sharing a development PKI on a clock the test moves: key rotation with
 * overlapping certificates, revocation by the CA's CRL on both directions, expiry warnings in /health, and trust
 * anchors checked at start-up.
 */
class PkiGatewaysTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private static byte[] example() {
        try (InputStream in = PkiGatewaysTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRotatedKeyIsAcceptedDuringTheOverlapAndRejectedAfterItsNotAfterWhileTheSenderSwitchesToTheNewestKey() throws Exception {
        PkiFixture.MovableClock clock = new PkiFixture.MovableClock(Instant.now());
        PkiFixture pki = new PkiFixture(root.resolve("pki"), clock, "NL", "DE");
        // NL's old signing key: ends in 10 days; NL's next key: valid from day 5, in NL's keystore as signing-next
        DevCertificates.Issued old = pki.issue("NL-signing-old.crt", "CMAG NL signing (old)", DevCertificates.Usage.SIGNING,
                Duration.ofDays(-300), Duration.ofDays(10));
        DevCertificates.Issued next = pki.issue("NL-signing-next.crt", "CMAG NL signing (next)", DevCertificates.Usage.SIGNING,
                Duration.ofDays(5), Duration.ofDays(700));
        DevCertificates.addKeyEntry(pki.pki.resolve("NL.p12"), PkiFixture.PASSWORD, "signing-next", next, pki.ca().certificate());
        // DE registers all three of NL's signing certificates (NL.yaml is read by DE)
        String nl = PkiFixture.packaged("NL").replace("    signing: NL-signing.crt\n",
                "    signing: [ { alias: NL-signing-old.crt }, NL-signing.crt, { alias: NL-signing-next.crt } ]\n");
        Path policies = PkiFixture.policies(root, PkiFixture.packaged("DE"), nl);

        try (GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString()), clock).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            assertThat(pair.de().keys().partner("NL").signingCertificates()).hasSize(3);
            // DE's health lists NL's old certificate as expiring within 30 days, and stays UP
            String health = get(pair.de().httpBase() + "/health");
            assertThat(health).contains("\"status\":\"UP\"").contains("partner NL signing certificate 'CN=CMAG NL signing (old),O=CMAG test,C=XX'")
                    .contains("expires at " + old.certificate().getNotAfter().toInstant() + ", in 9 day(s)");

            // day 0: NL signs with its current key; a partner still on the old key is accepted (overlap)
            assertThat(pair.nl().keys().own().signer(clock.instant()).alias()).isEqualTo("signing");
            deliver(pair, deNational);
            Sealing sealing = new Sealing(pair.nl(), clock);
            String oldId = post(pair, sealing, old);
            assertThat(deNational.receive(WAIT.toMillis())).as("old key accepted during the overlap").isNotNull();
            assertThat(pair.de().inbound().countRejections("certificate_expired")).isZero();

            // day 6: NL has switched to its newest valid key by itself; DE accepts it (selected by the KeyInfo reference)
            clock.advance(Duration.ofDays(6));
            assertThat(pair.nl().keys().own().signer(clock.instant()).alias()).isEqualTo("signing-next");
            deliver(pair, deNational);

            // day 11: the old key is past its notAfter: rejected, never handed to national systems; NL's messages still pass
            clock.advance(Duration.ofDays(5));
            String lateId = post(pair, new Sealing(pair.nl(), clock), old);
            await().atMost(WAIT).until(() -> pair.de().inbound().countRejections("certificate_expired"), n -> n == 1);
            assertThat(deNational.receive(500)).isNull();
            assertThat(pair.de().audit().forMessage(lateId)).filteredOn(r -> r.event().type().equals("message-rejected")).singleElement()
                    .satisfies(r -> assertThat(r.event().detail()).contains("NL's signing certificate 'CN=CMAG NL signing (old)")
                            .contains("expired at " + old.certificate().getNotAfter().toInstant()));
            assertThat(oldId).isNotEqualTo(lateId);
            deliver(pair, deNational);
            assertThat(get(pair.de().httpBase() + "/health")).contains("\"status\":\"UP\"")
                    .contains("partner NL signing certificate 'CN=CMAG NL signing (old),O=CMAG test,C=XX' (serial "
                            + old.certificate().getSerialNumber().toString(16) + ") expired at");
        }
    }

    @Test
    void aRevokedSigningCertificateIsRejectedInboundAndARevokedEncryptionCertificateRefusesOutboundBeforeSigning() throws Exception {
        PkiFixture.MovableClock clock = new PkiFixture.MovableClock(Instant.now());
        PkiFixture pki = new PkiFixture(root.resolve("pki"), clock, "NL", "DE");
        try (GatewayPair pair = new GatewayPair(root, Map.of(), clock).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            deliver(pair, deNational);

            // the CA revokes NL's signing certificate; DE re-reads the CRL after gateway.pki.revocation.recheck-seconds
            DevCertificates.revokeInDevCrl(pki.pki, PkiFixture.PASSWORD, pair.nl().keys().own().signingCertificate().getSerialNumber(),
                    clock.instant());
            clock.advance(Duration.ofMinutes(6));
            HttpResponse<String> sent = pair.submit(example());
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> pair.de().inbound().countRejections("certificate_revoked"), n -> n == 1);
            assertThat(deNational.receive(500)).as("never handed to national systems").isNull();
            assertThat(pair.de().audit().all()).filteredOn(r -> "certificate_revoked".equals(r.event().errorCode())).singleElement()
                    .satisfies(r -> assertThat(r.event().detail()).contains("NL's certificate 'CN=CMAG NL signing").contains("(CRL file:"));

            // the CA revokes DE's encryption certificate: NL refuses before anything is signed, recorded or queued
            DevCertificates.revokeInDevCrl(pki.pki, PkiFixture.PASSWORD, pair.nl().keys().partner("DE").encryptionCertificate().getSerialNumber(),
                    clock.instant());
            clock.advance(Duration.ofMinutes(6));
            int queued = pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED") + pair.nl().outbound().count("FAILED");
            HttpResponse<String> refused = pair.submit(example());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("\"code\":\"certificate_revoked\"").contains("DE's certificate 'CN=CMAG DE encryption")
                    .doesNotContain("Exception");
            assertThat(pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED") + pair.nl().outbound().count("FAILED"))
                    .isEqualTo(queued);
            List<AuditRecord> trail = pair.nl().audit().all();
            assertThat(trail.get(trail.size() - 1).event().errorCode()).isEqualTo("certificate_revoked");
            assertThat(trail.get(trail.size() - 1).event().type()).isEqualTo("submission-rejected");
        }
    }

    @Test
    void aPartnerCertificateFromAnotherCaStopsStartUpNamingFileLineAndField() {
        PkiFixture.MovableClock clock = new PkiFixture.MovableClock(Instant.now());
        PkiFixture pki = new PkiFixture(root.resolve("pki"), clock, "NL", "DE");
        Instant now = clock.instant();
        DevCertificates.Issued otherCa = DevCertificates.newCa("CN=Another CA, O=elsewhere, C=XX", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)));
        DevCertificates.writeCertificate(pki.pki.resolve("other-ca.crt"), otherCa.certificate());
        // NL.yaml (read by DE) names another CA as NL's trust anchor: NL's development certificates do not chain to it
        Path policies = PkiFixture.policies(root, PkiFixture.packaged("DE"),
                PkiFixture.packaged("NL").replace("  trustAnchors: [ca.crt]\n", "  trustAnchors: [other-ca.crt]\n"));
        Path nlFile = policies.resolve("NL.yaml");
        GatewayPair pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString()), clock);
        try {
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> pair.start(Partner.Channel.REST));
            assertThat(e).as("start-up must fail").isNotNull();
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.detail()).startsWith(nlFile + ":" + PkiFixture.lineOf(nlFile, "signing: NL-signing.crt")
                    + ": field security.certificates.signing names certificate 'NL-signing.crt' (CN=CMAG NL signing,O=CMAG development,C=NL, "
                    + "issued by CN=CMAG development CA,O=CMAG development,C=XX), which does not chain to the partner's trust anchors [other-ca.crt]");
            assertThat(pair.de()).as("DE did not start").isNull();
        } finally {
            pair.close();
        }
    }

    /** NL submits a request; DE hands it to national systems. */
    private static void deliver(GatewayPair pair, NationalQueue deNational) {
        HttpResponse<String> r = pair.submit(example());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(deNational.receive(WAIT.toMillis())).as("delivered to DE's national systems").isNotNull();
    }

    /** Seals a request as NL would, signed with {@code signer}, and posts it to DE; returns its message id. */
    private static String post(GatewayPair pair, Sealing sealing, DevCertificates.Issued signer) {
        ExchangeMessageType message = sealing.message(example());
        HttpResponse<String> r = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealing.serialize(sealing.seal(message, signer.key(), signer.certificate())).getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("transport acceptance: %s", r.body()).isEqualTo(200);
        return message.getHeader().getMessageID();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

}
