package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.DevPki;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.error.ErrorCode;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack corpus (src/test/resources/messages/forged/cases.tsv) against a real DE gateway: every forged message is
 * sent over DE's real REST exchange channel as NL would send it, and must be rejected with exactly its error code,
 * audited with that code, and never delivered to DE's national queue; afterwards DE still delivers a valid message.
 * DE has three partners: NL, FR (registered, used as "another trusted partner") and none for an outsider CA. For the
 * PKI cases DE's copy of NL.yaml registers test signing certificates next to NL's own (see
 * {@link #issuePkiCaseCertificates}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackCorpusTest {
    static final String CORPUS = "messages/forged/";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int MAX_BYTES = 1_048_576;
    static final char[] PASSWORD = "changeit".toCharArray();
    // the PKI cases' test certificates (Forge.certificate), issued by issuePkiCaseCertificates
    static final String EXPIRED = "expired";
    static final String NOT_YET_VALID = "not-yet-valid";
    static final String REVOKED = "revoked";
    static final String UNREACHABLE_CRL = "unreachable-crl";
    static final String UNKNOWN_ISSUER = "unknown-issuer";
    static final String UNKNOWN_ISSUER_CA = "unknown-issuer-ca";
    static final String OTHER_PARTNER_ANCHOR = "other-partner-anchor";

    record Case(String id, String expect, String stage, String description) {}

    GatewayPair pair;
    NationalQueue deNational;
    Forge forge;
    final Set<String> deliveredIds = new LinkedHashSet<>();

    @BeforeAll
    void start(@TempDir Path root) throws IOException {
        byte[] example;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        Path policies = Files.createDirectories(root.resolve("policies"));
        Files.copy(Path.of("policies/partners/DE.yaml"), policies.resolve("DE.yaml"));
        // the shared development PKI exists before the gateways start, so the PKI cases' certificates can be issued
        // from its CA, revoked in its CRL and registered in DE's copy of NL.yaml
        Path pki = root.resolve("gw").resolve("pki");
        DevPki shared = new DevPki(pki, Clock.systemUTC(), PASSWORD);
        shared.ensure(List.of("NL", "DE", "FR"));
        Map<String, DevCertificates.Issued> certificates = issuePkiCaseCertificates(pki);
        Files.writeString(policies.resolve("NL.yaml"), replaced(Files.readString(Path.of("policies/partners/NL.yaml")),
                "    signing: NL-signing.crt\n", "    signing: [ NL-signing.crt, { alias: NL-signing-expired.crt }, "
                        + "{ alias: NL-signing-not-yet-valid.crt }, { alias: NL-signing-revoked.crt }, { alias: NL-signing-unreachable-crl.crt } ]\n",
                "  trustAnchors: [ca.crt]\n", "  trustAnchors: [ca.crt, NL-second-ca.crt]\n"));
        // FR: a third registered administration (no running gateway), to sign as "another trusted partner"; it has a
        // second trust anchor of its own (FR-ca.crt) that is not NL's
        String fr = Files.readString(Path.of("policies/partners/DE.yaml")).replace("id: DE", "id: FR").replace("country: DE", "country: FR")
                .replace("EU-515-97-DE", "EU-515-97-FR").replace("DE-signing.crt", "FR-signing.crt")
                .replace("DE-encryption.crt", "FR-encryption.crt").replaceAll("http://127\\.0\\.0\\.1:\\d+", "http://127.0.0.1:9");
        Files.writeString(policies.resolve("FR.yaml"), replaced(fr, "  trustAnchors: [ca.crt]\n", "  trustAnchors: [ca.crt, FR-ca.crt]\n"));
        pair = new GatewayPair(root.resolve("gw"), Map.of("gateway.policies.dir", policies.toString(),
                "gateway.max-message-bytes", String.valueOf(MAX_BYTES))).start(Partner.Channel.REST);
        deNational = new NationalQueue(pair.de());
        assertThat(pair.de().keys().partner("NL").signingCertificates()).as("DE registers NL's test signing certificates").hasSize(5);
        DevPki outsiders = new DevPki(root.resolve("outsider-pki"), Clock.systemUTC(), PASSWORD);
        outsiders.ensure(List.of("NL"));
        forge = new Forge(pair.nl(), pair.de(), shared.loadOwn("FR"), outsiders.loadOwn("NL"), certificates, example, this::deliverValid);
    }

    /**
     * The certificates of the PKI cases, issued before the gateways start (DE's clock cannot be moved here, so the
     * validity windows are chosen around the real time). Registered in DE's copy of NL.yaml as NL's signing
     * certificates - the start-up path validation checks each chain at an instant inside the certificate's own
     * validity, so an expired or not yet valid registered certificate does not stop the gateway; its dates are checked
     * when a signature selects it:
     * <ul>
     *   <li>{@value #EXPIRED}: from the development CA, ended 40 minutes after the CA began (the CA is backdated by an
     *       hour, and a path can only be checked while the CA is valid);</li>
     *   <li>{@value #NOT_YET_VALID}: from the development CA, valid from 30 days on;</li>
     *   <li>{@value #REVOKED}: from the development CA, valid now, revoked in {@code ca.crl} (the CRL of NL.yaml);</li>
     *   <li>{@value #UNREACHABLE_CRL}: from NL's second trust anchor {@code NL-second-ca.crt}, which has no configured
     *       CRL; its only revocation source is a CRL distribution point on a closed local port (NL.yaml:
     *       {@code onUnavailable: fail}).</li>
     * </ul>
     * Not registered anywhere: {@value #UNKNOWN_ISSUER} (NL's subject name, from a CA no partner trusts,
     * {@value #UNKNOWN_ISSUER_CA}) and {@value #OTHER_PARTNER_ANCHOR} (NL's subject name, from {@code FR-ca.crt},
     * FR's second trust anchor at DE but not NL's).
     */
    static Map<String, DevCertificates.Issued> issuePkiCaseCertificates(Path pki) throws IOException {
        Instant now = Instant.now();
        DevCertificates.Issued ca = DevCertificates.devCa(pki, PASSWORD);
        Instant caFrom = ca.certificate().getNotBefore().toInstant();
        Map<String, DevCertificates.Issued> out = new LinkedHashMap<>();

        DevCertificates.Issued expired = issue(pki, "NL-signing-expired.crt", ca, "CMAG NL signing (expired)", caFrom.plusSeconds(60),
                caFrom.plus(Duration.ofMinutes(20)), null);
        assertThat(expired.certificate().getNotAfter().toInstant()).as("the development CA is backdated; the expired certificate ended")
                .isBefore(now);
        out.put(EXPIRED, expired);
        out.put(NOT_YET_VALID, issue(pki, "NL-signing-not-yet-valid.crt", ca, "CMAG NL signing (not yet valid)", now.plus(Duration.ofDays(30)),
                now.plus(Duration.ofDays(400)), null));
        DevCertificates.Issued revoked = issue(pki, "NL-signing-revoked.crt", ca, "CMAG NL signing (revoked)", caFrom,
                now.plus(Duration.ofDays(365)), null);
        DevCertificates.revokeInDevCrl(pki, PASSWORD, revoked.certificate().getSerialNumber(), now.minusSeconds(60));
        out.put(REVOKED, revoked);

        DevCertificates.Issued secondCa = DevCertificates.newCa("CN=CMAG NL second CA, O=CMAG test, C=NL", now.minus(Duration.ofDays(2)),
                now.plus(Duration.ofDays(3650)));
        DevCertificates.writeCertificate(pki.resolve("NL-second-ca.crt"), secondCa.certificate());
        out.put(UNREACHABLE_CRL, issue(pki, "NL-signing-unreachable-crl.crt", secondCa, "CMAG NL signing (unreachable CRL)",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), URI.create("http://127.0.0.1:" + closedPort() + "/nl-second-ca.crl")));

        DevCertificates.Issued unknownCa = DevCertificates.newCa("CN=Unknown CA, O=elsewhere, C=XX", now.minus(Duration.ofDays(2)),
                now.plus(Duration.ofDays(3650)));
        out.put(UNKNOWN_ISSUER_CA, unknownCa);
        out.put(UNKNOWN_ISSUER, issue(null, null, unknownCa, null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), null));
        DevCertificates.Issued frCa = DevCertificates.newCa("CN=CMAG FR CA, O=CMAG test, C=FR", now.minus(Duration.ofDays(2)),
                now.plus(Duration.ofDays(3650)));
        DevCertificates.writeCertificate(pki.resolve("FR-ca.crt"), frCa.certificate());
        out.put(OTHER_PARTNER_ANCHOR, issue(null, null, frCa, null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), null));
        return out;
    }

    /** A signing certificate of {@code ca} (NL's own subject name when {@code cn} is null), written as {@code alias} unless null. */
    private static DevCertificates.Issued issue(Path pki, String alias, DevCertificates.Issued ca, String cn, Instant from, Instant to,
            URI crlDistributionPoint) {
        String subject = cn == null ? "CN=CMAG NL signing, O=CMAG development, C=NL" : "CN=" + cn + ", O=CMAG test, C=NL";
        DevCertificates.Issued issued = DevCertificates.issue(ca,
                new DevCertificates.Spec(subject, DevCertificates.Usage.SIGNING, from, to, crlDistributionPoint, null));
        if (alias != null) {
            DevCertificates.writeCertificate(pki.resolve(alias), issued.certificate());
        }
        return issued;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code text} with each (from, to) pair replaced; fails when a {@code from} is not there (the packaged file changed shape). */
    private static String replaced(String text, String... fromTo) {
        for (int i = 0; i < fromTo.length; i += 2) {
            if (!text.contains(fromTo[i])) {
                throw new IllegalStateException("the packaged agreement no longer contains: " + fromTo[i].strip());
            }
            text = text.replace(fromTo[i], fromTo[i + 1]);
        }
        return text;
    }

    @AfterAll
    void stop() {
        if (deNational != null) {
            deNational.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = AttackCorpusTest.class.getClassLoader().getResourceAsStream(CORPUS + "cases.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 4) {
                    throw new IllegalStateException("cases.tsv: 4 tab-separated columns expected: " + line);
                }
                cases.add(new Case(f[0], f[1], f[2], f[3]));
            }
        }
        return cases;
    }

    Stream<Arguments> corpus() throws IOException {
        return cases().stream().map(c -> Arguments.of(c.id(), c.expect(), c.stage(), c.description()));
    }

    @Test
    @Order(1)
    void theTableIsCompleteConsistentAndUsesOnlyKnownCodes() throws IOException {
        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
        Set<String> ids = new LinkedHashSet<>();
        Set<String> codes = new LinkedHashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            codes.add(c.code());
        }
        codes.add("same_receipt");
        for (Case c : cases) {
            assertThat(ids.add(c.id())).as("duplicate case %s", c.id()).isTrue();
            assertThat(codes).as("expected outcome of %s", c.id()).contains(c.expect());
            assertThat(c.stage()).as("stage of %s", c.id()).isIn("accept", "process");
            boolean file = getClass().getClassLoader().getResource(CORPUS + c.id() + ".xml") != null;
            assertThat(file ^ ForgedMessages.GENERATORS.containsKey(c.id())).as("exactly one file or generator for %s", c.id()).isTrue();
        }
        assertThat(ids).as("every generator is listed in cases.tsv").containsAll(ForgedMessages.GENERATORS.keySet());
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @MethodSource("corpus")
    @Order(2)
    void eachForgedMessageIsRejectedWithExactlyItsCodeAuditedAndNeverDelivered(String id, String expect, String stage, String description)
            throws IOException {
        ForgedMessages.Forged forged = forged(id);
        int auditBefore = pair.de().audit().all().size();

        HttpResponse<String> r = send(forged.bytes());

        if (expect.equals("same_receipt")) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            HttpResponse<String> again = send(forged.bytes());
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(r.body());
            NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
            assertThat(delivered).isNotNull();
            assertThat(delivered.messageId()).isEqualTo(forged.messageId());
            deliveredIds.add(delivered.messageId());
            assertThat(pair.de().audit().forMessage(forged.messageId())).extracting(rec -> rec.event().type())
                    .containsOnlyOnce("national-queued", "message-received").contains("duplicate-received");
            return;
        }
        if (stage.equals("accept")) {
            assertThat(r.statusCode()).as("refused synchronously: %s", r.body()).isEqualTo(ErrorCode.valueOf(expect.toUpperCase()).httpStatus());
            assertThat(r.body()).contains("\"code\":\"" + expect + "\"").doesNotContain("\tat ").doesNotContain("Exception");
        } else {
            assertThat(r.statusCode()).as("receipt first, rejection afterwards: %s", r.body()).isEqualTo(200);
            assertThat(r.body()).contains("<ds:SignatureValue");
            await().atMost(WAIT).until(() -> rejections(auditBefore), l -> !l.isEmpty());
        }
        List<AuditRecord> rejections = rejections(auditBefore);
        assertThat(rejections).as("exactly one audited rejection").hasSize(1);
        assertThat(rejections.get(0).event().errorCode()).as(rejections.get(0).event().detail()).isEqualTo(expect);
        assertThat(rejections.get(0).event().detail()).isNotBlank();
        assertThat(newAudit(auditBefore)).extracting(rec -> rec.event().type()).doesNotContain("national-queued", "signature-verified");
    }

    @Test
    @Order(2)
    void aForgeryOrAnotherPartnersMessageSentFirstUnderAGenuineIdNeverBlocksTheGenuineMessage() throws Exception {
        ExchangeMessageType m = forge.message();
        byte[] genuine = forge.bytes(forge.sealed(m));
        // 1. junk under the genuine id first: a copy with its ciphertext changed gets a transport receipt, then is rejected
        Document junkDoc = forge.parse(genuine);
        Element cipher = (Element) junkDoc.getElementsByTagNameNS(Forge.XENC, "CipherValue").item(1);
        String value = cipher.getTextContent().strip();
        cipher.setTextContent((value.charAt(0) == 'A' ? "B" : "A") + value.substring(1));
        int before = pair.de().audit().all().size();
        assertThat(send(forge.bytes(junkDoc)).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> rejections(before), l -> !l.isEmpty());
        // 2. another registered partner (FR) validly seals a message of its own under the same id: it is FR's message
        ExchangeMessageType fr = forge.message();
        fr.getHeader().setMessageID(m.getHeader().getMessageID());
        fr.getHeader().getSender().setAuthorityID("FR");
        fr.getHeader().getSender().setCountryCode("FR");
        assertThat(send(forge.bytes(forge.encryptedForDe(forge.signedBy(fr, forge.fr)))).statusCode()).isEqualTo(200);
        NationalQueue.Delivered fromFr = deNational.receive(WAIT.toMillis());
        assertThat(fromFr).as("FR's message is delivered as FR's").isNotNull();
        assertThat(fromFr.partner()).isEqualTo("FR");
        // 3. the genuine message from NL: its own receipt, verified, delivered - neither the junk nor FR's message blocks it
        HttpResponse<String> r = send(genuine);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        NationalQueue.Delivered fromNl = deNational.receive(WAIT.toMillis());
        assertThat(fromNl).as("the genuine message is delivered").isNotNull();
        assertThat(fromNl.partner()).isEqualTo("NL");
        assertThat(fromNl.messageId()).isEqualTo(m.getHeader().getMessageID());
        deliveredIds.add("FR:" + fromFr.messageId());
        deliveredIds.add(fromNl.messageId());
        assertThat(pair.de().audit().verifyChain()).isEmpty();
    }

    @Test
    @Order(3)
    void afterTheCorpusNothingForgedWasDeliveredAndAValidMessageStillIs() {
        List<NationalQueue.Delivered> leftOver = deNational.drain(500);
        assertThat(leftOver).as("no forged message reached DE's national queue").isEmpty();
        assertThat(pair.de().inbound().countHandedOver()).as("only the valid originals of the replay cases")
                .isEqualTo(deliveredIds.size());

        ForgedMessages.Forged valid = ForgedMessages.GENERATORS.get("replay-identical").apply(forge);
        HttpResponse<String> r = send(valid.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).as("DE keeps serving").isNotNull();
        assertThat(delivered.messageId()).isEqualTo(valid.messageId());
        assertThat(pair.de().audit().verifyChain()).isEmpty();
    }

    /**
     * Fuzzing: seeded random single-byte changes (XOR with a random non-zero mask) of one valid sealed message, run
     * in-process through DE's own bound stage processors in route order (check-envelope, decrypt, verify,
     * validate-message): the same code path as the route, without HTTP. No mutant may pass verification unless the
     * change is one XML itself declares insignificant (whitespace to whitespace, or inside the XML declaration), and
     * every failure must be a coded GatewayException other than internal. The first mutants also go over real HTTP.
     */
    @Test
    @Order(4)
    void randomSingleByteChangesAreNeverAcceptedAndAlwaysCoded() throws Exception {
        ForgedMessages.Forged valid = ForgedMessages.GENERATORS.get("replay-identical").apply(forge);
        byte[] original = valid.bytes();
        org.apache.camel.CamelContext context = pair.de().camelContext();
        List<org.apache.camel.Processor> stages = Stream.of("acceptInbound", "decryptPayload", "verifySignature", "validateMessage")
                .map(name -> context.getRegistry().lookupByNameAndType(name, org.apache.camel.Processor.class)).toList();
        assertThat(stages).doesNotContainNull();
        assertThat(runStages(stages, context, original)).as("the unmodified message passes every stage").isNull();

        int declarationEnd = new String(original, StandardCharsets.UTF_8).indexOf("?>") + 2;
        java.util.Random random = new java.util.Random(20_240_611L);
        java.util.Map<String, Integer> byCode = new java.util.TreeMap<>();
        int insignificant = 0;
        int runs = 400;
        for (int run = 0; run < runs; run++) {
            byte[] mutant = original.clone();
            int offset = random.nextInt(mutant.length);
            int from = mutant[offset] & 0xff;
            mutant[offset] = (byte) (from ^ (1 + random.nextInt(255)));
            int to = mutant[offset] & 0xff;
            Throwable failure = runStages(stages, context, mutant);
            String where = "run " + run + ": byte " + offset + " 0x" + Integer.toHexString(from) + " -> 0x" + Integer.toHexString(to);
            if (failure == null) {
                assertThat(offset < declarationEnd || (isXmlSpace(from) && isXmlSpace(to)))
                        .as("ACCEPTED a modified message, " + where).isTrue();
                insignificant++;
                continue;
            }
            assertThat(failure).as(where).isInstanceOf(org.cmag.error.GatewayException.class);
            org.cmag.error.GatewayException g = (org.cmag.error.GatewayException) failure;
            assertThat(g.errorCode()).as(where + ": " + g.detail()).isNotEqualTo(ErrorCode.INTERNAL);
            byCode.merge(g.errorCode().code(), 1, Integer::sum);
            if (run < 25) {
                send(mutant);
            }
        }
        System.out.println("fuzz: " + runs + " single-byte changes, rejected by code " + byCode + ", insignificant (accepted) " + insignificant);
        assertThat(byCode.values().stream().mapToInt(Integer::intValue).sum() + insignificant).isEqualTo(runs);
        assertThat(deNational.drain(1000)).as("no mutant sent over HTTP was delivered").isEmpty();
    }

    /**
     * The SOAP endpoint: a message just over gateway.xml.max-depth reaches SecureXml and gets the coded fault; a grossly
     * deep one is stopped by CXF's StAX ceiling (twice the limit) while CXF reads it, and is coded the same way.
     */
    @Test
    @Order(5)
    void theSoapEndpointAppliesTheSameLimitsWithACodedFaultAndCxfsCeilingBehindThem() throws Exception {
        int maxDepth = pair.de().config().getInt("gateway.xml.max-depth");
        HttpResponse<String> justOver = soap(nestedInHeader(maxDepth + 5));
        assertThat(justOver.statusCode()).isEqualTo(500);
        assertThat(justOver.body()).contains("urn:cmag:error:1").contains("xml_limit_exceeded").contains("gateway.xml.max-depth")
                .doesNotContain("at org.");

        HttpResponse<String> gross = soap(nestedInHeader(4 * maxDepth));
        assertThat(gross.statusCode()).isEqualTo(500);
        // stopped by CXF's reader at twice the limit (130 with the SOAP envelope), still a coded fault
        assertThat(gross.body()).contains("xml_limit_exceeded").contains("Maximum Element Depth limit (" + (2 * maxDepth + 2) + ")")
                .doesNotContain("at org.");
        assertThat(deNational.drain(500)).isEmpty();
    }

    private String nestedInHeader(int depth) {
        ForgedMessages.Forged valid = ForgedMessages.GENERATORS.get("replay-identical").apply(forge);
        String sealed = new String(valid.bytes(), StandardCharsets.UTF_8).replaceFirst("<\\?xml[^>]*\\?>", "");
        int at = sealed.indexOf("</Header>");
        return sealed.substring(0, at) + "<a:n xmlns:a=\"urn:attacker\">" + "<a:n>".repeat(depth - 1) + "</a:n>".repeat(depth)
                + sealed.substring(at);
    }

    private HttpResponse<String> soap(String payload) throws Exception {
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" + payload
                + "</soap:Body></soap:Envelope>";
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(pair.de().config().get("gateway.soap.address")))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:cmag:exchange:1:Submit\"")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isXmlSpace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Runs the stage processors in route order; the first failure, or null when all passed. */
    private static Throwable runStages(List<org.apache.camel.Processor> stages, org.apache.camel.CamelContext context, byte[] body) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
        exchange.getMessage().setBody(body);
        try {
            for (org.apache.camel.Processor stage : stages) {
                stage.process(exchange);
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private ForgedMessages.Forged forged(String id) throws IOException {
        var generator = ForgedMessages.GENERATORS.get(id);
        if (generator != null) {
            return generator.apply(forge);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(CORPUS + id + ".xml")) {
            return new ForgedMessages.Forged(in.readAllBytes(), null);
        }
    }

    private HttpResponse<String> send(byte[] body) {
        return pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml", body);
    }

    private void deliverValid(byte[] sealed) {
        HttpResponse<String> r = send(sealed);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).as("the valid original is delivered").isNotNull();
        deliveredIds.add(delivered.messageId());
    }

    private List<AuditRecord> newAudit(int before) {
        List<AuditRecord> all = pair.de().audit().all();
        return all.subList(before, all.size());
    }

    private List<AuditRecord> rejections(int before) {
        return newAudit(before).stream().filter(rec -> rec.event().type().equals("message-rejected")).toList();
    }
}
