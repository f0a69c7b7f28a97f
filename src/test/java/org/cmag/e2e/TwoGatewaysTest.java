package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Two real gateways (NL, DE) in one JVM, each with its embedded Artemis broker and H2 database, talking
 * real HTTP and SOAP on loopback. Nothing is mocked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoGatewaysTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static GatewayPair pair;
    static NationalQueue deNational;
    static byte[] example;
    /** The national systems' REST callback: answers 503 to the first attempt of each message, 200 after. */
    static com.sun.net.httpserver.HttpServer callback;
    static final java.util.Queue<String[]> CALLS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startGateways() throws IOException {
        try (InputStream in = TwoGatewaysTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        callback = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        callback.createContext("/national/inbound", ex -> {
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = seen.add(key) ? 503 : 200;
            CALLS.add(new String[] {key, ex.getRequestHeaders().getFirst("X-CMAG-Case-Id"), body, String.valueOf(status)});
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        callback.start();
        Path wco = Path.of("../shared/wco/hmrc__customs-declarations/public/api/conf/3.0/schemas/wco/declaration").toAbsolutePath();
        Map<String, String> extra = new java.util.HashMap<>();
        extra.put("gateway.national.callback-url", "http://127.0.0.1:" + callback.getAddress().getPort() + "/national/inbound");
        extra.put("gateway.national.queue-with-callback", "true");
        if (Files.isDirectory(wco)) {
            extra.put("gateway.wco.schema-dir", wco.toString());
        }
        pair = new GatewayPair(root, extra).start(Partner.Channel.REST);
        deNational = new NationalQueue(pair.de());
    }

    @AfterAll
    static void stopGateways() {
        if (deNational != null) {
            deNational.close();
        }
        if (pair != null) {
            pair.close();
        }
        if (callback != null) {
            callback.stop(0);
        }
    }

    @BeforeEach
    void nothingLeftOver() {
        assertThat(deNational.receive(1)).as("a previous test left a national delivery behind").isNull();
    }

    private static String submitAndGetId(byte[] json) {
        HttpResponse<String> r = pair.submit(json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    private static void awaitDelivered(String messageId) {
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(messageId), s -> s.equals(Optional.of("DELIVERED")));
    }

    private static List<String> auditTypes(List<AuditRecord> records) {
        return records.stream().map(r -> r.event().type()).toList();
    }

    @Test
    @Order(1)
    void restChannelDeliversTheVerifiedRequestToThePartnersNationalQueueAndReturnsASignedReceipt() throws Exception {
        String id = submitAndGetId(example);

        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        assertThat(delivered.partner()).isEqualTo("NL");
        assertThat(delivered.requestType()).isEqualTo("VERIFICATION_OF_DECLARATION");
        assertThat(delivered.xml()).contains("Fahrradteile Export GmbH").contains("87149110").doesNotContain("EncryptedData");
        // the signed header names the agreement NL applied and the SHA-256 of NL's agreement file for DE, byte for byte
        String policyDigest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Path.of("policies/partners/DE.yaml"))));
        assertThat(delivered.xml()).containsPattern("<PolicyRef><AgreementID>EU-515-97-DE</AgreementID><Version>1</Version><Digest>"
                + policyDigest + "</Digest></PolicyRef>");

        awaitDelivered(id);
        assertThat(pair.nl().outbound().receipt(id)).get().asString().contains("<ds:SignatureValue").contains(id);
        assertThat(auditTypes(pair.nl().audit().forMessage(id))).containsExactly("submission-received", "message-translated", "policy-applied",
                "message-sealed", "message-queued", "case-opened", "receipt-verified", "case-transition");
        // the receipt is issued after the raw message is durably queued, so processing may be audited first
        assertThat(auditTypes(pair.de().audit().forMessage(id))).contains("message-received", "message-decrypted",
                "signature-verified", "message-validated", "agreement-checked", "case-opened", "received-data-registered", "national-queued");
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
        assertThat(pair.de().audit().verifyChain()).isEmpty();

        // the national REST callback got it too: retried after a 503, with the message id as idempotency key
        await().atMost(WAIT).until(() -> CALLS.stream().anyMatch(c -> id.equals(c[0]) && c[3].equals("200")));
        // national systems have it (the national queue's consumer took it, or the callback answered 2xx): DELIVERED, once
        // (the callback's first 503 is an audited attempt unless the queue's consumer had already taken it)
        await().atMost(WAIT).untilAsserted(() -> assertThat(auditTypes(pair.de().audit().forMessage(id))).contains(
                "message-received", "message-decrypted", "signature-verified", "message-validated", "agreement-checked", "case-opened",
                "received-data-registered", "national-queued", "delivered-national").containsOnlyOnce("delivered-national", "national-queued")
                .isSubsetOf("message-received", "message-decrypted", "signature-verified", "message-validated", "agreement-checked",
                        "case-opened", "received-data-registered", "national-queued", "national-callback-attempt", "delivered-national"));
        assertThat(CALLS).filteredOn(c -> id.equals(c[0])).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(c -> assertThat(c[2]).contains("Fahrradteile Export GmbH").contains(id))
                .allSatisfy(c -> assertThat(c[1]).isEqualTo(delivered.caseId()));

        var nlCase = pair.nl().cases().find(delivered.caseId()).orElseThrow();
        assertThat(nlCase.role()).isEqualTo(org.cmag.cases.CaseRole.REQUESTING);
        assertThat(nlCase.state()).isIn(org.cmag.cases.CaseState.DELIVERED, org.cmag.cases.CaseState.ACKNOWLEDGED);
        assertThat(nlCase.dueAt()).as("90 days for declaration verification under the agreement")
                .isEqualTo(nlCase.createdAt().atOffset(java.time.ZoneOffset.UTC).plusDays(90).toInstant());
        var deCase = pair.de().cases().find(delivered.caseId()).orElseThrow();
        assertThat(deCase.role()).isEqualTo(org.cmag.cases.CaseRole.REQUESTED);
        assertThat(deCase.partnerId()).isEqualTo("NL");
        // DE acknowledges automatically once the request is verified and handed to its national systems
        awaitState(pair.de(), delivered.caseId(), org.cmag.cases.CaseState.ACKNOWLEDGED);
        awaitState(pair.nl(), delivered.caseId(), org.cmag.cases.CaseState.ACKNOWLEDGED);
    }

    @Test
    @Order(2)
    void aWcoDecDeclarationAttachedToARequestArrivesWcoAlignedAndTheResponseListsWhatWasNotCarried() throws Exception {
        Path sample = Path.of("../shared/wco/hmrc__customs-declarations/public/api/conf/3.0/examples/annotated_XML_samples/CUS_Code/"
                + "New_Export_CUS_Code_Sample.xml");
        if (!Files.isRegularFile(sample)) {
            System.err.println("../shared/wco is absent - WCO DEC attachment test SKIPPED");
            org.junit.jupiter.api.Assumptions.abort("../shared/wco absent");
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var request = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(example);
        request.remove("declarations");
        request.putArray("wcoDeclarations").add(Files.readString(sample));

        HttpResponse<String> r = pair.submit(mapper.writeValueAsBytes(request));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"unmapped\":[{\"pointer\":\"MetaData\",\"path\":\"/MetaData/WCODataModelVersionCode\"");
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.xml()).contains("<FunctionalReferenceID>NEW-TT-SAMPLE-CUS 9</FunctionalReferenceID>")
                .contains("<InvoiceAmount currencyID=\"GBP\">9500</InvoiceAmount>");
        String accepted = GatewayPair.acceptedMessageId(r).orElseThrow();
        assertThat(pair.nl().audit().forMessage(accepted)).anySatisfy(rec -> assertThat(rec.event().detail())
                .startsWith("5 input elements not carried: MetaData /MetaData/WCODataModelVersionCode"));
    }

    @Test
    @Order(2)
    void aNationalJsonDeclarationWithAFieldOutsideTheWcoTreeIsRejectedWithItsPointer() {
        String json = new String(example, StandardCharsets.UTF_8).replace("\"typeCode\": \"IMZ\",", "\"typeCode\": \"IMZ\", \"colour\": \"red\",");
        HttpResponse<String> r = pair.submit(json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":\"unknown_field\"").contains("\"pointer\":\"/declarations/0/colour\"");
        assertThat(deNational.receive(300)).isNull();
    }

    @Test
    @Order(2)
    void malformedSubmissionGets400NamingTheFieldAndNothingIsQueued() {
        int queuedBefore = pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED");
        String json = new String(example, StandardCharsets.UTF_8).replace("\"instrument\": \"EU-REG-515-97\", ", "");

        HttpResponse<String> r = pair.submit(json.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"missing_field\"").contains("\"pointer\":\"/legalBasis/instrument\"")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED")).isEqualTo(queuedBefore);
        List<AuditRecord> all = pair.nl().audit().all();
        AuditRecord last = all.get(all.size() - 1);
        assertThat(last.event().type()).isEqualTo("submission-rejected");
        assertThat(last.event().errorCode()).isEqualTo("missing_field");
        assertThat(deNational.receive(300)).isNull();
    }

    @Test
    @Order(3)
    void aRequestOutsideTheAgreementsPurposesIsRefusedBeforeSigning() {
        int before = pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED");
        String json = new String(example, StandardCharsets.UTF_8);
        HttpResponse<String> missing = pair.submit(json.replace("\"purposeCode\": \"CUSTOMS_VALUE\",", "").getBytes(StandardCharsets.UTF_8));
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(422);
        assertThat(missing.body()).contains("\"code\":\"purpose_not_permitted\"").contains("\"pointer\":\"/purposeCode\"");
        HttpResponse<String> other = pair.submit(json.replace("CUSTOMS_VALUE", "TAX_COLLECTION").getBytes(StandardCharsets.UTF_8));
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.body()).contains("purpose_not_permitted").contains("not TAX_COLLECTION");
        assertThat(pair.nl().outbound().count("QUEUED") + pair.nl().outbound().count("DELIVERED")).isEqualTo(before);
        assertThat(deNational.receive(300)).isNull();
    }

    @Test
    @Order(3)
    void notJsonAndUnknownPartnerAreRejectedWithTheirCodes() {
        HttpResponse<String> notJson = pair.submit("{\"partner\": \"DE\",".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("\"code\":\"malformed_json\"");

        String json = new String(example, StandardCharsets.UTF_8).replace("\"partner\": \"DE\"", "\"partner\": \"FR\"");
        HttpResponse<String> unknown = pair.submit(json.getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("\"code\":\"unknown_partner\"").contains("\"pointer\":\"/partner\"");

        HttpResponse<String> xml = pair.post(pair.nl().httpBase() + "/api/v1/requests", "application/xml", example);
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(xml.body()).contains("unsupported_media_type");
    }

    @Test
    @Order(4)
    void theSameSealedMessageSentTwiceGetsTheSameReceiptAndIsDeliveredOnce() {
        Sealing sealing = new Sealing(pair.nl());
        ExchangeMessageType message = sealing.message(example);
        String sealed = sealing.serialize(sealing.seal(message));
        String url = pair.de().partnerBase() + "/exchange/v1/messages";

        HttpResponse<String> first = pair.post(url, "application/xml", sealed.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> second = pair.post(url, "application/xml", sealed.getBytes(StandardCharsets.UTF_8));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered.messageId()).isEqualTo(message.getHeader().getMessageID());
        assertThat(deNational.receive(1500)).as("second delivery of the same message").isNull();
        assertThat(auditTypes(pair.de().audit().forMessage(message.getHeader().getMessageID())))
                .containsOnlyOnce("national-queued").containsOnlyOnce("message-received").contains("duplicate-received");
    }

    @Test
    @Order(5)
    void aCiphertextByteChangedAfterSealingIsRejectedAsDecryptionFailedAndNeverDelivered() {
        Sealing sealing = new Sealing(pair.nl());
        ExchangeMessageType message = sealing.message(example);
        Document doc = sealing.seal(message);
        Element cipherValue = (Element) doc.getElementsByTagNameNS("http://www.w3.org/2001/04/xmlenc#", "CipherValue").item(1);
        String value = cipherValue.getTextContent().strip();
        char flipped = value.charAt(20) == 'A' ? 'B' : 'A';
        cipherValue.setTextContent(value.substring(0, 20) + flipped + value.substring(21));

        assertRejectedAfterReceipt(message.getHeader().getMessageID(), sealing.serialize(doc), "decryption_failed");
    }

    @Test
    @Order(6)
    void aSignedHeaderValueChangedAfterSealingIsRejectedAsSignatureInvalidAndNeverDelivered() {
        Sealing sealing = new Sealing(pair.nl());
        ExchangeMessageType message = sealing.message(example);
        String sealed = sealing.serialize(sealing.seal(message));
        String tampered = sealed.replace("<Purpose>CUSTOMS_VALUE: Verify", "<Purpose>CUSTOMS_VALUE: Verifz");
        assertThat(tampered).isNotEqualTo(sealed);

        assertRejectedAfterReceipt(message.getHeader().getMessageID(), tampered, "signature_invalid");
    }

    private void assertRejectedAfterReceipt(String messageId, String sealed, String expectedCode) {
        int before = pair.de().inbound().countRejections(expectedCode);
        HttpResponse<String> r = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealed.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("transport acceptance: %s", r.body()).isEqualTo(200);

        await().atMost(WAIT).until(() -> pair.de().inbound().countRejections(expectedCode), n -> n == before + 1);
        assertThat(deNational.receive(500)).isNull();
        List<AuditRecord> trail = pair.de().audit().forMessage(messageId);
        assertThat(auditTypes(trail)).containsExactlyInAnyOrder("message-received", "message-rejected");
        assertThat(trail).filteredOn(rec -> rec.event().type().equals("message-rejected")).singleElement()
                .satisfies(rec -> assertThat(rec.event().errorCode()).isEqualTo(expectedCode));
    }

    @Test
    @Order(7)
    void inboundGarbageAndUnknownSendersGetCodedProblemsOverRest() {
        String url = pair.de().partnerBase() + "/exchange/v1/messages";
        HttpResponse<String> garbage = pair.post(url, "application/xml", "<not-closed".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("\"code\":\"xml_malformed\"");

        HttpResponse<String> xxe = pair.post(url, "application/xml", ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                + "\"file:///etc/passwd\">]><x>&e;</x>").getBytes(StandardCharsets.UTF_8));
        assertThat(xxe.statusCode()).isEqualTo(400);
        assertThat(xxe.body()).contains("\"code\":\"xml_forbidden_construct\"").doesNotContain("root:");

        Sealing sealing = new Sealing(pair.nl());
        String sealed = sealing.serialize(sealing.seal(sealing.message(example)));
        HttpResponse<String> foreign = pair.post(url, "application/xml",
                sealed.replace("<AuthorityID>NL</AuthorityID>", "<AuthorityID>FR</AuthorityID>").getBytes(StandardCharsets.UTF_8));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("\"code\":\"unknown_sender\"");
    }

    @Test
    @Order(7)
    void nationalSystemsListCasesAndReadATimeline() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var list = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.de().httpBase() + "/api/v1/cases?partner=NL"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        var cases = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.body());
        assertThat(cases.size()).isGreaterThanOrEqualTo(2);
        assertThat(cases.get(0).get("role").asText()).isEqualTo("REQUESTED");
        String caseId = cases.get(0).get("caseId").asText();

        var one = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.de().httpBase() + "/api/v1/cases/" + caseId))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"state\":\"ACKNOWLEDGED\"").contains("\"event\":\"ASSISTANCE_REQUEST\"")
                .contains("\"direction\":\"IN\"").contains("\"event\":\"REQUEST_ACKNOWLEDGEMENT\"").contains("\"actor\":\"gateway\"");

        var missing = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.de().httpBase() + "/api/v1/cases/NOPE"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"case_unknown\"");
        var badState = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.de().httpBase() + "/api/v1/cases?state=FOO"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(badState.body()).contains("\"pointer\":\"state\"");
    }

    @Test
    @Order(8)
    void theGatewaysFilesAreOwnerOnlyWhateverTheUmask() throws Exception {
        // database, broker journal, keys: every directory rwx------ (nothing beneath is reachable by others), and the files
        // that hold decrypted evidence and keys rw-------
        Path data = Path.of(pair.nl().config().get("gateway.data-dir"));
        Path pki = Path.of(pair.nl().config().get("gateway.pki.dir"));
        for (Path root : List.of(data, pki)) {
            try (var all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    if (Files.isDirectory(p)) {
                        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                                .isEqualTo("rwx------");
                    }
                }
            }
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("db/cmag.mv.db"))))
                .isEqualTo("rw-------");
        try (var keys = Files.list(pki)) {
            assertThat(keys.filter(k -> k.toString().endsWith(".p12")).toList()).isNotEmpty().allSatisfy(k -> assertThat(
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(k))).isEqualTo("rw-------"));
        }
    }

    @Test
    @Order(8)
    void everyRouteAndSecurityStepHasItsExplicitId() {
        var context = pair.nl().camelContext();
        assertThat(context.getRoutes().stream().map(org.apache.camel.Route::getRouteId).toList()).containsExactlyInAnyOrder(
                "outbound-request-submit", "outbound-delivery-DE", "outbound-delivery-GB", "inbound-exchange-receive-rest", "inbound-exchange-receive-soap",
                "inbound-exchange-accept", "inbound-exchange-process", "admin-health-check", "admin-health-live", "admin-health-ready", "national-cases-list", "national-cases-show",
                "admin-case-deadlines", "outbound-message-seal", "outbound-case-message", "admin-openapi-document", "inbound-national-callback", "admin-policy-explain",
                "admin-retention-purge", "admin-consent-record", "admin-audit-checkpoint",
                "admin-held-list", "admin-held-show", "admin-held-release", "admin-held-reject", "admin-held-dispatch",
                "admin-legal-hold-place", "admin-legal-hold-release",
                "admin-audit-events", "admin-audit-events-csv", "admin-audit-case-timeline", "admin-audit-case-bundle", "admin-audit-chain",
                "admin-console-files", "admin-recovery", "admin-dead-letters-list", "admin-dead-letters-show", "admin-dead-letters-replay",
                "dead-letter-intake");
        var model = ((org.apache.camel.model.ModelCamelContext) context);
        for (String[] step : new String[][] {{"outbound-request-submit", "validate-submission"}, {"outbound-request-submit", "apply-policy"},
            {"outbound-message-seal", "check-onward-transfer"}, {"outbound-message-seal", "sign"}, {"outbound-message-seal", "encrypt"}, {"outbound-message-seal", "record-outbound"},
            {"outbound-message-seal", "enqueue"}, {"outbound-case-message", "prepare-case-message"},
            {"inbound-exchange-process", "refuse-automatically"}, {"inbound-exchange-process", "acknowledge-automatically"},
            {"outbound-request-submit", "hold-request"}, {"outbound-case-message", "hold-case-message"},
            {"admin-held-release", "load-held"}, {"admin-held-release", "seal-released"}, {"admin-held-dispatch", "load-approved"},
            {"admin-held-dispatch", "seal-approved"},
            {"outbound-delivery-DE", "verify-receipt"}, {"outbound-delivery-DE", "record-receipt"},
            {"inbound-exchange-accept", "check-envelope"}, {"inbound-exchange-accept", "persist-inbound"},
            {"inbound-exchange-accept", "issue-receipt"}, {"inbound-exchange-process", "decrypt"}, {"inbound-exchange-process", "verify"},
            {"inbound-exchange-process", "validate-message"}, {"inbound-exchange-process", "check-agreement"},
            {"inbound-exchange-process", "update-case"}, {"inbound-exchange-process", "deliver-national"},
            {"inbound-exchange-process", "register-received-data"}, {"inbound-exchange-process", "record-consent-decision"},
            {"admin-retention-purge", "purge-expired"}, {"outbound-message-seal", "keep-signed-message"},
            {"inbound-exchange-process", "keep-verified-message"}, {"admin-legal-hold-place", "place-legal-hold"},
            {"admin-audit-checkpoint", "write-audit-checkpoint"}, {"outbound-request-submit", "check-idempotency-key"},
            {"inbound-exchange-process", "load-received"}, {"inbound-exchange-process", "mark-queued-national"},
            {"outbound-message-seal", "prepare-enqueue"}, {"admin-recovery", "find-pending"}, {"admin-recovery", "resend"},
            {"admin-dead-letters-replay", "replay-dead-letter"}, {"dead-letter-intake", "take-dead-letter"}}) {
            var route = model.getRouteDefinition(step[0]);
            assertThat(route).as(step[0]).isNotNull();
            assertThat(org.apache.camel.model.ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                    org.apache.camel.model.ProcessorDefinition.class).stream().map(p -> p.getId()))
                    .as("node %s in %s", step[1], step[0]).contains(step[1]);
        }
    }

    @Test
    @Order(8)
    void theOpenApiDocumentDescribesEveryNationalEndpoint() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(pair.nl().httpBase() + "/api/v1/openapi.yaml")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/yaml");
        // every HTTP endpoint the routes expose is in the document
        for (var endpoint : pair.nl().camelContext().getEndpoints()) {
            String uri = endpoint.getEndpointUri();
            if (uri.startsWith("platform-http:")) {
                String path = java.net.URLDecoder.decode(uri.substring("platform-http:".length()).replaceAll("^/+", "/").split("\\?")[0],
                        StandardCharsets.UTF_8);
                assertThat(r.body()).as("OpenAPI document lists %s", path).contains("  " + path + ":");
            }
        }
        assertThat(r.body()).contains("/api/v1/cases/{caseId}/messages:");
    }

    @Test
    @Order(8)
    void legalOfficersPreviewWhatWouldLeaveTheCountry() throws Exception {
        var declaration = new com.fasterxml.jackson.databind.ObjectMapper().readTree(example).get("declarations").get(0).toString();
        HttpResponse<String> r = pair.post(pair.nl().httpBase() + "/api/v1/policy/explain?partner=DE&type=VERIFICATION_OF_ORIGIN",
                "application/json", declaration.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        assertThat(out.get("summary").asText()).contains("drop 1 [42A/67A/74A:R037]").contains("pseudonymise 1 [42A/67A/74A:R038]");
        assertThat(out.get("payload").asText()).doesNotContain("Fietsonderdelen BV").contains("Fahrradteile Export GmbH");
        HttpResponse<String> badType = pair.post(pair.nl().httpBase() + "/api/v1/policy/explain?partner=DE&type=SMUGGLING",
                "application/json", declaration.getBytes(StandardCharsets.UTF_8));
        assertThat(badType.statusCode()).isEqualTo(422);
        assertThat(badType.body()).contains("\"pointer\":\"type\"");
    }

    @Test
    @Order(8)
    void healthEndpointReportsBrokerAndDatabase() {
        var r = pair.post(pair.nl().httpBase() + "/health", "application/json", new byte[0]);
        assertThat(r.statusCode()).as("POST is not allowed on /health").isNotEqualTo(200);
        try {
            var get = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(pair.nl().httpBase() + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).contains("\"status\":\"UP\"").contains("\"broker\":\"UP\"").contains("\"database\":\"UP\"");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(9)
    void soapChannelDeliversTheVerifiedRequestAfterNlIsReconfigured() {
        pair.restartNl(Partner.Channel.SOAP);
        String id = submitAndGetId(example);

        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        awaitDelivered(id);
        assertThat(pair.nl().audit().forMessage(id)).filteredOn(r -> r.event().type().equals("receipt-verified")).singleElement()
                .satisfies(r -> assertThat(r.event().detail()).isEqualTo("delivered over SOAP"));
    }

    @Test
    @Order(10)
    void soapEndpointAnswersAFaultWithTheErrorCodeForAnUnknownSender() throws Exception {
        Sealing sealing = new Sealing(pair.nl());
        String sealed = sealing.serialize(sealing.seal(sealing.message(example)))
                .replace("<AuthorityID>NL</AuthorityID>", "<AuthorityID>FR</AuthorityID>")
                .replaceFirst("<\\?xml[^>]*\\?>", "");
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" + sealed
                + "</soap:Body></soap:Envelope>";
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(pair.de().config().get("gateway.soap.address")))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:cmag:exchange:1:Submit\"")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("Fault").contains("unknown_sender").contains("urn:cmag:error:1")
                .doesNotContain("at org.");
        assertThat(deNational.receive(500)).isNull();
    }

    private static HttpResponse<String> caseMessage(org.cmag.gateway.Gateway g, String caseId, String json) {
        return pair.post(g.httpBase() + "/api/v1/cases/" + caseId + "/messages", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static NationalQueue.Delivered receiveFor(NationalQueue queue, String caseId) {
        for (int i = 0; i < 50; i++) {
            NationalQueue.Delivered d = queue.receive(WAIT.toMillis());
            if (d == null || caseId.equals(d.caseId())) {
                return d;
            }
        }
        return null;
    }

    private static void awaitState(org.cmag.gateway.Gateway g, String caseId, org.cmag.cases.CaseState state) {
        await().atMost(WAIT).until(() -> g.cases().find(caseId).map(org.cmag.cases.AssistanceCase::state).orElse(null), s -> s == state);
    }

    @Test
    @Order(11)
    void aFullConversationRunsOnBothSidesOverTheRealChannels() {
        try (NationalQueue nlNational = new NationalQueue(pair.nl())) {
            nlNational.drain(500); // acknowledgements of the earlier tests' requests
            String id = submitAndGetId(example);
            NationalQueue.Delivered request = deNational.receive(WAIT.toMillis());
            assertThat(request.messageId()).isEqualTo(id);
            String caseId = request.caseId();

            // DE acknowledges automatically once the request is verified and handed over
            awaitState(pair.nl(), caseId, org.cmag.cases.CaseState.ACKNOWLEDGED);
            assertThat(pair.de().cases().find(caseId).orElseThrow().state()).isEqualTo(org.cmag.cases.CaseState.ACKNOWLEDGED);
            assertThat(receiveFor(nlNational, caseId).xml()).contains("<RequestAcknowledgement>");

            HttpResponse<String> partial = caseMessage(pair.de(), caseId, "{\"type\":\"PARTIAL_RESPONSE\",\"summary\":\"Exporter exists; "
                    + "invoice copy attached as declaration data\",\"declarations\":[{\"functionalReferenceID\":\"DE-EXP-1\","
                    + "\"exporter\":{\"name\":\"Fahrradteile Export GmbH\"}}]}");
            assertThat(partial.statusCode()).as(partial.body()).isEqualTo(202);
            awaitState(pair.nl(), caseId, org.cmag.cases.CaseState.PARTIALLY_ANSWERED);
            assertThat(receiveFor(nlNational, caseId).xml()).contains("<PartialResponse>").contains("DE-EXP-1");

            HttpResponse<String> fin = caseMessage(pair.de(), caseId, "{\"type\":\"FINAL_RESPONSE\",\"summary\":\"Value confirmed\"}");
            assertThat(fin.statusCode()).as(fin.body()).isEqualTo(202);
            awaitState(pair.nl(), caseId, org.cmag.cases.CaseState.ANSWERED);

            HttpResponse<String> close = caseMessage(pair.nl(), caseId, "{\"type\":\"CLOSURE_NOTICE\",\"note\":\"Thank you\"}");
            assertThat(close.statusCode()).as(close.body()).isEqualTo(202);
            awaitState(pair.de(), caseId, org.cmag.cases.CaseState.CLOSED);
            awaitState(pair.nl(), caseId, org.cmag.cases.CaseState.CLOSED);

            HttpResponse<String> late = caseMessage(pair.de(), caseId, "{\"type\":\"FINAL_RESPONSE\",\"summary\":\"again\"}");
            assertThat(late.statusCode()).isEqualTo(409);
            assertThat(late.body()).contains("\"code\":\"case_closed\"");
            HttpResponse<String> wrongSide = caseMessage(pair.nl(), caseId, "{\"type\":\"REFUSAL\",\"grounds\":[\"SECURITY\"],"
                    + "\"reason\":\"x\",\"scope\":\"WHOLE\"}");
            assertThat(wrongSide.statusCode()).isEqualTo(409);
            assertThat(wrongSide.body()).contains("\"code\":\"case_wrong_side\"");

            assertThat(pair.nl().cases().timeline(caseId)).extracting(t -> t.event()).containsExactly("ASSISTANCE_REQUEST",
                    "TRANSPORT_RECEIPT", "REQUEST_ACKNOWLEDGEMENT", "PARTIAL_RESPONSE", "FINAL_RESPONSE", "CLOSURE_NOTICE");
            assertThat(pair.de().cases().timeline(caseId)).extracting(t -> t.to().name()).containsExactly("DELIVERED", "ACKNOWLEDGED",
                    "PARTIALLY_ANSWERED", "ANSWERED", "CLOSED");
            assertThat(pair.nl().audit().verifyChain()).isEmpty();
            assertThat(pair.de().audit().verifyChain()).isEmpty();
            assertThat(deNational.drain(300)).extracting(NationalQueue.Delivered::messageId).as("the closure notice reaches DE's national queue")
                    .hasSize(1);
        }
    }

    @Test
    @Order(12)
    void aRequestOutsideTheAgreementIsRefusedAutomaticallyAndNeverReachesNationalSystems() {
        Sealing sealing = new Sealing(pair.nl());
        ExchangeMessageType message = sealing.message(example);
        message.getHeader().getLegalBasis().setArticle("99");
        HttpResponse<String> r = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealing.serialize(sealing.seal(message)).getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        String caseId = message.getHeader().getConversationID();
        awaitState(pair.de(), caseId, org.cmag.cases.CaseState.REFUSED);
        assertThat(deNational.receive(500)).as("national systems never see a refused request").isNull();
        assertThat(pair.de().audit().forMessage(message.getHeader().getMessageID())).extracting(rec -> rec.event().type())
                .contains("refused-automatically").doesNotContain("national-queued", "delivered-national");
        // NL never opened this case (the test bypassed NL's own agreement check), so NL rejects the refusal as unknown
        await().atMost(WAIT).until(() -> pair.nl().inbound().countRejections("case_unknown"), n -> n >= 1);
    }

    @Test
    @Order(13)
    void theReceivingSideRefusesARequestForAPurposeItsAgreementDoesNotCover() {
        Sealing sealing = new Sealing(pair.nl());
        for (String purpose : new String[] {"TAX_COLLECTION: Recovery of excise duties", "Verify the declared value (no purpose code)"}) {
            ExchangeMessageType message = sealing.message(example);
            message.getHeader().getPurpose().set(0, purpose);
            HttpResponse<String> r = pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                    sealing.serialize(sealing.seal(message)).getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

            String caseId = message.getHeader().getConversationID();
            awaitState(pair.de(), caseId, org.cmag.cases.CaseState.REFUSED);
            assertThat(deNational.receive(500)).as("national systems never see a request outside the agreement's purposes").isNull();
            assertThat(pair.de().audit().forMessage(message.getHeader().getMessageID())).filteredOn(rec -> rec.event().type()
                    .equals("refused-automatically")).singleElement().satisfies(rec -> {
                        assertThat(rec.event().errorCode()).isEqualTo("purpose_not_permitted");
                        assertThat(rec.event().detail()).contains("CUSTOMS_VALUE").contains(purpose.startsWith("TAX") ? "not TAX_COLLECTION"
                                : "the request names none");
                    });
        }
    }

    @Test
    @Order(14)
    void thePartnerChannelHasItsOwnListenerThatServesNothingElse() throws Exception {
        assertThat(pair.de().partnerBase()).isNotEqualTo(pair.de().httpBase());
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        // the main listener (national API, console, audit API) does not take partner messages: nothing received, nothing delivered
        Sealing sealing = new Sealing(pair.nl());
        ExchangeMessageType message = sealing.message(example);
        HttpResponse<String> onMain = pair.post(pair.de().httpBase() + "/exchange/v1/messages", "application/xml",
                sealing.serialize(sealing.seal(message)).getBytes(StandardCharsets.UTF_8));
        assertThat(onMain.statusCode()).isEqualTo(404);
        assertThat(onMain.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(onMain.body()).contains("\"code\":\"not_found\"").contains("gateway.partner-http.port");
        for (String variant : new String[] {"/exchange/v1/messages/", "/exchange/v1//messages", "/exchange/v1/./messages",
            "/exchange/v1/x/../messages"}) {
            HttpResponse<String> r = pair.post(pair.de().httpBase() + variant, "application/xml",
                    sealing.serialize(sealing.seal(message)).getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(variant).isEqualTo(404);
        }
        assertThat(pair.de().audit().forMessage(message.getHeader().getMessageID())).isEmpty();
        assertThat(deNational.receive(500)).isNull();

        // the partner listener serves the partner door and nothing else: no national API, health, console, audit or admin API
        String partner = pair.de().partnerBase();
        for (String[] c : new String[][] {{"GET", "/health"}, {"GET", "/health/ready"}, {"GET", "/console/"},
            {"GET", "/api/v1/audit/events"}, {"GET", "/api/v1/audit/chain"}, {"GET", "/api/v1/policy"}, {"GET", "/api/v1/admin/dead-letters"},
            {"GET", "/api/v1/cases"}, {"POST", "/api/v1/requests"}, {"POST", "/api/v1/consents"}, {"GET", "/exchange/v1/messages/../../api/v1/audit/events"},
            {"GET", "/EXCHANGE/v1/messages"}, {"GET", "/"}}) {
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(partner + c[1])).timeout(WAIT);
            b = c[0].equals("POST") ? b.header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(example))
                    : b.GET();
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s %s on the partner listener", c[0], c[1]).isEqualTo(404);
            assertThat(r.body()).as(c[1]).contains("\"code\":\"not_found\"").doesNotContain("\"status\":\"UP\"", "auditId", "<html");
        }
        // the same paths are there on the main listener
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.de().httpBase() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(50)
    void aBodyTheServerWillNotReadIsRefusedWithItsCodeAndAuditedOnBothApis() {
        int limit = pair.nl().config().getInt("gateway.max-message-bytes");
        byte[] huge = new byte[limit + 64 * 1024]; // beyond the slack the server reads past the limit
        java.util.Arrays.fill(huge, (byte) 'x');
        for (String[] c : new String[][] {{pair.nl().httpBase() + "/api/v1/requests", "application/json", "NL", "submission-rejected"},
            {pair.de().partnerBase() + "/exchange/v1/messages", "application/xml", "DE", "message-rejected"}}) {
            var gateway = c[2].equals("NL") ? pair.nl() : pair.de();
            long before = gateway.audit().head().seq();

            HttpResponse<String> r = pair.post(c[0], c[1], huge);

            assertThat(r.statusCode()).as(c[0]).isEqualTo(413);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"code\":\"message_too_large\"", "\"pointer\":\"body\"").doesNotContain("\tat ");
            await().atMost(WAIT).untilAsserted(() -> assertThat(gateway.audit().all()).filteredOn(rec -> rec.seq() > before)
                    .anySatisfy(rec -> {
                        assertThat(rec.event().type()).isEqualTo(c[3]);
                        assertThat(rec.event().errorCode()).isEqualTo("message_too_large");
                        assertThat(rec.event().detail()).contains("POST " + java.net.URI.create(c[0]).getPath());
                    }));
        }
    }
}
