package org.cmag.evidence;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.CheckpointJson;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditRecord;

/**
 * The layout of an evidence bundle (a ZIP) and the JSON of its parts, shared by {@link BundleWriter} and
 * {@link BundleVerifier}:
 * <pre>
 * manifest.json                  what the bundle is for, when, by whom; every other entry with its SHA-256 and size
 * manifest.sig                   detached signature over manifest.json's bytes (raw, algorithm from the key)
 * certificates/gateway-signer.pem  the signing certificate (and any intermediates) of the gateway; in the manifest
 * certificates/partner-ID.pem    the partners' registered signing certificates
 * audit/records.json             the audit records from the first selected one to the checkpoint: the selected ones (and the export's
 *                                own record) in full, every other one as its hash only ({"seq", "prevHash", "hash", "hashedOnly": true}),
 *                                so the chain verifies link by link and nothing of other cases is disclosed
 * audit/checkpoint.json          a signed checkpoint (org.cmag.audit.Checkpoint) of the last record
 * evidence/index.json            every evidence item of the selection: ids, direction, kind, digest, retention, purge, path
 * evidence/MESSAGE/DIR-KIND.xml  the signed messages and receipts still held (purged ones: index entry only)
 * policies/index.json, policies/ID-SHA256.yaml   the agreement file versions recorded for the partners concerned
 * report.html                    for people: what was exchanged with whom, under which legal basis and purpose, what was withheld, timeline
 * </pre>
 * The ZIP container itself is written and checked by {@link BundleZip} (one meaning for every reader). Format 2 (this
 * one) differs from format 1 by the hashed-only records and the plain ZIP form; format 1 bundles are refused.
 */
final class BundleFormat {
    static final String FORMAT = "cmag-evidence-bundle/2";
    /** The format before records of other cases were reduced to their hashes; refused by the verifier. */
    static final String FORMAT_1 = "cmag-evidence-bundle/1";
    static final String MANIFEST = "manifest.json";
    static final String SIGNATURE = "manifest.sig";
    static final String SIGNER = "certificates/gateway-signer.pem";
    static final String RECORDS = "audit/records.json";
    static final String CHECKPOINT = "audit/checkpoint.json";
    static final String EVIDENCE_INDEX = "evidence/index.json";
    static final String POLICY_INDEX = "policies/index.json";
    static final String REPORT = "report.html";

    static final ObjectMapper JSON = new ObjectMapper();
    /** For reading what a bundle holds: a key twice in one object is an error, not "the last one wins". */
    static final ObjectMapper STRICT_JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The fields of a record given in full. */
    static final Set<String> FULL_RECORD = Set.of("seq", "occurredAt", "type", "outcome", "actor", "partnerId", "messageId", "caseId", "legalBasis",
            "purpose", "messageDigest", "errorCode", "detail", "prevHash", "hash");
    /** The fields of a record given as its hash only. */
    static final Set<String> HASHED_RECORD = Set.of("seq", "prevHash", "hash", "hashedOnly");

    private BundleFormat() {}

    /** A name safe as a ZIP path segment. */
    static String safe(String s) {
        return s == null ? "_" : s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A record of the selection, in full. */
    static ObjectNode record(AuditRecord r) {
        AuditEvent e = r.event();
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", r.seq());
        n.put("occurredAt", r.occurredAt().toString());
        n.put("type", e.type());
        n.put("outcome", e.outcome());
        n.put("actor", e.actor());
        n.put("partnerId", e.partnerId());
        n.put("messageId", e.messageId());
        n.put("caseId", e.caseId());
        n.put("legalBasis", e.legalBasis());
        n.put("purpose", e.purpose());
        n.put("messageDigest", e.messageDigest());
        n.put("errorCode", e.errorCode());
        n.put("detail", e.detail());
        n.put("prevHash", r.prevHash());
        n.put("hash", r.hash());
        return n;
    }

    /** A record outside the selection: its place in the chain and nothing of its content. */
    static ObjectNode hashedOnly(AuditRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", r.seq());
        n.put("prevHash", r.prevHash());
        n.put("hash", r.hash());
        n.put("hashedOnly", true);
        return n;
    }

    static AuditRecord record(JsonNode n) {
        AuditEvent e = new AuditEvent(text(n, "type"), text(n, "outcome"), text(n, "actor"), text(n, "partnerId"), text(n, "messageId"),
                text(n, "caseId"), text(n, "legalBasis"), text(n, "purpose"), text(n, "messageDigest"), text(n, "errorCode"), text(n, "detail"));
        return new AuditRecord(n.path("seq").asLong(-1), Instant.parse(text(n, "occurredAt")), e, text(n, "prevHash"), text(n, "hash"));
    }

    static ObjectNode checkpoint(Checkpoint c) {
        return CheckpointJson.toJson(c);
    }

    static Checkpoint checkpoint(JsonNode n) throws CertificateException {
        return CheckpointJson.fromJson(n);
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static byte[] json(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static byte[] pem(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(new String(org.cmag.crypto.DevCertificates.pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The certificates of a PEM or DER file, in order; at least one. */
    static List<X509Certificate> certificates(byte[] data) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(data))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate");
        }
        return out;
    }
}
