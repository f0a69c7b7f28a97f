package org.cmag.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What we hold from partner administrations and what they allowed us to pass on (DOMAIN.md §8): the declaration
 * references every verified inbound message carried (kept until its RetentionUntil), and the consents of supplying
 * administrations to transfer such data to a third one, obtained over the exchange (ConsentRequest / ConsentDecision)
 * or recorded manually by a legal officer.
 */
public final class ReceivedDataRegister {
    /** Consent kinds. */
    public static final String EXCHANGE = "EXCHANGE";
    public static final String MANUAL = "MANUAL";
    /** Consent status of an ONWARD_TRANSFER request we sent that the partner has not decided yet. */
    public static final String REQUESTED = "REQUESTED";

    private final Database database;
    private final AuditLog audit;

    public ReceivedDataRegister(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** One declaration reference a received message carried, with the message's handling labels. */
    public record Received(String messageId, String partnerId, String caseId, String messageType, String pointer, String reference,
            String onwardTransfer, LocalDate retentionUntil, Instant receivedAt) {}

    /** A supplying administration's consent (or a pending request for one). */
    public record Consent(String consentId, String kind, String supplierId, String recipientId, String messageRef, String caseId,
            String status, String decisionMessageId, String reference, String recordedBy, Instant requestedAt, Instant decidedAt) {

        /** Whether this consent allows the transfer. */
        public boolean grants() {
            return "GRANTED".equals(status) || "GRANTED_WITH_CONDITIONS".equals(status);
        }
    }

    /** The normal form recipients are compared in: a partner registry id, trimmed and upper case. */
    public static String recipient(String id) {
        return id == null ? null : id.trim().toUpperCase(Locale.ROOT);
    }

    /**
     * Registers what one received message carried, inside the caller's transaction. A repeated registration of the same
     * message (a delivery retried after an interruption) replaces the earlier rows.
     */
    public void register(Connection c, String partnerId, String messageId, List<Received> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM received_data WHERE partner_id = ? AND message_id = ?")) {
            ps.setString(1, partnerId);
            ps.setString(2, messageId);
            ps.executeUpdate();
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO received_data (message_id, seq, partner_id, case_id, message_type,"
                + " pointer, reference, onward_transfer, retention_until, received_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            int seq = 0;
            for (Received r : rows) {
                int i = 1;
                ps.setString(i++, messageId);
                ps.setInt(i++, ++seq);
                ps.setString(i++, r.partnerId());
                ps.setString(i++, r.caseId());
                ps.setString(i++, r.messageType());
                ps.setString(i++, r.pointer());
                ps.setString(i++, r.reference());
                ps.setString(i++, r.onwardTransfer());
                ps.setDate(i++, r.retentionUntil() == null ? null : Date.valueOf(r.retentionUntil()));
                ps.setTimestamp(i++, Timestamp.from(r.receivedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Registers in its own transaction, with its audit event. */
    public void register(String messageId, List<Received> rows, AuditEvent event) {
        database.inTransaction(c -> {
            register(c, rows.isEmpty() ? null : rows.get(0).partnerId(), messageId, rows);
            audit.append(c, event);
            return null;
        });
    }

    /** The registered rows whose reference is one of {@code references}. */
    public List<Received> findByReference(Collection<String> references) {
        if (references.isEmpty()) {
            return List.of();
        }
        return database.inTransaction(c -> {
            String marks = String.join(",", java.util.Collections.nCopies(references.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id, partner_id, case_id, message_type, pointer, reference,"
                    + " onward_transfer, retention_until, received_at FROM received_data WHERE reference IN (" + marks + ")"
                    + " ORDER BY received_at, message_id, seq")) {
                int i = 1;
                for (String r : references) {
                    ps.setString(i++, r);
                }
                return readReceived(ps);
            }
        });
    }

    /** The rows one message registered, in order. */
    public List<Received> forMessage(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id, partner_id, case_id, message_type, pointer, reference,"
                    + " onward_transfer, retention_until, received_at FROM received_data WHERE message_id = ? ORDER BY seq")) {
                ps.setString(1, messageId);
                return readReceived(ps);
            }
        });
    }

    private static List<Received> readReceived(PreparedStatement ps) throws SQLException {
        List<Received> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Date until = rs.getDate(8);
                out.add(new Received(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), until == null ? null : until.toLocalDate(), rs.getTimestamp(9).toInstant()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ consents

    /** Notes, inside the caller's transaction, an ONWARD_TRANSFER ConsentRequest we are sending (status REQUESTED). */
    public void consentRequested(Connection c, String requestMessageId, String supplierId, String recipient, String messageRef,
            String caseId, String actor, Instant at) throws SQLException {
        insertConsent(c, new Consent(requestMessageId, EXCHANGE, supplierId, recipient(recipient), messageRef, caseId, REQUESTED, null,
                null, actor, at, null));
    }

    /**
     * Records a partner's ConsentDecision on one of our requests, with its audit event. Only a decision from the
     * administration the request went to, on a request still open, changes anything.
     *
     * @return the consent as decided, or empty when the decision matches no open request of ours to that partner
     */
    public Optional<Consent> consentDecided(String requestMessageId, String fromPartner, String decision, String decisionMessageId,
            Instant at, AuditEvent matched, AuditEvent unmatched) {
        return database.inTransaction(c -> {
            boolean n = consentDecided(c, requestMessageId, fromPartner, decision, decisionMessageId, at);
            audit.append(c, n ? matched : unmatched);
            return n ? findConsent(c, requestMessageId) : Optional.<Consent>empty();
        });
    }

    /**
     * Inside the caller's transaction (which audits it): records a partner's decision on one of our open requests; the same
     * decision message again (processing redone) matches again. Returns whether it matched an open request of ours.
     */
    public boolean consentDecided(Connection c, String requestMessageId, String fromPartner, String decision, String decisionMessageId,
            Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE transfer_consent SET status = ?, decision_message_id = ?, decided_at = ?"
                + " WHERE consent_id = ? AND supplier_id = ? AND kind = '" + EXCHANGE + "'"
                + " AND (status = '" + REQUESTED + "' OR decision_message_id = ?)")) {
            ps.setString(1, decision);
            ps.setString(2, decisionMessageId);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, requestMessageId);
            ps.setString(5, fromPartner);
            ps.setString(6, decisionMessageId); // the same decision delivered again after an interruption
            return ps.executeUpdate() == 1;
        }
    }

    /** Records a written consent a legal officer obtained outside the gateway, with its audit event. */
    public void recordManual(Consent consent, AuditEvent event) {
        database.inTransaction(c -> {
            insertConsent(c, consent);
            audit.append(c, event);
            return null;
        });
    }

    /** A granting consent of {@code supplierId} to transfer what message {@code messageRef} carried to {@code recipient}. */
    public Optional<Consent> grantingConsent(String supplierId, String recipient, String messageRef) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM transfer_consent WHERE supplier_id = ? AND recipient_id = ?"
                    + " AND message_ref = ? AND status IN ('GRANTED', 'GRANTED_WITH_CONDITIONS') ORDER BY requested_at, consent_id")) {
                ps.setString(1, supplierId);
                ps.setString(2, recipient(recipient));
                ps.setString(3, messageRef);
                List<Consent> found = readConsents(ps);
                return found.isEmpty() ? Optional.<Consent>empty() : Optional.of(found.get(0));
            }
        });
    }

    public Optional<Consent> consent(String consentId) {
        return database.inTransaction(c -> findConsent(c, consentId));
    }

    /** Every consent (and open request) recorded, oldest first. */
    public List<Consent> consents() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM transfer_consent ORDER BY requested_at, consent_id")) {
                return readConsents(ps);
            }
        });
    }

    private static Optional<Consent> findConsent(Connection c, String consentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM transfer_consent WHERE consent_id = ?")) {
            ps.setString(1, consentId);
            List<Consent> found = readConsents(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static void insertConsent(Connection c, Consent k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO transfer_consent (consent_id, kind, supplier_id, recipient_id,"
                + " message_ref, case_id, status, decision_message_id, reference, recorded_by, requested_at, decided_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = 1;
            ps.setString(i++, k.consentId());
            ps.setString(i++, k.kind());
            ps.setString(i++, k.supplierId());
            ps.setString(i++, recipient(k.recipientId()));
            ps.setString(i++, k.messageRef());
            ps.setString(i++, k.caseId());
            ps.setString(i++, k.status());
            ps.setString(i++, k.decisionMessageId());
            ps.setString(i++, k.reference());
            ps.setString(i++, k.recordedBy());
            ps.setTimestamp(i++, Timestamp.from(k.requestedAt()));
            ps.setTimestamp(i++, k.decidedAt() == null ? null : Timestamp.from(k.decidedAt()));
            ps.executeUpdate();
        }
    }

    private static List<Consent> readConsents(PreparedStatement ps) throws SQLException {
        List<Consent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp decided = rs.getTimestamp("decided_at");
                out.add(new Consent(rs.getString("consent_id"), rs.getString("kind"), rs.getString("supplier_id"),
                        rs.getString("recipient_id"), rs.getString("message_ref"), rs.getString("case_id"), rs.getString("status"),
                        rs.getString("decision_message_id"), rs.getString("reference"), rs.getString("recorded_by"),
                        rs.getTimestamp("requested_at").toInstant(), decided == null ? null : decided.toInstant()));
            }
        }
        return out;
    }
}
