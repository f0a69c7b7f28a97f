package org.cmag.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.CheckpointJson;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.SigningKey;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;

/**
 * NL's audit trail and evidence without a running gateway: the real store on an H2 file database, the real development
 * PKI (one CA; NL, DE and GB each with their own signing keys), and NL's real {@link BundleWriter}. The trail holds the
 * case {@link #CASE} with DE (signed request, DE's receipt, DE's answer and our receipt for it, the last recorded
 * without a case id as the gateway does for {@code message-received}) and, between its records, the unrelated case
 * {@link #OTHER_CASE} with GB and the gateway's own housekeeping, whose texts are distinctive so a test can look for
 * them in every entry of a bundle.
 */
final class BundleFixture implements AutoCloseable {
    static final String CASE = "NL-2026-CASE-1";
    static final String REQUEST = "NL-MSG-1";
    static final String ANSWER = "DE-MSG-9";
    static final String OTHER_CASE = "NL-2026-NIGHTJAR";
    static final String OTHER_MESSAGE = "NL-MSG-NIGHTJAR-7";
    static final String OTHER_PARTNER = "GB";
    static final String OTHER_PURPOSE = "NIGHTJAR tobacco smuggling via Felixstowe";
    static final String OTHER_LEGAL_BASIS = "NIGHTJAR-MAA-UK-EU art. 12";
    static final String OTHER_DETAIL = "NIGHTJAR informant Jane Roe, vessel MV Kestrel";
    /** Every text of the other case that a bundle of {@link #CASE} must not contain. */
    static final List<String> OTHER_TEXTS = List.of(OTHER_CASE, OTHER_MESSAGE, OTHER_PURPOSE, OTHER_LEGAL_BASIS, OTHER_DETAIL, "NIGHTJAR");

    final Path root;
    final DevPki pki;
    final X509Certificate ca;
    final OwnKeys nl;
    final OwnKeys de;
    final Database database;
    final AuditLog audit;
    final BundleWriter writer;

    BundleFixture(Path root) {
        this.root = root;
        Clock clock = Clock.systemUTC(); // the development certificates are issued as of now
        pki = new DevPki(root.resolve("pki"), clock, "changeit".toCharArray());
        pki.ensure(List.of("NL", "DE", "GB"));
        ca = pki.caCertificate();
        nl = pki.loadOwn("NL");
        de = pki.loadOwn("DE");
        database = new Database("jdbc:h2:file:" + root.resolve("db").toAbsolutePath().resolve("cmag") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 4);
        audit = new AuditLog(database, clock);
        writer = new BundleWriter(database, audit, "NL", nl::signer, p -> p.equals("DE") || p.equals("GB")
                ? pki.loadPartner(p).signingCertificates() : List.of(), clock);

        audit.append(AuditEvent.ok("configuration-loaded", "gateway", null, null, null, "configuration sha256 1234 (housekeeping)"));
        String basis = "EU-REG-515-97 art. 4";
        store(REQUEST, CASE, EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, basis, "CUSTOMS_VALUE");
        other("message-sealed");
        store(REQUEST, CASE, EvidenceItem.Direction.IN, EvidenceItem.Kind.RECEIPT, null, null);
        other("receipt-verified");
        audit.append(AuditEvent.ok("audit-log-accessed", "officer-9", null, null, null, "search case=" + OTHER_CASE + " purpose=NIGHTJAR"));
        store(ANSWER, CASE, EvidenceItem.Direction.IN, EvidenceItem.Kind.MESSAGE, basis, "CUSTOMS_VALUE");
        other("case-transition");
        store(ANSWER, null, EvidenceItem.Direction.OUT, EvidenceItem.Kind.RECEIPT, null, null);
        other("policy-applied");
    }

    /** One evidence item of the case with the audit record that carries its digest, in one transaction (as the stages do). */
    private void store(String messageId, String caseId, EvidenceItem.Direction direction, EvidenceItem.Kind kind, String basis, String purpose) {
        EvidenceItem item = EvidenceItem.of(messageId, caseId == null ? CASE : caseId, "DE", direction, kind,
                "<Signed id='" + messageId + "' kind='" + kind + "' direction='" + direction + "'>genuine " + "evidence ".repeat(200) + "</Signed>",
                Instant.now(), LocalDate.now().plusYears(6));
        database.inTransaction(c -> {
            EvidenceStore.insert(c, item);
            AuditEvent e = direction == EvidenceItem.Direction.OUT && kind == EvidenceItem.Kind.RECEIPT
                    ? AuditEvent.ok(item.auditEventType(), "gateway", "DE", messageId, caseId, EvidenceItem.RECEIPT_DIGEST_NOTE + item.digest())
                    : AuditEvent.ok(item.auditEventType(), "gateway", "DE", messageId, caseId, "evidence of " + messageId).withDigest(item.digest());
            audit.append(c, basis == null ? e : e.withLegal(basis, purpose));
            return null;
        });
    }

    /** A record of the other case, with GB, its legal basis, purpose and a telling detail. */
    private void other(String type) {
        audit.append(AuditEvent.ok(type, "gateway", OTHER_PARTNER, OTHER_MESSAGE, OTHER_CASE, OTHER_DETAIL + " (" + type + ")")
                .withLegal(OTHER_LEGAL_BASIS, OTHER_PURPOSE).withDigest("ab".repeat(32)));
    }

    /** NL's bundle of the case, written to {@code name} under the fixture's directory. */
    Path caseBundle(String name) {
        return writer.write(Selection.ofCase(CASE), "officer-1", root.resolve(name)).file();
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

    static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        return Files.write(file, TestZip.canonical(entries));
    }

    /**
     * The bundle as someone holding {@code key} would re-sign it after changing it: the checkpoint of its last record and
     * the manifest (digests recomputed, gateway id {@code gatewayId}) signed with {@code key}, whose certificate replaces
     * the signer's.
     */
    static Map<String, byte[]> resign(Map<String, byte[]> entries, SigningKey key, String gatewayId) throws IOException {
        return resign(entries, key, gatewayId, List.of());
    }

    /** {@link #resign} with more entries listed in the manifest (path, sha256, size), e.g. one too large to be in {@code entries}. */
    static Map<String, byte[]> resign(Map<String, byte[]> entries, SigningKey key, String gatewayId, List<com.fasterxml.jackson.databind.JsonNode> listed)
            throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>(entries);
        var records = BundleFormat.JSON.readTree(entries.get(BundleFormat.RECORDS));
        var last = records.get(records.size() - 1);
        Instant now = Instant.now();
        Checkpoint checkpoint = Checkpoint.sign(gatewayId, last.path("seq").asLong(), last.path("hash").asText(), now, key.key(), key.certificate());
        out.put(BundleFormat.CHECKPOINT, BundleFormat.json(CheckpointJson.toJson(checkpoint)));
        out.put(BundleFormat.SIGNER, BundleFormat.pem(List.of(key.certificate())));
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) BundleFormat.JSON.readTree(entries.get(BundleFormat.MANIFEST));
        manifest.put("gatewayId", gatewayId);
        manifest.put("createdAt", now.toString());
        var list = manifest.putArray("entries");
        out.forEach((path, bytes) -> {
            if (!path.equals(BundleFormat.MANIFEST) && !path.equals(BundleFormat.SIGNATURE)) {
                list.addObject().put("path", path).put("sha256", org.cmag.audit.AuditChain.sha256Hex(bytes)).put("size", bytes.length);
            }
        });
        listed.forEach(list::add);
        byte[] manifestBytes = BundleFormat.json(manifest);
        out.put(BundleFormat.MANIFEST, manifestBytes);
        try {
            java.security.Signature s = java.security.Signature.getInstance(Checkpoint.algorithmFor(key.key().getAlgorithm()));
            s.initSign(key.key());
            s.update(manifestBytes);
            out.put(BundleFormat.SIGNATURE, s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        database.close();
    }
}
