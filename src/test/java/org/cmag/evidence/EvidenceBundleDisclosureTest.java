package org.cmag.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A case bundle discloses nothing of other cases: the records of the unrelated case between the case's own (and the
 * gateway's records outside the selection) travel as their hash only, the chain still verifies link by link, and a
 * change to such a hash is found. Real store (H2), real development PKI, NL's real bundle writer; the console's export
 * ({@link BundleWriter#bytes}) is the same bundle.
 */
class EvidenceBundleDisclosureTest {
    @TempDir
    static Path root;

    static BundleFixture f;

    @BeforeAll
    static void trail() {
        f = new BundleFixture(root);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    @Test
    void aCaseBundleCarriesTheOtherCasesRecordsAsHashesOnlyAndItsChainStillVerifies() throws Exception {
        Path bundle = f.caseBundle("case.zip");
        BundleVerifier.Result result = BundleVerifier.verify(bundle, f.ca);
        assertThat(result.problem()).as(result.summary()).isEmpty();

        Map<String, byte[]> entries = BundleFixture.read(bundle);
        assertNothingOfTheOtherCase(entries);
        assertThat(entries).doesNotContainKey("certificates/partner-" + BundleFixture.OTHER_PARTNER + ".pem").containsKey("certificates/partner-DE.pem");

        JsonNode records = BundleFormat.JSON.readTree(entries.get(BundleFormat.RECORDS));
        List<JsonNode> full = new ArrayList<>();
        List<JsonNode> hashed = new ArrayList<>();
        records.forEach(r -> (r.has("hashedOnly") ? hashed : full).add(r));
        // between the case's first record and the export: 4 records of the other case and the officer's search, hashes only
        assertThat(hashed).hasSize(5).allSatisfy(r -> assertThat(fields(r)).containsExactly("hash", "hashedOnly", "prevHash", "seq"));
        // (earlier exports of the case, by the other tests, are records of the case too)
        assertThat(full.subList(0, 4)).extracting(r -> r.path("type").asText()).containsExactly("message-sealed", "receipt-verified",
                "signature-verified", "message-received");
        assertThat(full.subList(4, full.size())).isNotEmpty().allSatisfy(r -> assertThat(r.path("type").asText()).isEqualTo("evidence-exported"));
        assertThat(full).allSatisfy(r -> {
            assertThat(r.path("partnerId").asText()).isNotEqualTo(BundleFixture.OTHER_PARTNER);
            // the case's records, or records without a case of the case's messages (our receipt for DE's answer)
            assertThat(r.path("caseId").isNull() ? r.path("messageId").asText() : r.path("caseId").asText())
                    .isIn(BundleFixture.CASE, BundleFixture.ANSWER);
        });
        // link by link, across the hashed-only records
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).path("seq").asLong()).isEqualTo(records.get(i - 1).path("seq").asLong() + 1);
            assertThat(records.get(i).path("prevHash").asText()).isEqualTo(records.get(i - 1).path("hash").asText());
        }
        // and the hashes are the gateway's own: each hashed-only record is the stored record's hash
        for (JsonNode h : hashed) {
            AuditRecord stored = f.audit.range(h.path("seq").asLong(), h.path("seq").asLong()).get(0);
            assertThat(h.path("hash").asText()).isEqualTo(stored.hash());
        }
        assertThat(BundleFixture.text(entries.get(BundleFormat.REPORT))).contains("<b id=\"hashed-only\">5</b> records of other cases");
        assertThat(result.summary()).contains("(" + full.size() + " selected in full, 5 of other cases or outside the selection as hashes only)")
                .contains("4 evidence items (0 purged)");
        // the gateway's own trail keeps the other case in full: only the bundle leaves it out
        assertThat(f.audit.all()).anySatisfy(r -> assertThat(r.event().purpose()).isEqualTo(BundleFixture.OTHER_PURPOSE));
    }

    @Test
    void theConsolesExportIsTheSameBundleWithoutTheOtherCase() throws Exception {
        // the gateway binds the console's "Export evidence" (EvidenceExport) to BundleWriter.bytes
        EvidenceExport export = (caseId, officer) -> f.writer.bytes(Selection.ofCase(caseId), officer);
        Path bundle = Files.write(root.resolve("console.zip"), export.caseBundle(BundleFixture.CASE, "user 42 via legal-officer-console"));
        BundleVerifier.Result result = BundleVerifier.verify(bundle, f.ca);
        assertThat(result.problem()).as(result.summary()).isEmpty();
        assertThat(result.summary()).contains("as hashes only");
        assertNothingOfTheOtherCase(BundleFixture.read(bundle));
    }

    @Test
    void aChangedHashedOnlyRecordIsFound() throws Exception {
        Map<String, byte[]> genuine = BundleFixture.read(f.caseBundle("tamper.zip"));
        ArrayNode records = (ArrayNode) BundleFormat.JSON.readTree(genuine.get(BundleFormat.RECORDS));
        int i = 0;
        while (!records.get(i).has("hashedOnly")) {
            i++;
        }
        long seq = records.get(i).path("seq").asLong();
        var key = f.nl.signer(Instant.now());
        // control: re-signed unchanged with the gateway's own key, the bundle verifies (so what fails below is the change)
        assertThat(verify(BundleFixture.resign(genuine, key, "NL")).problem()).isEmpty();

        // its hash changed: caught first by the signed manifest ...
        ArrayNode changedHash = records.deepCopy();
        ((ObjectNode) changedHash.get(i)).put("hash", "0".repeat(64));
        Map<String, byte[]> altered = TestZip.with(genuine, BundleFormat.RECORDS, BundleFormat.json(changedHash));
        assertThat(verify(altered).problem()).get().asString().isEqualTo("entry audit/records.json was modified: its SHA-256 or size differs from the manifest's");
        // ... and, re-signed by whoever holds the key, by the chain: the next record no longer links to it
        assertThat(verify(BundleFixture.resign(altered, key, "NL")).problem()).get().asString()
                .startsWith("audit chain, BROKEN_LINK: record " + (seq + 1) + " does not link to its predecessor");

        // its link changed instead: it no longer links to its predecessor
        ArrayNode changedLink = records.deepCopy();
        ((ObjectNode) changedLink.get(i)).put("prevHash", "f".repeat(64));
        assertThat(verify(BundleFixture.resign(TestZip.with(genuine, BundleFormat.RECORDS, BundleFormat.json(changedLink)), key, "NL")).problem())
                .get().asString().startsWith("audit chain, BROKEN_LINK: record " + seq + " (hashed only) does not link to its predecessor");

        // a field smuggled into a hashed-only record: refused, a hashed-only record carries nothing else
        ArrayNode withField = records.deepCopy();
        ((ObjectNode) withField.get(i)).put("purpose", BundleFixture.OTHER_PURPOSE);
        assertThat(verify(BundleFixture.resign(TestZip.with(genuine, BundleFormat.RECORDS, BundleFormat.json(withField)), key, "NL")).problem())
                .get().asString().contains("record " + seq + ": a hashed-only record must hold exactly seq, prevHash, hash and hashedOnly: true");

        // a hashed-only record dropped: the sequence has a gap
        ArrayNode dropped = records.deepCopy();
        dropped.remove(i);
        assertThat(verify(BundleFixture.resign(TestZip.with(genuine, BundleFormat.RECORDS, BundleFormat.json(dropped)), key, "NL")).problem())
                .get().asString().startsWith("audit chain, MISSING: record " + seq + " is missing");
    }

    private static BundleVerifier.Result verify(Map<String, byte[]> entries) throws Exception {
        Path file = Files.createTempFile(root, "bundle", ".zip");
        return BundleVerifier.verify(BundleFixture.write(file, entries), f.ca);
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** No entry holds any text of the other case (its id, message, partner's purpose and legal basis, details). */
    static void assertNothingOfTheOtherCase(Map<String, byte[]> entries) {
        entries.forEach((path, bytes) -> {
            String text = BundleFixture.text(bytes);
            for (String secret : BundleFixture.OTHER_TEXTS) {
                assertThat(text).as("entry %s", path).doesNotContain(secret);
            }
            assertThat(text).as("entry %s", path).doesNotContain("\"" + BundleFixture.OTHER_PARTNER + "\"");
        });
    }
}
