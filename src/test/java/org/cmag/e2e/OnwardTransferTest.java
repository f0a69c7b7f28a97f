package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cmag.cases.CaseState;
import org.cmag.cli.Cli;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.DevPki;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.cmag.store.ReceivedDataRegister;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use limitation end to end (DOMAIN.md §8, §10), on two real gateways (NL, DE) and a third administration FR that has
 * an agreement file but no running gateway (accepted means: sealed, recorded and queued for FR). NL receives declaration
 * data from DE; NL's national system may send it back to DE, but to FR only after DE consented — over the exchange
 * (ConsentRequest / ConsentDecision) or in writing (recorded by a legal officer) — and no longer needs consent once the
 * data's retention date has passed and the purge has removed it. The clock is moved, never slept on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnwardTransferTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    DeadlinesTest.MovableClock clock = new DeadlinesTest.MovableClock();
    GatewayPair pair;
    NationalQueue nlNational;
    NationalQueue deNational;
    byte[] example;
    String caseId;
    /** DE's answers as NL received them: a partial response (DE-EXP-1), a second one (DE-EXP-3), the final one (DE-EXP-2). */
    private static final char[] PASSWORD = "changeit".toCharArray();
    Path pki;
    String partialId;
    String secondPartialId;
    String finalId;

    @BeforeAll
    void start(@TempDir Path root) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        Path policies = Files.createDirectories(root.resolve("policies"));
        Files.copy(Path.of("policies/partners/NL.yaml"), policies.resolve("NL.yaml"));
        Files.copy(Path.of("policies/partners/DE.yaml"), policies.resolve("DE.yaml"));
        // FR: the DE agreement for another administration, reachable nowhere (its deliveries fail and are retried)
        String fr = Files.readString(Path.of("policies/partners/DE.yaml")).replace("id: DE", "id: FR").replace("country: DE", "country: FR")
                .replace("EU-515-97-DE", "EU-515-97-FR").replace("DE-signing.crt", "FR-signing.crt")
                .replace("DE-encryption.crt", "[FR-encryption.crt, FR-encryption-10y.crt]").replaceAll("http://127\\.0\\.0\\.1:\\d+", "http://127.0.0.1:9");
        Files.writeString(policies.resolve("FR.yaml"), fr);
        // the last test moves the clock past the 6-year retention: FR gets a second, 10-year encryption certificate (key
        // rotation) and NL a 10-year signing entry, so that something can still be sealed for FR then
        pki = root.resolve("gw").resolve("pki");
        new DevPki(pki, clock, PASSWORD).ensure(List.of("NL", "DE", "FR"));
        DevCertificates.Issued ca = DevCertificates.devCa(pki, PASSWORD);
        java.time.Instant now = clock.instant();
        DevCertificates.writeCertificate(pki.resolve("FR-encryption-10y.crt"), DevCertificates.issue(ca, DevCertificates.Spec.of(
                "CN=CMAG FR encryption (10 years)", DevCertificates.Usage.ENCRYPTION, now.minus(Duration.ofHours(2)), now.plus(Duration.ofDays(3650))))
                .certificate());
        DevCertificates.addKeyEntry(pki.resolve("NL.p12"), PASSWORD, "signing-10y", DevCertificates.issue(ca, DevCertificates.Spec.of(
                "CN=CMAG NL signing (10 years)", DevCertificates.Usage.SIGNING, now.minus(Duration.ofHours(2)), now.plus(Duration.ofDays(3650)))),
                ca.certificate());
        pair = new GatewayPair(root.resolve("gw"), Map.of("gateway.policies.dir", policies.toString(),
                "gateway.retention.purge-interval-seconds", "1"), clock).start(Partner.Channel.REST);
        nlNational = new NationalQueue(pair.nl());
        deNational = new NationalQueue(pair.de());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nlNational, deNational, pair}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The example request for {@code partner} carrying one declaration with this FunctionalReferenceID and ID. */
    private byte[] request(String partner, String functionalReference, String id) throws IOException {
        ObjectNode r = (ObjectNode) JSON.readTree(example);
        r.put("partner", partner);
        ObjectNode d = (ObjectNode) r.withArray("declarations").get(0);
        d.put("functionalReferenceID", functionalReference);
        d.put("id", id);
        return JSON.writeValueAsBytes(r);
    }

    private HttpResponse<String> caseMessage(Gateway g, String json) {
        return pair.post(g.httpBase() + "/api/v1/cases/" + caseId + "/messages", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String answer(String type, String reference, String id) {
        return "{\"type\":\"" + type + "\",\"summary\":\"Declaration data attached\",\"declarations\":[{\"functionalReferenceID\":\""
                + reference + "\",\"id\":\"" + id + "\",\"exporter\":{\"name\":\"Fahrradteile Export GmbH\"}}]}";
    }

    private static NationalQueue.Delivered receiveFor(NationalQueue queue, String caseId, String xmlPart) {
        for (int i = 0; i < 50; i++) {
            NationalQueue.Delivered d = queue.receive(WAIT.toMillis());
            if (d == null || caseId.equals(d.caseId()) && d.xml().contains(xmlPart)) {
                return d;
            }
        }
        return null;
    }

    private static String field(HttpResponse<String> r, String name) throws IOException {
        return JSON.readTree(r.body()).path(name).asText();
    }

    private int outboundTo(String partner) {
        return pair.nl().database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbound_message WHERE partner_id = ?")) {
                ps.setString(1, partner);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private List<AuditRecord> refusals() {
        return pair.nl().audit().all().stream().filter(r -> "onward_transfer_not_permitted".equals(r.event().errorCode())).toList();
    }

    /** Submits to FR and expects the refusal before signing: 422, the pointer and origin named, the value not, nothing queued. */
    private void assertRefusedForFr(byte[] request, String fromMessage) throws IOException {
        int queuedBefore = outboundTo("FR");
        int refusalsBefore = refusals().size();
        HttpResponse<String> r = pair.submit(request);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("code").asText()).isEqualTo("onward_transfer_not_permitted");
        assertThat(problem.path("side").asText()).isEqualTo("client");
        assertThat(problem.path("pointer").asText()).startsWith("/ExchangeMessage/Body/AssistanceRequest/Declaration[1]/");
        assertThat(problem.path("detail").asText()).contains("received from DE in message " + fromMessage).contains("FR")
                .doesNotContain("DE-EXP-").doesNotContain("26DE");
        assertThat(outboundTo("FR")).as("nothing sealed, recorded or queued for FR").isEqualTo(queuedBefore);
        assertThat(refusals()).as("the refusal is audited").hasSize(refusalsBefore + 1);
        assertThat(refusals().get(refusals().size() - 1).event().detail()).contains(fromMessage).doesNotContain("DE-EXP-");
    }

    private String assertAcceptedForFr(byte[] request) throws IOException {
        HttpResponse<String> r = pair.submit(request);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = field(r, "messageId");
        assertThat(pair.nl().outbound().status(id)).as("sealed, recorded and queued for FR").isPresent();
        return id;
    }

    // ------------------------------------------------------------------ the conversation

    @Test
    @Order(1)
    void nlRegistersTheDeclarationDataItReceivesFromDe() throws Exception {
        HttpResponse<String> submitted = pair.submit(example);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        caseId = field(submitted, "caseId");
        assertThat(deNational.receive(WAIT.toMillis())).isNotNull();
        await().atMost(WAIT).until(() -> pair.nl().cases().find(caseId).map(k -> k.state()).orElse(null), s -> s == CaseState.ACKNOWLEDGED);

        assertThat(caseMessage(pair.de(), answer("PARTIAL_RESPONSE", "DE-EXP-1", "26DE00000000000011")).statusCode()).isEqualTo(202);
        partialId = receiveFor(nlNational, caseId, "DE-EXP-1").messageId();
        assertThat(caseMessage(pair.de(), answer("PARTIAL_RESPONSE", "DE-EXP-3", "26DE00000000000033")).statusCode()).isEqualTo(202);
        secondPartialId = receiveFor(nlNational, caseId, "DE-EXP-3").messageId();
        assertThat(caseMessage(pair.de(), answer("FINAL_RESPONSE", "DE-EXP-2", "26DE00000000000022")).statusCode()).isEqualTo(202);
        finalId = receiveFor(nlNational, caseId, "DE-EXP-2").messageId();

        List<ReceivedDataRegister.Received> rows = pair.nl().receivedData().forMessage(partialId);
        assertThat(rows).extracting(ReceivedDataRegister.Received::reference).containsExactlyInAnyOrder("DE-EXP-1", "26DE00000000000011");
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.partnerId()).isEqualTo("DE");
            assertThat(row.caseId()).isEqualTo(caseId);
            assertThat(row.messageType()).isEqualTo("PARTIAL_RESPONSE");
            assertThat(row.onwardTransfer()).isEqualTo("WITHIN_RECIPIENT_CUSTOMS");
            assertThat(row.retentionUntil()).isAfter(java.time.LocalDate.now(clock).plusYears(5));
        });
        assertThat(rows).extracting(ReceivedDataRegister.Received::pointer)
                .contains("/ExchangeMessage/Body/PartialResponse/Declaration[1]/FunctionalReferenceID");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                pair.nl().audit().forMessage(partialId)).extracting(r -> r.event().type())
                .containsSubsequence("received-data-registered", "national-queued"));
    }

    @Test
    @Order(2)
    void sendingDeDataToAThirdAdministrationIsRefusedBeforeSigningButBackToDeItMayGo() throws Exception {
        assertRefusedForFr(request("FR", "DE-EXP-1", "26NL00000000000099"), partialId);
        assertRefusedForFr(request("FR", "LRN-NL-1", "26DE00000000000011"), partialId);
        assertThat(pair.nl().audit().all()).filteredOn(r -> "onward_transfer_not_permitted".equals(r.event().errorCode()))
                .allSatisfy(r -> assertThat(r.event().type()).isEqualTo("submission-rejected"));

        HttpResponse<String> back = pair.submit(request("DE", "DE-EXP-1", "26DE00000000000011"));
        assertThat(back.statusCode()).as("back to the administration that supplied it").isEqualTo(202);
        assertThat(deNational.receive(WAIT.toMillis())).isNotNull();
        HttpResponse<String> own = pair.submit(request("FR", "LRN-NL-1", "26NL00000000000099"));
        assertThat(own.statusCode()).as("NL's own data goes to FR").isEqualTo(202);
    }

    @Test
    @Order(3)
    void afterDeGrantsConsentOverTheExchangeTheSameSubmissionIsAccepted() throws Exception {
        HttpResponse<String> ask = caseMessage(pair.nl(), "{\"type\":\"CONSENT_REQUEST\",\"use\":\"ONWARD_TRANSFER\",\"recipient\":\"FR\","
                + "\"purpose\":\"FR investigates the same exporter\",\"messageRef\":\"" + partialId + "\"}");
        assertThat(ask.statusCode()).as(ask.body()).isEqualTo(202);
        String requestId = field(ask, "messageId");
        assertThat(pair.nl().receivedData().consent(requestId)).get().extracting(ReceivedDataRegister.Consent::status).isEqualTo("REQUESTED");
        assertThat(receiveFor(deNational, caseId, "<ConsentRequest>")).isNotNull();
        assertRefusedForFr(request("FR", "DE-EXP-1", "26NL00000000000099"), partialId);

        HttpResponse<String> grant = caseMessage(pair.de(), "{\"type\":\"CONSENT_DECISION\",\"requestRef\":\"" + requestId
                + "\",\"decision\":\"GRANTED\"}");
        assertThat(grant.statusCode()).as(grant.body()).isEqualTo(202);
        String decisionId = field(grant, "messageId");
        await().atMost(WAIT).until(() -> pair.nl().receivedData().consent(requestId).map(ReceivedDataRegister.Consent::status).orElse(""),
                "GRANTED"::equals);
        assertThat(pair.nl().audit().forMessage(decisionId)).extracting(r -> r.event().type()).contains("consent-decided");

        String sent = assertAcceptedForFr(request("FR", "DE-EXP-1", "26NL00000000000099"));
        assertThat(pair.nl().audit().forMessage(sent)).filteredOn(r -> r.event().type().equals("onward-transfer-consented"))
                .singleElement().satisfies(r -> assertThat(r.event().detail()).contains("received from DE in " + partialId)
                        .contains("exchange consent " + requestId).contains("decision " + decisionId).doesNotContain("DE-EXP-1"));
        // the consent names FR and the partial response only: DE's other answers still need their own
        assertRefusedForFr(request("FR", "DE-EXP-2", "26NL00000000000099"), finalId);
    }

    @Test
    @Order(4)
    void afterALegalOfficerRecordsAWrittenConsentTheSameSubmissionIsAccepted() throws Exception {
        HttpResponse<String> unknown = pair.post(pair.nl().httpBase() + "/api/v1/consents", "application/json", ("{\"from\":\"DE\","
                + "\"to\":\"FR\",\"messageRef\":\"DE-nope\",\"reference\":\"letter\",\"recordedBy\":\"J. Jansen\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"pointer\":\"/messageRef\"");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"consent", "record", "--from", "DE", "--to", "FR", "--message", finalId, "--reference",
            "letter GZD-2026-117 of 3 December", "--by", "J. Jansen", "--url", pair.nl().httpBase()}, new PrintStream(out), new PrintStream(err));
        assertThat(exit).as(err.toString()).isZero();
        String consentId = JSON.readTree(out.toString(StandardCharsets.UTF_8)).path("consentId").asText();
        assertThat(consentId).startsWith("MANUAL-");

        String sent = assertAcceptedForFr(request("FR", "DE-EXP-2", "26NL00000000000099"));
        assertThat(pair.nl().audit().forMessage(sent)).filteredOn(r -> r.event().type().equals("onward-transfer-consented"))
                .singleElement().satisfies(r -> assertThat(r.event().detail()).contains("manual consent " + consentId)
                        .contains("letter GZD-2026-117"));
        assertThat(pair.nl().audit().forMessage(finalId)).filteredOn(r -> r.event().type().equals("consent-recorded"))
                .singleElement().satisfies(r -> assertThat(r.event().actor()).isEqualTo("J. Jansen"));
    }

    @Test
    @Order(5)
    void pastItsRetentionDateTheDataIsPurgedAndNoLongerHeldSoNothingBlocksTheTransfer() throws Exception {
        assertRefusedForFr(request("FR", "DE-EXP-3", "26NL00000000000099"), secondPartialId);
        java.time.LocalDate until = pair.nl().receivedData().forMessage(secondPartialId).get(0).retentionUntil();

        // (the database keeps microseconds, rounded; the clock then moves by years)
        java.time.Instant beforeTheMove = clock.instant().plusSeconds(1);
        clock.advance(Duration.between(clock.instant(), until.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).plusHours(1));
        await().atMost(WAIT).until(() -> pair.nl().receivedData().forMessage(secondPartialId).isEmpty());
        // the CA publishes its CRL on the moved clock (the one from before the move is long past its nextUpdate)
        DevCertificates.writeCrl(pki.resolve("ca.crl"), DevCertificates.crl(DevCertificates.devCa(pki, PASSWORD),
                clock.instant().minus(Duration.ofHours(1)), clock.instant().plus(Duration.ofDays(365)), Map.of()));
        assertThat(pair.nl().receivedData().forMessage(partialId)).isEmpty();
        assertThat(pair.nl().audit().all()).filteredOn(r -> r.event().type().equals("retention-purge"))
                .anySatisfy(r -> assertThat(r.event().detail()).contains("purged").contains("6 received-data register rows")
                        .doesNotContain("DE-EXP-"));

        // payloads gone, ids and digests kept, the audit chain whole (messages sent after the move, e.g. reminders, stay)
        pair.nl().database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN sealed_xml IS NULL AND receipt_xml IS NULL"
                    + " THEN 1 ELSE 0 END), SUM(CASE WHEN sealed_digest IS NOT NULL THEN 1 ELSE 0 END) FROM outbound_message"
                    + " WHERE partner_id = 'DE' AND created_at < ?")) {
                // the database rounds the clock's nanoseconds to microseconds, possibly up; the move is years, a second is safe
                ps.setTimestamp(1, java.sql.Timestamp.from(beforeTheMove.plusSeconds(1)));
                ResultSet rs = ps.executeQuery();
                rs.next();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(3);
                assertThat(rs.getInt(2)).as("payloads purged").isEqualTo(rs.getInt(1));
                assertThat(rs.getInt(3)).as("digests kept").isEqualTo(rs.getInt(1));
            }
            return null;
        });
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
        assertThat(pair.nl().audit().forMessage(partialId)).extracting(r -> r.event().type()).contains("received-data-registered");

        // the register no longer knows the data: the gateway lets it through (national systems must have deleted it by now)
        assertAcceptedForFr(request("FR", "DE-EXP-3", "26NL00000000000099"));
    }
}
