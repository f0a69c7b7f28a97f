package org.cmag.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.cmag.audit.AuditChain;
import org.cmag.cli.Cli;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.demo.GatewayPair;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.cmag.store.EvidenceItem;
import org.cmag.store.RetentionPurge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence end to end between two real gateways (NL, DE; REST, embedded Artemis and H2): a real request and DE's automatic
 * acknowledgement leave NL with the four signed documents of the case, which verify with XML Signature; NL exports the
 * case as a bundle that verifies offline with only the development CA; any modified byte, removed, added or swapped
 * entry, or another trust anchor makes it fail; purged evidence stays verifiable; and the CLI does the same.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvidenceBundleE2eTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path root;

    static GatewayPair pair;
    static String requestId;
    static String caseId;
    static X509Certificate ca;
    static Path bundle;

    @BeforeAll
    static void startGateways() {
        pair = new GatewayPair(root, Map.of()).start(Partner.Channel.REST);
        ca = KeyStores.readPem(root.resolve("pki").resolve("ca.crt"));
    }

    @AfterAll
    static void stopGateways() {
        if (pair != null) {
            pair.close();
        }
    }

    private static Gateway nl() {
        return pair.nl();
    }

    @Test
    @Order(1)
    void aRealExchangeKeepsTheSignedDocumentsAsEvidenceTiedToTheAuditTrail() throws Exception {
        byte[] example;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        HttpResponse<String> r = pair.submit(example);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        requestId = GatewayPair.acceptedMessageId(r).orElseThrow();
        await().atMost(WAIT).until(() -> nl().outbound().status(requestId), s -> s.equals(Optional.of("DELIVERED")));
        caseId = nl().evidence().byMessage(requestId).get(0).caseId();
        // our request and DE's receipt; DE's automatic acknowledgement and our receipt for it
        await().atMost(WAIT).untilAsserted(() -> assertThat(nl().evidence().byCase(caseId)).as("NL's audit of the case: %s",
                nl().audit().all().stream().filter(a -> caseId.equals(a.event().caseId())).map(a -> a.event().type() + "/" + a.event().outcome() + "/"
                        + a.event().errorCode()).toList()).extracting(EvidenceItem::label).hasSize(4));

        List<EvidenceItem> items = nl().evidence().byCase(caseId);
        assertThat(items).extracting(EvidenceItem::label).containsExactlyInAnyOrder("OUT-MESSAGE", "IN-RECEIPT", "IN-MESSAGE", "OUT-RECEIPT");
        Partner de = nl().registry().find("DE").orElseThrow();
        XmlSecurity security = new XmlSecurity(Clock.systemUTC());
        List<AuditRecord> trail = nl().audit().all();
        for (EvidenceItem item : items) {
            assertThat(item.digest()).isEqualTo(AuditChain.sha256Hex(item.content().getBytes(StandardCharsets.UTF_8)));
            assertThat(trail).as("the audit record carrying %s's digest", item.label()).anySatisfy(rec -> assertThat(item.matches(rec.event())).isTrue());
            // the real signed documents: they verify with the signer's registered certificate, and are not encrypted
            X509Certificate signer = item.direction() == EvidenceItem.Direction.OUT ? nl().keys().own().signingCertificate()
                    : nl().keys().partner("DE").signingCertificate();
            security.verify(new SecureXml().parse(item.content().getBytes(StandardCharsets.UTF_8)), signer, de.security());
            assertThat(item.content()).doesNotContain("EncryptedData");
            // retention from the agreement: the message's Created date plus the agreement's retentionYears (receipts follow their message)
            Matcher created = Pattern.compile("Created>(\\d{4}-\\d{2}-\\d{2})").matcher(
                    items.stream().filter(i -> i.kind() == EvidenceItem.Kind.MESSAGE && i.messageId().equals(item.messageId())).findFirst()
                            .orElseThrow().content());
            assertThat(created.find()).isTrue();
            int years = item.messageId().equals(requestId) ? de.retentionYears()
                    : pair.de().registry().find("NL").orElseThrow().retentionYears();
            assertThat(item.retentionUntil()).as(item.label() + " " + item.messageId()).isEqualTo(LocalDate.parse(created.group(1)).plusYears(years));
        }
        // the plaintext request as NL signed it is what DE verified: same message, decrypted on the other side
        EvidenceItem sent = items.stream().filter(i -> i.label().equals("OUT-MESSAGE")).findFirst().orElseThrow();
        assertThat(pair.de().evidence().byMessage(requestId)).extracting(EvidenceItem::label).containsExactlyInAnyOrder("IN-MESSAGE", "OUT-RECEIPT");
        security.verify(new SecureXml().parse(pair.de().evidence().byMessage(requestId).stream().filter(i -> i.kind() == EvidenceItem.Kind.MESSAGE)
                .findFirst().orElseThrow().content().getBytes(StandardCharsets.UTF_8)), nl().keys().own().signingCertificate(), de.security());
        assertThat(sent.content()).contains(requestId);
        assertThat(nl().audit().verifyChain()).isEmpty();
        assertThat(pair.de().audit().verifyChain()).isEmpty();
        // start-up recorded the agreements and the configuration
        assertThat(trail).extracting(rec -> rec.event().type()).contains("policy-loaded", "configuration-loaded");
    }

    @Test
    @Order(2)
    void legalOfficersPlaceAndReleaseAHoldOverRest() throws Exception {
        String url = nl().httpBase() + "/api/v1/cases/" + caseId + "/legal-hold";
        HttpResponse<String> placed = call("POST", url, "{\"reason\":\"court order 2026/17\",\"by\":\"officer-1\"}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(placed.body()).contains("\"active\":true").contains("\"placedBy\":\"officer-1\"");
        HttpResponse<String> again = call("POST", url, "{\"reason\":\"again\",\"by\":\"officer-1\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"code\":\"legal_hold_active\"").doesNotContain("at org.");
        HttpResponse<String> noReason = call("POST", url, "{\"by\":\"officer-1\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("\"code\":\"missing_field\"").contains("reason");
        HttpResponse<String> unknown = call("POST", nl().httpBase() + "/api/v1/cases/NO-SUCH-CASE/legal-hold", "{\"reason\":\"x\",\"by\":\"o\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"case_unknown\"");

        HttpResponse<String> released = call("DELETE", url + "?by=officer-2", null);
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(released.body()).contains("\"active\":false").contains("\"releasedBy\":\"officer-2\"");
        HttpResponse<String> none = call("DELETE", url + "?by=officer-2", null);
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(none.body()).contains("\"code\":\"legal_hold_absent\"");
        assertThat(nl().audit().all()).filteredOn(rec -> caseId.equals(rec.event().caseId())).extracting(rec -> rec.event().type() + " " + rec.event().actor())
                .contains("legal-hold-placed officer-1", "legal-hold-released officer-2");
    }

    private static HttpResponse<String> call(String method, String url, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(WAIT);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static BundleWriter writer() {
        return nl().bundleWriter(Clock.systemUTC());
    }

    @Test
    @Order(3)
    void theExportedCaseBundleVerifiesOfflineWithTheCaAsTrustAnchor() throws Exception {
        bundle = root.resolve("case.zip");
        BundleWriter.Written w = writer().write(Selection.ofCase(caseId), "officer-1", bundle);
        assertThat(w.evidenceItems()).isEqualTo(4);

        BundleVerifier.Result result = BundleVerifier.verify(bundle, ca);
        assertThat(result.problem()).isEmpty();
        assertThat(result.summary()).startsWith("VALID").contains("4 evidence items (0 purged)");

        Map<String, byte[]> entries = read(bundle);
        assertThat(entries).containsKeys("manifest.json", "manifest.sig", "certificates/gateway-signer.pem", "certificates/partner-DE.pem",
                "audit/records.json", "audit/checkpoint.json", "evidence/index.json", "policies/index.json", "report.html",
                "evidence/" + requestId + "/OUT-MESSAGE.xml", "evidence/" + requestId + "/IN-RECEIPT.xml",
                "policies/DE-" + nl().registry().find("DE").orElseThrow().policyDigest() + ".yaml");
        // the evidence in the bundle is byte for byte what the store holds
        assertThat(new String(entries.get("evidence/" + requestId + "/OUT-MESSAGE.xml"), StandardCharsets.UTF_8))
                .isEqualTo(nl().evidence().byMessage(requestId).get(0).content());
        String report = new String(entries.get("report.html"), StandardCharsets.UTF_8);
        assertThat(report).contains(requestId).contains("What the agreement withheld").contains("EU-515-97").contains("officer-1")
                .contains("agreement EU-515-97-DE v1 sha256 " + nl().registry().find("DE").orElseThrow().policyDigest());
        String manifest = new String(entries.get("manifest.json"), StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"createdBy\" : \"officer-1\"").contains("case " + caseId);
        // the export itself is audited, and is the head the bundle's checkpoint signs
        AuditRecord last = nl().audit().all().get(nl().audit().all().size() - 1);
        assertThat(last.event().type()).isEqualTo("evidence-exported");
        assertThat(last.event().actor()).isEqualTo("officer-1");
        assertThat(new String(entries.get("audit/checkpoint.json"), StandardCharsets.UTF_8)).contains("\"headSeq\" : " + last.seq());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"audit", "verify-bundle", bundle.toString(), "--trust-anchor", root.resolve("pki/ca.crt").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("VALID");
    }

    /**
     * Every byte of every entry up to 4 KB (the manifest, its signature, the certificates, the checkpoint, the indexes), and of
     * larger entries (audit records, signed documents, agreements, report) the first and last 512 bytes and every 61st byte in
     * between: each entry's SHA-256 is in the signed manifest, so a change anywhere in a large entry is caught by the same digest
     * comparison as one at its edges; the stride keeps the run to seconds while still touching every part of every entry.
     */
    @Test
    @Order(4)
    void anyModifiedByteOfAnyEntryFailsVerification() throws Exception {
        Map<String, byte[]> entries = read(bundle);
        int checked = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] b = e.getValue();
            for (int i = 0; i < b.length; i++) {
                if (b.length > 4096 && i >= 512 && i < b.length - 512 && i % 61 != 0) {
                    continue;
                }
                b[i] ^= 0x01;
                BundleVerifier.Result r = BundleVerifier.verify(entries, ca);
                b[i] ^= 0x01;
                assertThat(r.valid()).as("byte %d of %s flipped", i, e.getKey()).isFalse();
                checked++;
            }
        }
        assertThat(BundleVerifier.verify(entries, ca).valid()).isTrue();
        assertThat(checked).isGreaterThan(5000);
    }

    @Test
    @Order(5)
    void removedAddedOrSwappedEntriesAndAnotherTrustAnchorFail() throws Exception {
        Map<String, byte[]> entries = read(bundle);
        for (String path : entries.keySet()) {
            Map<String, byte[]> without = new LinkedHashMap<>(entries);
            without.remove(path);
            assertThat(BundleVerifier.verify(without, ca).problem()).as("without " + path).get().asString().contains(path);
        }
        Map<String, byte[]> added = new LinkedHashMap<>(entries);
        added.put("evidence/extra.xml", "<x/>".getBytes(StandardCharsets.UTF_8));
        assertThat(BundleVerifier.verify(added, ca).problem()).get().asString().contains("evidence/extra.xml is not listed");

        // a genuine signed document of the same case in place of another
        Map<String, byte[]> swapped = new LinkedHashMap<>(entries);
        String ackPath = entries.keySet().stream().filter(p -> p.endsWith("/IN-MESSAGE.xml")).findFirst().orElseThrow();
        swapped.put("evidence/" + requestId + "/OUT-MESSAGE.xml", entries.get(ackPath));
        assertThat(BundleVerifier.verify(swapped, ca).problem()).get().asString().contains("OUT-MESSAGE.xml was modified");

        // the genuine, signed manifest of another bundle of the same gateway
        Path other = root.resolve("message.zip");
        writer().write(Selection.ofMessage(requestId), "officer-1", other);
        Map<String, byte[]> otherEntries = read(other);
        assertThat(BundleVerifier.verify(otherEntries, ca).valid()).isTrue();
        Map<String, byte[]> mixed = new LinkedHashMap<>(entries);
        mixed.put("manifest.json", otherEntries.get("manifest.json"));
        mixed.put("manifest.sig", otherEntries.get("manifest.sig"));
        assertThat(BundleVerifier.verify(mixed, ca).valid()).isFalse();

        // a trust anchor that did not issue the gateway's certificate
        X509Certificate stranger = DevCertificates.newCa("CN=Another CA", Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400))
                .certificate();
        assertThat(BundleVerifier.verify(entries, stranger).problem()).get().asString().contains("does not chain to the trust anchor");
        // and in the ZIP file itself: one more (directory) entry
        Map<String, byte[]> withDirectory = new LinkedHashMap<>(entries);
        withDirectory.put("evidence/index.json/", new byte[0]);
        assertThat(BundleVerifier.verify(write(root.resolve("extra-directory.zip"), withDirectory), ca).valid()).isFalse();
    }

    @Test
    @Order(6)
    void purgedEvidenceKeepsItsDigestAndTheBundleAndChainStillVerify() throws IOException {
        // the case's retention ends yesterday (as if years had passed): the purge removes the documents, keeps the digests
        nl().database().inTransaction(c -> {
            try (var ps = c.prepareStatement("UPDATE evidence_item SET retention_until = ? WHERE case_id = ?")) {
                ps.setDate(1, java.sql.Date.valueOf(LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1)));
                ps.setString(2, caseId);
                return ps.executeUpdate();
            }
        });
        RetentionPurge.Result purged = new RetentionPurge(nl().database(), nl().audit(), Clock.systemUTC(), Duration.ofDays(180)).run(false, "test");
        assertThat(purged.evidenceItems()).isEqualTo(4);
        assertThat(nl().evidence().byCase(caseId)).allSatisfy(i -> assertThat(i.purged()).isTrue());
        assertThat(nl().audit().verifyChain()).isEmpty();

        Path after = root.resolve("purged.zip");
        BundleWriter.Written w = writer().write(Selection.ofCase(caseId), "officer-1", after);
        assertThat(w.purgedItems()).isEqualTo(4);
        BundleVerifier.Result r = BundleVerifier.verify(after, ca);
        assertThat(r.problem()).isEmpty();
        assertThat(r.summary()).contains("4 evidence items (4 purged)");
        assertThat(read(after).keySet()).noneMatch(p -> p.endsWith(".xml"));
    }

    @Test
    @Order(7)
    void theCliExportsFromTheGatewaysDatabaseAndRejectsATamperedBundle() throws Exception {
        pair.close();
        pair = null;
        Path file = root.resolve("cli.zip");
        String[] config = {"--set", "gateway.id=NL", "--set", "gateway.data-dir=" + root.resolve("NL"), "--set", "gateway.pki.dir=" + root.resolve("pki")};
        Run export = cli("audit", "export", "--case", caseId, "--out", file.toString(), "--by", "officer-3", config[0], config[1], config[2],
                config[3], config[4], config[5]);
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("wrote " + file).contains("4 evidence items (4 purged)");
        String anchor = root.resolve("pki/ca.crt").toString();
        Run ok = cli("audit", "verify-bundle", file.toString(), "--trust-anchor", anchor);
        assertThat(ok.exit()).as(ok.err()).isZero();

        Map<String, byte[]> entries = read(file);
        entries.get("audit/records.json")[100] ^= 0x20;
        Path tampered = write(root.resolve("tampered.zip"), entries);
        Run bad = cli("audit", "verify-bundle", tampered.toString(), "--trust-anchor", anchor);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error bundle_invalid: entry audit/records.json was modified").doesNotContain("Exception");

        Run usage = cli("audit", "export", "--out", file.toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--case");
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Run(int exit, String out, String err) {}

    /** The entries as a ZIP in the bundle writer's own form (so what a test changed is all that differs). */
    static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        return Files.write(file, TestZip.canonical(entries));
    }

    static Map<String, byte[]> read(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        return entries;
    }
}
