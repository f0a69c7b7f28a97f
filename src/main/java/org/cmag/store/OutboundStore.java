package org.cmag.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Outbound messages: written with their audit record before they are queued, then completed by the receipt. */
public final class OutboundStore {
    private final Database database;
    private final AuditLog audit;

    public OutboundStore(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** A sealed outbound message. */
    public record Outbound(String messageId, String caseId, String partnerId, String messageType, String requestType,
            String legalBasis, String purpose, String sealedDigest, String sealedXml, Instant createdAt, String channel,
            java.time.LocalDate retentionUntil) {

        /** A message without a retention date (never purged). */
        public Outbound(String messageId, String caseId, String partnerId, String messageType, String requestType, String legalBasis,
                String purpose, String sealedDigest, String sealedXml, Instant createdAt, String channel) {
            this(messageId, caseId, partnerId, messageType, requestType, legalBasis, purpose, sealedDigest, sealedXml, createdAt, channel,
                    null);
        }
    }

    /** Inserts the sealed message and its audit events in one transaction (the gateway records with {@code OutboundRecorder}). */
    public void recordSealed(Outbound m, AuditEvent... events) {
        database.inTransaction(c -> {
            insert(c, m, null);
            audit.append(c, events);
            return null;
        });
    }

    /** Inserts a sealed message inside the caller's transaction: QUEUED, due now (recovery re-queues it when overdue). */
    public static void insert(java.sql.Connection c, Outbound m, String idempotencyKey) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbound_message (message_id, case_id, partner_id,"
                + " message_type, request_type, legal_basis, purpose, status, sealed_digest, sealed_xml, created_at, channel,"
                + " retention_until, due_at, idempotency_key) VALUES (?,?,?,?,?,?,?,'QUEUED',?,?,?,?,?,?,?)")) {
            int i = 1;
            ps.setString(i++, m.messageId());
            ps.setString(i++, m.caseId());
            ps.setString(i++, m.partnerId());
            ps.setString(i++, m.messageType());
            ps.setString(i++, m.requestType());
            ps.setString(i++, m.legalBasis());
            ps.setString(i++, m.purpose());
            ps.setString(i++, m.sealedDigest());
            ps.setString(i++, m.sealedXml());
            ps.setTimestamp(i++, Timestamp.from(m.createdAt()));
            ps.setString(i++, m.channel());
            ps.setDate(i++, m.retentionUntil() == null ? null : java.sql.Date.valueOf(m.retentionUntil()));
            ps.setTimestamp(i++, Timestamp.from(m.createdAt()));
            ps.setString(i, idempotencyKey);
            ps.executeUpdate();
        }
    }

    private static final java.util.regex.Pattern RETENTION = java.util.regex.Pattern.compile(
            "<(?:[A-Za-z0-9_.-]+:)?RetentionUntil>(\\d{4}-\\d{2}-\\d{2})");

    /** The RetentionUntil of the signed (never encrypted) header of a sealed message; the purge removes the payload after it. */
    public static java.time.LocalDate retentionUntil(String sealed) {
        int header = sealed.indexOf("Header");
        int body = sealed.indexOf("Body>");
        java.util.regex.Matcher m = RETENTION.matcher(sealed);
        return header >= 0 && m.find(header) && (body < 0 || m.start() < body) ? java.time.LocalDate.parse(m.group(1)) : null;
    }

    /** What delivery needs to know of a queued message: its status and replay generation (empty: no such row). */
    public record Pending(String status, int generation) {}

    public Optional<Pending> pending(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status, generation FROM outbound_message WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Pending(rs.getString(1), rs.getInt(2))) : Optional.<Pending>empty();
                }
            }
        });
    }

    /** Marks a message delivered with the partner's verified receipt; a repeated receipt changes nothing. */
    public boolean recordReceipt(String messageId, String receiptXml, Instant at, String channel, AuditEvent event) {
        return recordReceipt(messageId, receiptXml, at, channel, event, c -> null);
    }

    /** As {@link #recordReceipt(String, String, Instant, String, AuditEvent)}, with more work in the same transaction. */
    public boolean recordReceipt(String messageId, String receiptXml, Instant at, String channel, AuditEvent event,
            Database.SqlWork<?> alsoInTransaction) {
        return database.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbound_message SET status = 'DELIVERED', delivered_at = ?,"
                    + " receipt_xml = ?, channel = ? WHERE message_id = ? AND status <> 'DELIVERED'")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setString(2, receiptXml);
                ps.setString(3, channel);
                ps.setString(4, messageId);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                audit.append(c, event);
                alsoInTransaction.run(c);
            }
            return n == 1;
        });
    }

    /** Marks a message FAILED (permanently rejected) with its audit event. */
    public void markFailed(String messageId, AuditEvent event) {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbound_message SET status = 'FAILED' WHERE message_id = ? AND status = 'QUEUED'")) {
                ps.setString(1, messageId);
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

    /** Status of an outbound message (QUEUED, DELIVERED), if known. */
    public Optional<String> status(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM outbound_message WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The receipt the partner returned, if delivered. */
    public Optional<String> receipt(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT receipt_xml FROM outbound_message WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    public int count(String status) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbound_message WHERE status = ?")) {
                ps.setString(1, status);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
