package org.cmag.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Inbound side: receipts we issued, verified messages (de-duplication), and rejections kept whole. */
public final class InboundStore {
    private final Database database;
    private final AuditLog audit;

    public InboundStore(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** A receipt we issued for a message id. */
    public record IssuedReceipt(String messageId, String partnerId, String receivedDigest, String receiptXml) {}

    public Optional<IssuedReceipt> findReceipt(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT message_id, partner_id, received_digest, receipt_xml FROM inbound_receipt WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new IssuedReceipt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                            : Optional.<IssuedReceipt>empty();
                }
            }
        });
    }

    /**
     * Stores a receipt with its audit event. When another receipt for the same message id won a race, the
     * stored one is returned instead and nothing is written.
     */
    public IssuedReceipt storeReceipt(IssuedReceipt receipt, Instant at, AuditEvent event) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_receipt (message_id, partner_id,"
                        + " received_digest, received_at, receipt_xml) VALUES (?,?,?,?,?)")) {
                    ps.setString(1, receipt.messageId());
                    ps.setString(2, receipt.partnerId());
                    ps.setString(3, receipt.receivedDigest());
                    ps.setTimestamp(4, Timestamp.from(at));
                    ps.setString(5, receipt.receiptXml());
                    ps.executeUpdate();
                }
                audit.append(c, event);
                // processing may have claimed the message already (it is queued before the receipt is stored)
                EvidenceStore.insertOwnReceiptIfClaimed(c, receipt.messageId(), receipt.partnerId(), receipt.receiptXml(), at);
                return receipt;
            });
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException sql && Database.isUniqueViolation(sql)) {
                return findReceipt(receipt.messageId()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** A verified inbound message. */
    public record Verified(String messageId, String partnerId, String caseId, String messageType, String requestType,
            String legalBasis, String purpose, String receivedDigest, java.time.LocalDate retentionUntil) {

        /** A message whose header carried no retention date. */
        public Verified(String messageId, String partnerId, String caseId, String messageType, String requestType, String legalBasis,
                String purpose, String receivedDigest) {
            this(messageId, partnerId, caseId, messageType, requestType, legalBasis, purpose, receivedDigest, null);
        }
    }

    /** Outcome of claiming a verified message for national delivery. */
    public enum Claim {
        /** First time seen: deliver it. */
        NEW,
        /** Seen before but its delivery did not complete: deliver again (the broker drops a repeat by its id). */
        RETRY,
        /** Already delivered: never deliver twice. */
        DUPLICATE
    }

    /**
     * Claims a verified message id for delivery, with its audit events, in one transaction. The row stays
     * PROCESSING until {@link #markDelivered} confirms the national hand-over.
     */
    public Claim claim(Verified m, Instant at, AuditEvent... events) {
        return claim(m, at, c -> null, events);
    }

    /** As {@link #claim(Verified, Instant, AuditEvent...)}; {@code onNew} runs in the same transaction for a first claim. */
    public Claim claim(Verified m, Instant at, Database.SqlWork<?> onNew, AuditEvent... events) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM inbound_message WHERE message_id = ? FOR UPDATE")) {
                ps.setString(1, m.messageId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String status = rs.getString(1);
                        return "DELIVERED".equals(status) || "REFUSED".equals(status) ? Claim.DUPLICATE : Claim.RETRY;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_message (message_id, partner_id, case_id,"
                    + " message_type, request_type, legal_basis, purpose, received_digest, status, processed_at,"
                    + " retention_until) VALUES (?,?,?,?,?,?,?,?,'PROCESSING',?,?)")) {
                int i = 1;
                ps.setString(i++, m.messageId());
                ps.setString(i++, m.partnerId());
                ps.setString(i++, m.caseId());
                ps.setString(i++, m.messageType());
                ps.setString(i++, m.requestType());
                ps.setString(i++, m.legalBasis());
                ps.setString(i++, m.purpose());
                ps.setString(i++, m.receivedDigest());
                ps.setTimestamp(i++, Timestamp.from(at));
                ps.setDate(i++, m.retentionUntil() == null ? null : java.sql.Date.valueOf(m.retentionUntil()));
                ps.executeUpdate();
            }
            audit.append(c, events);
            onNew.run(c);
            return Claim.NEW;
        });
    }

    /** Records the national hand-over of a claimed message (once; its audit event with it). */
    public void markDelivered(String messageId, Instant at, AuditEvent event) {
        finish(messageId, "DELIVERED", at, event);
    }

    /** Records that a verified request was refused automatically (it never reaches national systems). */
    public void markRefused(String messageId, Instant at, AuditEvent event) {
        finish(messageId, "REFUSED", at, event);
    }

    private void finish(String messageId, String status, Instant at, AuditEvent event) {
        database.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE inbound_message SET status = ?, delivered_at = ? WHERE message_id = ? AND status = 'PROCESSING'")) {
                ps.setString(1, status);
                ps.setTimestamp(2, Timestamp.from(at));
                ps.setString(3, messageId);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                audit.append(c, event);
            }
            return null;
        });
    }

    /** Keeps a rejected message whole, with the reason, and audits the rejection. */
    public void reject(String messageId, String partnerId, String digest, String errorCode, String detail, String raw,
            Instant at, AuditEvent event) {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_rejection (message_id, partner_id,"
                    + " received_digest, error_code, detail, raw_message, rejected_at) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, messageId);
                ps.setString(2, partnerId);
                ps.setString(3, digest);
                ps.setString(4, errorCode);
                ps.setString(5, detail);
                ps.setString(6, raw);
                ps.setTimestamp(7, Timestamp.from(at));
                ps.executeUpdate();
            }
            audit.append(c, event);
            return null;
        });
    }

    /** Appends an audit event that changes no message row. */
    public void audit(AuditEvent event) {
        audit.append(event);
    }

    public int countDelivered() {
        return count("SELECT COUNT(*) FROM inbound_message WHERE status = 'DELIVERED'");
    }

    public int countRejections(String errorCode) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inbound_rejection WHERE error_code = ?")) {
                ps.setString(1, errorCode);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private int count(String sql) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
