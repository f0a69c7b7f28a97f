package org.cmag.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.cmag.audit.AuditChain;
import org.cmag.audit.Checkpoint;
import org.cmag.crypto.AtomicFiles;
import org.cmag.crypto.SigningKey;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;
import org.cmag.store.Database;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;
import org.cmag.store.PolicyVersions;

/**
 * Builds a signed evidence bundle ({@link BundleFormat}) for a case, a message or a period. The export itself is audited
 * ({@code evidence-exported}, by the officer) in the transaction that reads the chain, so the bundle's chain ends with it;
 * the chain is anchored by a checkpoint of that head signed at export time with the gateway's signing key. Only the
 * selected records (and the export's own) travel in full; every other record between them (other cases, other
 * messages, the gateway's own housekeeping) travels as its hash, so the chain still verifies link by link and the
 * bundle discloses nothing of them. The ZIP is written by {@link BundleZip} in the one form the verifier accepts.
 */
public final class BundleWriter {
    private final Database database;
    private final AuditLog audit;
    private final EvidenceStore evidence;
    private final PolicyVersions policies;
    private final String gatewayId;
    private final Function<Instant, SigningKey> signer;
    private final Function<String, List<X509Certificate>> partnerCertificates;
    private final Clock clock;

    /**
     * @param signer the gateway's signing key at a time ({@code OwnKeys::signer})
     * @param partnerCertificates a partner's registered signing certificates (empty when unknown)
     */
    public BundleWriter(Database database, AuditLog audit, String gatewayId, Function<Instant, SigningKey> signer,
            Function<String, List<X509Certificate>> partnerCertificates, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.evidence = new EvidenceStore(database);
        this.policies = new PolicyVersions(database, audit, clock);
        this.gatewayId = gatewayId;
        this.signer = signer;
        this.partnerCertificates = partnerCertificates;
        this.clock = clock;
    }

    /** What was written: {@code excerptRecords} of the {@code chainRecords} in full, the others as their hash only. */
    public record Written(Path file, int entries, int excerptRecords, int chainRecords, int evidenceItems, int purgedItems, long headSeq) {
        /** The records of the chain that travel as their hash only (other cases', and others outside the selection). */
        public int hashedOnlyRecords() {
            return chainRecords - excerptRecords;
        }
    }

    /** The chain part of a bundle: the records from the first selected one to the head, and which were selected. */
    private record Chain(List<AuditRecord> records, Set<Long> excerpt) {}

    /** Writes the bundle for {@code selection} to {@code out}, exported by {@code officer}. */
    public Written write(Selection selection, String officer, Path out) {
        Built b = build(selection, officer);
        writeAtomically(out, b.zip());
        return new Written(out, b.entries(), b.excerptRecords(), b.chainRecords(), b.evidenceItems(), b.purgedItems(), b.headSeq());
    }

    /** The bundle for {@code selection}, exported by {@code officer}, as the bytes of the ZIP (the console's download). */
    public byte[] bytes(Selection selection, String officer) {
        return build(selection, officer).zip();
    }

    private record Built(byte[] zip, int entries, int excerptRecords, int chainRecords, int evidenceItems, int purgedItems, long headSeq) {}

    private Built build(Selection selection, String officer) {
        Instant now = clock.instant();
        Chain chain = database.inTransaction(c -> {
            audit.lockHead(c); // nothing is appended between the selection and the head read below
            Set<Long> selected = selected(c, selection);
            if (selected.isEmpty()) {
                throw new GatewayException(ErrorCode.EVIDENCE_NOT_FOUND, "No audit records for " + selection.describe(), "selection");
            }
            audit.append(c, AuditEvent.ok("evidence-exported", officer, null, selection.messageId(), selection.caseId(),
                    "evidence bundle for " + selection.describe()));
            List<AuditRecord> run = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq")) {
                ps.setLong(1, selected.iterator().next());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        run.add(AuditLog.read(rs));
                    }
                }
            }
            Set<Long> excerpt = new TreeSet<>(selected);
            excerpt.add(run.get(run.size() - 1).seq()); // the export itself
            return new Chain(run, excerpt);
        });
        List<EvidenceItem> items = selection.caseId() != null ? evidence.byCase(selection.caseId())
                : selection.messageId() != null ? evidence.byMessage(selection.messageId()) : evidence.byPeriod(selection.from(), selection.to());
        SigningKey key = signer.apply(now);
        AuditRecord head = chain.records().get(chain.records().size() - 1);
        Checkpoint checkpoint = Checkpoint.sign(gatewayId, head.seq(), head.hash(), now, key.key(), key.certificate());

        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(BundleFormat.SIGNER, BundleFormat.pem(List.of(key.certificate())));
        ArrayNode records = BundleFormat.array();
        chain.records().forEach(r -> records.add(chain.excerpt().contains(r.seq()) ? BundleFormat.record(r) : BundleFormat.hashedOnly(r)));
        entries.put(BundleFormat.RECORDS, BundleFormat.json(records));
        entries.put(BundleFormat.CHECKPOINT, BundleFormat.json(BundleFormat.checkpoint(checkpoint)));
        ArrayNode index = BundleFormat.array();
        Set<String> partners = new TreeSet<>();
        int purged = 0;
        for (EvidenceItem item : items) {
            partners.add(item.partnerId());
            String path = item.purged() ? null : "evidence/" + BundleFormat.safe(item.messageId()) + "/" + item.label() + ".xml";
            if (path != null) {
                entries.put(path, item.content().getBytes(StandardCharsets.UTF_8));
            } else {
                purged++;
            }
            index.add(itemJson(item, path));
        }
        entries.put(BundleFormat.EVIDENCE_INDEX, BundleFormat.json(index));
        chain.records().stream().filter(r -> chain.excerpt().contains(r.seq()) && r.event().partnerId() != null)
                .forEach(r -> partners.add(r.event().partnerId()));
        ArrayNode policyIndex = BundleFormat.array();
        for (String partner : partners) {
            for (PolicyVersions.PolicyVersion v : policies.versions(partner)) {
                String path = "policies/" + BundleFormat.safe(partner) + "-" + v.sha256() + ".yaml";
                entries.put(path, v.content().getBytes(StandardCharsets.UTF_8));
                policyIndex.add(BundleFormat.JSON.createObjectNode().put("partnerId", partner).put("sha256", v.sha256())
                        .put("agreementId", v.agreementId()).put("agreementVersion", v.agreementVersion()).put("source", v.source())
                        .put("firstSeenAt", v.firstSeenAt().toString()).put("path", path));
            }
            List<X509Certificate> certs = partnerCertificates.apply(partner);
            if (!certs.isEmpty()) {
                entries.put("certificates/partner-" + BundleFormat.safe(partner) + ".pem", BundleFormat.pem(certs));
            }
        }
        entries.put(BundleFormat.POLICY_INDEX, BundleFormat.json(policyIndex));
        entries.put(BundleFormat.REPORT, BundleReport.html(gatewayId, selection, officer, now, chain.records(), chain.excerpt(), items,
                policyIndex, checkpoint).getBytes(StandardCharsets.UTF_8));

        byte[] manifest = BundleFormat.json(manifest(selection, officer, now, key, entries));
        return new Built(zip(manifest, sign(key, manifest), entries), entries.size() + 2, chain.excerpt().size(), chain.records().size(),
                items.size(), purged, head.seq());
    }

    private ObjectNode manifest(Selection selection, String officer, Instant now, SigningKey key, Map<String, byte[]> entries) {
        ObjectNode m = BundleFormat.JSON.createObjectNode();
        m.put("format", BundleFormat.FORMAT);
        m.put("purpose", "Evidence of the exchanges of " + selection.describe() + " recorded by gateway " + gatewayId);
        m.put("gatewayId", gatewayId);
        ObjectNode sel = m.putObject("selection");
        sel.put("caseId", selection.caseId());
        sel.put("messageId", selection.messageId());
        sel.put("from", selection.from() == null ? null : selection.from().toString());
        sel.put("to", selection.to() == null ? null : selection.to().toString());
        m.put("createdAt", now.toString());
        m.put("createdBy", officer);
        m.put("signatureAlgorithm", Checkpoint.algorithmFor(key.key().getAlgorithm()));
        ArrayNode list = m.putArray("entries");
        entries.forEach((path, bytes) -> list.addObject().put("path", path).put("sha256", AuditChain.sha256Hex(bytes)).put("size", bytes.length));
        return m;
    }

    private static ObjectNode itemJson(EvidenceItem item, String path) {
        ObjectNode n = BundleFormat.JSON.createObjectNode();
        n.put("messageId", item.messageId());
        n.put("caseId", item.caseId());
        n.put("partnerId", item.partnerId());
        n.put("direction", item.direction().name());
        n.put("kind", item.kind().name());
        n.put("digest", item.digest());
        n.put("storedAt", item.storedAt().toString());
        n.put("retentionUntil", item.retentionUntil() == null ? null : item.retentionUntil().toString());
        n.put("purgedAt", item.purgedAt() == null ? null : item.purgedAt().toString());
        n.put("auditRecord", item.auditEventType());
        n.put("path", path);
        return n;
    }

    private static byte[] sign(SigningKey key, byte[] manifest) {
        try {
            Signature s = Signature.getInstance(Checkpoint.algorithmFor(key.key().getAlgorithm()));
            s.initSign(key.key());
            s.update(manifest);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Cannot sign the evidence bundle: " + e.getMessage(), null, e);
        }
    }

    private static byte[] zip(byte[] manifest, byte[] signature, Map<String, byte[]> entries) {
        Map<String, byte[]> all = new LinkedHashMap<>();
        all.put(BundleFormat.MANIFEST, manifest);
        all.put(BundleFormat.SIGNATURE, signature);
        all.putAll(entries);
        return BundleZip.write(all);
    }

    private static void writeAtomically(Path out, byte[] zip) {
        try {
            AtomicFiles.write(out, zip);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "Cannot write the evidence bundle " + out + ": " + e.getMessage(), "--out", e);
        }
    }

    /** The audit sequence numbers of the selection, ascending. */
    private static Set<Long> selected(Connection c, Selection s) throws SQLException {
        String sql;
        List<Object> args = new ArrayList<>();
        if (s.caseId() != null) {
            // records of the case, and of its messages where the record carries no case (e.g. message-received)
            sql = "SELECT seq FROM audit_event WHERE case_id = ? OR message_id IN (SELECT message_id FROM evidence_item WHERE case_id = ?"
                    + " UNION SELECT message_id FROM outbound_message WHERE case_id = ? UNION SELECT message_id FROM inbound_message WHERE case_id = ?)";
            args.add(s.caseId());
            args.add(s.caseId());
            args.add(s.caseId());
            args.add(s.caseId());
        } else if (s.messageId() != null) {
            sql = "SELECT seq FROM audit_event WHERE message_id = ?";
            args.add(s.messageId());
        } else {
            sql = "SELECT seq FROM audit_event WHERE occurred_at >= ? AND occurred_at < ?";
            args.add(Timestamp.from(s.from()));
            args.add(Timestamp.from(s.to()));
        }
        Set<Long> out = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY seq")) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
