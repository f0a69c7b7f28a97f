package org.cmag.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.cmag.audit.AuditChain;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.Checkpoint;
import org.cmag.store.AuditRecord;
import org.cmag.store.EvidenceItem;

/**
 * Verifies an evidence bundle offline, with nothing but the bundle and a trust anchor (the CA that issued the gateway's
 * certificate): the signer's certificate path (at the bundle's creation time), the signature over the manifest, every
 * entry's SHA-256 and size with no entry missing or added, the audit records' hash chain, the checkpoint's signature (by
 * the same key) and that its head is the last record, every evidence item's digest against its content and against the
 * audit record that stored it, and the agreement files' digests. The result names the first problem.
 */
public final class BundleVerifier {
    private BundleVerifier() {}

    /** The outcome: valid, or the first problem; with a one-line summary of what was checked. */
    public record Result(Optional<String> problem, String summary) {
        public boolean valid() {
            return problem.isEmpty();
        }
    }

    private static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads and verifies a bundle file. */
    public static Result verify(Path bundle, X509Certificate trustAnchor) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(bundle); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                zip.transferTo(out);
                if (entries.put(e.getName(), out.toByteArray()) != null) {
                    return failed("entry " + e.getName() + " occurs twice");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return failed("the bundle is not a readable ZIP file: " + e.getMessage());
        }
        return verify(entries, trustAnchor);
    }

    /** Verifies a bundle's entries (path to bytes). */
    public static Result verify(Map<String, byte[]> entries, X509Certificate trustAnchor) {
        try {
            return new Result(Optional.empty(), check(entries, trustAnchor));
        } catch (Problem p) {
            return failed(p.getMessage());
        } catch (RuntimeException e) {
            return failed("the bundle is malformed: " + e);
        }
    }

    private static Result failed(String problem) {
        return new Result(Optional.of(problem), "INVALID: " + problem);
    }

    private static String check(Map<String, byte[]> entries, X509Certificate anchor) throws Problem {
        byte[] manifestBytes = require(entries, BundleFormat.MANIFEST);
        byte[] signature = require(entries, BundleFormat.SIGNATURE);
        JsonNode manifest = parse(manifestBytes, BundleFormat.MANIFEST);
        if (!BundleFormat.FORMAT.equals(manifest.path("format").asText())) {
            throw new Problem("manifest.json is not a " + BundleFormat.FORMAT + " manifest");
        }
        Instant created = instant(manifest.path("createdAt").asText(), "manifest.json createdAt");

        // 1. who signed the manifest: the signer's path to the trust anchor, then the signature
        List<X509Certificate> signer = certificates(require(entries, BundleFormat.SIGNER), BundleFormat.SIGNER);
        checkPath(signer, anchor, created);
        X509Certificate leaf = signer.get(0);
        try {
            String algorithm = Checkpoint.algorithmFor(leaf.getPublicKey().getAlgorithm());
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(leaf.getPublicKey());
            s.update(manifestBytes);
            if (!algorithm.equals(manifest.path("signatureAlgorithm").asText()) || !s.verify(signature)) {
                throw new Problem("manifest.sig: the signature over manifest.json does not verify with the signer's certificate");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Problem("manifest.sig: the signature over manifest.json does not verify: " + e.getMessage());
        }

        // 2. the entries: each listed one present with its digest and size, nothing else
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode e : manifest.path("entries")) {
            String path = e.path("path").asText();
            if (listed.put(path, e) != null || Set.of(BundleFormat.MANIFEST, BundleFormat.SIGNATURE).contains(path)) {
                throw new Problem("manifest.json lists entry " + path + " twice or lists itself");
            }
            byte[] bytes = entries.get(path);
            if (bytes == null) {
                throw new Problem("entry " + path + " is listed in the manifest but missing from the bundle");
            }
            if (bytes.length != e.path("size").asLong(-1) || !AuditChain.sha256Hex(bytes).equals(e.path("sha256").asText())) {
                throw new Problem("entry " + path + " was modified: its SHA-256 or size differs from the manifest's");
            }
        }
        for (String path : entries.keySet()) {
            if (!listed.containsKey(path) && !path.equals(BundleFormat.MANIFEST) && !path.equals(BundleFormat.SIGNATURE)) {
                throw new Problem("entry " + path + " is not listed in the manifest (added to the bundle)");
            }
        }
        if (!listed.containsKey(BundleFormat.SIGNER)) {
            throw new Problem("manifest.json does not list " + BundleFormat.SIGNER);
        }

        // 3. the audit records: one unbroken chain ending at a checkpoint signed by the same gateway key
        List<AuditRecord> records = new ArrayList<>();
        int selected = 0;
        for (JsonNode r : parse(require(entries, BundleFormat.RECORDS), BundleFormat.RECORDS)) {
            records.add(BundleFormat.record(r));
            selected += r.path("excerpt").asBoolean() ? 1 : 0;
        }
        if (records.isEmpty() || selected == 0) {
            throw new Problem(BundleFormat.RECORDS + " holds no selected audit records");
        }
        AuditRecord first = records.get(0);
        Optional<ChainProblem> broken = AuditChain.check(records, first.seq(), first.prevHash());
        if (broken.isPresent()) {
            throw new Problem("audit chain, " + broken.get().kind() + ": " + broken.get().message());
        }
        AuditRecord last = records.get(records.size() - 1);
        Checkpoint checkpoint;
        try {
            checkpoint = BundleFormat.checkpoint(parse(require(entries, BundleFormat.CHECKPOINT), BundleFormat.CHECKPOINT));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Problem(BundleFormat.CHECKPOINT + " is malformed: " + e.getMessage());
        }
        if (!checkpoint.certificate().equals(leaf) || !checkpoint.signatureValid()) {
            throw new Problem("checkpoint of record " + checkpoint.headSeq() + ": its signature does not verify with the gateway's certificate");
        }
        if (!checkpoint.gatewayId().equals(manifest.path("gatewayId").asText())) {
            throw new Problem("checkpoint of record " + checkpoint.headSeq() + " is of gateway " + checkpoint.gatewayId() + ", not of the bundle's");
        }
        if (checkpoint.headSeq() != last.seq() || !checkpoint.headHash().equals(last.hash())) {
            throw new Problem("checkpoint names record " + checkpoint.headSeq() + " as the head, but the bundle's chain ends with record "
                    + last.seq() + " (records removed, added or replaced)");
        }

        // 4. the evidence: each held document hashes to its digest, and each digest is the one its audit record carries
        int items = 0;
        int purged = 0;
        for (JsonNode i : parse(require(entries, BundleFormat.EVIDENCE_INDEX), BundleFormat.EVIDENCE_INDEX)) {
            EvidenceItem item = new EvidenceItem(0, BundleFormat.text(i, "messageId"), BundleFormat.text(i, "caseId"),
                    BundleFormat.text(i, "partnerId"), EvidenceItem.Direction.valueOf(i.path("direction").asText()),
                    EvidenceItem.Kind.valueOf(i.path("kind").asText()), BundleFormat.text(i, "digest"), null, Instant.EPOCH, null, null);
            String path = BundleFormat.text(i, "path");
            String what = "evidence item " + item.label() + " of message " + item.messageId();
            if (path == null) {
                purged++;
            } else if (!listed.containsKey(path) || !AuditChain.sha256Hex(entries.get(path)).equals(item.digest())) {
                throw new Problem(what + ": " + path + " does not hash to the item's digest");
            }
            if (records.stream().noneMatch(r -> item.matches(r.event()))) {
                throw new Problem(what + ": no " + item.auditEventType() + " audit record in the bundle carries its digest " + item.digest());
            }
            items++;
        }
        for (JsonNode p : parse(require(entries, BundleFormat.POLICY_INDEX), BundleFormat.POLICY_INDEX)) {
            String path = p.path("path").asText();
            if (!listed.containsKey(path) || !AuditChain.sha256Hex(entries.get(path)).equals(p.path("sha256").asText())) {
                throw new Problem("agreement file " + path + " does not hash to its recorded SHA-256");
            }
        }
        return "VALID: " + manifest.path("purpose").asText() + "; signed by " + leaf.getSubjectX500Principal().getName() + " at " + created
                + "; " + listed.size() + " entries intact; audit records " + first.seq() + ".." + last.seq() + " chained (" + selected
                + " selected) up to a valid checkpoint; " + items + " evidence items (" + purged + " purged) match their audit records";
    }

    private static byte[] require(Map<String, byte[]> entries, String path) throws Problem {
        byte[] b = entries.get(path);
        if (b == null) {
            throw new Problem("entry " + path + " is missing");
        }
        return b;
    }

    private static JsonNode parse(byte[] json, String path) throws Problem {
        try {
            return BundleFormat.JSON.readTree(json);
        } catch (IOException e) {
            throw new Problem(path + " is not valid JSON");
        }
    }

    private static Instant instant(String text, String what) throws Problem {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new Problem(what + " is not a time: " + text);
        }
    }

    private static List<X509Certificate> certificates(byte[] pem, String path) throws Problem {
        try {
            return BundleFormat.certificates(pem);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Problem(path + " holds no readable certificate");
        }
    }

    /** The signer's path (leaf first; an included anchor is ignored) must chain to {@code anchor} at the bundle's creation time. */
    private static void checkPath(List<X509Certificate> chain, X509Certificate anchor, Instant at) throws Problem {
        List<X509Certificate> path = chain.stream().filter(c -> !c.equals(anchor)).toList();
        if (path.isEmpty()) {
            throw new Problem(BundleFormat.SIGNER + " holds only the trust anchor, not the gateway's certificate");
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false); // offline: the bundle is checked as of its creation time
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            throw new Problem("the signer's certificate " + path.get(0).getSubjectX500Principal().getName()
                    + " does not chain to the trust anchor " + anchor.getSubjectX500Principal().getName() + ": " + e.getMessage());
        }
    }
}
