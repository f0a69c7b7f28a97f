package org.cmag.flow;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseRole;
import org.cmag.cases.CaseStore;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;
import org.cmag.store.ReceivedDataRegister;

/**
 * The commit points of the inbound flow, Camel-free:
 * <ul>
 * <li>{@link #receive} ({@code issue-receipt}): our signed receipt with the raw message as received (state RECEIVED) and
 * {@code message-received}, before the message is queued for processing and before the receipt leaves;</li>
 * <li>{@link #claim} ({@code update-case}): the verified message id claimed once (PROCESSING), with the case change, the
 * evidence (the verified signed message and our receipt), the received-data register, a consent decision and the audit
 * trail of decryption, verification, validation and the agreement check; a repeat (redelivery after a crash, recovery)
 * records nothing again and says whether the hand-over must be made again;</li>
 * <li>{@link #handedOver} ({@code mark-queued-national}), {@link #delivered}, {@link #refused}, {@link #reject}.</li>
 * </ul>
 * The inbound row's statuses: PROCESSING, QUEUED_NATIONAL, DELIVERED, REFUSED, DEAD_LETTERED.
 */
public final class InboundRecorder {
    public static final String RECEIVED = "RECEIVED";
    public static final String PROCESSED = "PROCESSED";
    public static final String PROCESSING = "PROCESSING";
    public static final String QUEUED_NATIONAL = "QUEUED_NATIONAL";
    public static final String DELIVERED = "DELIVERED";
    public static final String REFUSED = "REFUSED";
    public static final String DEAD_LETTERED = "DEAD_LETTERED";

    private final Database database;
    private final AuditLog audit;
    private final CaseStore cases;
    private final ReceivedDataRegister register;
    private final Clock clock;

    public InboundRecorder(Database database, AuditLog audit, CaseStore cases, ReceivedDataRegister register, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.cases = cases;
        this.register = register;
        this.clock = clock;
    }

    /** A receipt we issued, with the state of its message (RECEIVED until processing claimed or rejected it). */
    public record Stored(String messageId, String partnerId, String receivedDigest, String receiptXml, String state, int generation) {
        public boolean pending() {
            return RECEIVED.equals(state);
        }
    }

    /** A received message as processing loads it: the raw bytes are the source of truth, not the broker's copy. */
    public record Received(String messageId, String partnerId, String receivedDigest, byte[] raw, String state, int generation) {}

    /**
     * The receipt issued for this content of {@code messageId} from {@code partnerId}, if any. Receipts are kept per
     * content: another content under the same id (junk, a forgery, a replay with changes) gets its own receipt and is
     * judged by verification, so it never blocks the genuine message.
     */
    public Optional<Stored> lookup(String partnerId, String messageId, String digest) {
        return database.inTransaction(c -> lookup(c, partnerId, messageId, digest));
    }

    private static Optional<Stored> lookup(Connection c, String partnerId, String messageId, String digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, partner_id, received_digest, receipt_xml, state, generation"
                + " FROM inbound_receipt WHERE partner_id = ? AND message_id = ? AND received_digest = ?")) {
            ps.setString(1, partnerId);
            ps.setString(2, messageId);
            ps.setString(3, digest);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6))) : Optional.empty();
            }
        }
    }

    /**
     * Stores our signed receipt for a message with the raw message (RECEIVED, due now) and its audit record. When another
     * copy of the same message id won the race, nothing is written and the stored receipt is returned.
     */
    public Stored receive(InboundMessage m, String receiptXml) {
        Instant now = clock.instant();
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_receipt (message_id, partner_id, received_digest,"
                        + " received_at, receipt_xml, raw_message, state, due_at) VALUES (?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, m.messageId());
                    ps.setString(2, m.partnerId());
                    ps.setString(3, m.digest());
                    ps.setTimestamp(4, Timestamp.from(now));
                    ps.setString(5, receiptXml);
                    ps.setString(6, new String(m.raw(), StandardCharsets.UTF_8));
                    ps.setString(7, RECEIVED);
                    ps.setTimestamp(8, Timestamp.from(now));
                    ps.executeUpdate();
                }
                audit.append(c, AuditEvent.ok("message-received", m.partnerId(), m.partnerId(), m.messageId(), null,
                        "queued for processing; signed receipt issued, " + EvidenceItem.RECEIPT_DIGEST_NOTE + EvidenceItem.digest(receiptXml))
                        .withDigest(m.digest()));
                return new Stored(m.messageId(), m.partnerId(), m.digest(), receiptXml, RECEIVED, 0);
            });
        } catch (GatewayException e) {
            if (e.getCause() instanceof SQLException sql && Database.isUniqueViolation(sql)) {
                return lookup(m.partnerId(), m.messageId(), m.digest()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /**
     * The received message {@code messageId} for processing, if its receipt row exists; its raw bytes are null once the
     * message is settled (delivered, refused, rejected: the copy at the door is dropped then).
     */
    public Optional<Received> load(String partnerId, String messageId, String digest) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id, partner_id, received_digest, raw_message, state, generation"
                    + " FROM inbound_receipt WHERE partner_id = ? AND message_id = ? AND received_digest = ?")) {
                ps.setString(1, partnerId);
                ps.setString(2, messageId);
                ps.setString(3, digest);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Received>empty();
                    }
                    String raw = rs.getString(4);
                    return Optional.of(new Received(rs.getString(1), rs.getString(2), rs.getString(3),
                            raw == null ? null : raw.getBytes(StandardCharsets.UTF_8), rs.getString(5), rs.getInt(6)));
                }
            }
        });
    }

    /**
     * Claims the verified message id (see the class comment). Sets and returns the claim; on a repeat, the inbound row's
     * status is on the message ({@link InboundMessage#nationalStatus()}).
     */
    public InboundMessage.Claim claim(InboundMessage m) {
        Partner partner = m.partner();
        EvidenceItem evidence = m.evidence();
        if (evidence == null || !m.messageId().equals(evidence.messageId())) {
            throw new GatewayException(ErrorCode.INTERNAL, "The verified message " + m.messageId()
                    + " was not kept as evidence before its claim (keep-verified-message)");
        }
        Instant now = clock.instant();
        List<AuditEvent> events = new ArrayList<>(List.of(
                AuditEvent.ok("message-decrypted", "gateway", partner.id(), m.messageId(), m.caseId(), partner.security().content() + "/"
                        + partner.security().keyTransport()),
                AuditEvent.ok("signature-verified", "gateway", partner.id(), m.messageId(), m.caseId(), partner.security().signature()
                        + " with the registered certificate of " + partner.id() + "; sealed sha256 " + m.digest()).withDigest(evidence.digest()),
                AuditEvent.ok("message-validated", "gateway", partner.id(), m.messageId(), m.caseId(),
                        "schema urn:cmag:exchange:1; header matches transport").withLegal(m.legalBasis(), m.purpose()),
                m.refused()
                        ? AuditEvent.rejected("agreement-checked", "gateway", partner.id(), m.messageId(), m.caseId(),
                                ErrorCode.REQUEST_TYPE_NOT_PERMITTED.code(), m.autoRefusal())
                        : AuditEvent.ok("agreement-checked", "gateway", partner.id(), m.messageId(), m.caseId(), "agreement "
                                + partner.agreementId() + " covers " + m.messageType() + (m.requestType() == null ? "" : " " + m.requestType()))));
        InboundMessage.Claim claim = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status, generation, received_digest FROM inbound_message"
                    + " WHERE partner_id = ? AND message_id = ? FOR UPDATE")) {
                ps.setString(1, partner.id());
                ps.setString(2, m.messageId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (!rs.getString(3).equals(m.digest())) {
                            // the sender's message id is taken by another verified message of the same sender
                            throw new GatewayException(ErrorCode.DUPLICATE_CONFLICT, "Message id " + m.messageId() + " of " + partner.id()
                                    + " was already received, verified and claimed with another content", "/ExchangeMessage/Header/MessageID");
                        }
                        String status = rs.getString(1);
                        m.nationalStatus(status).generation(rs.getInt(2));
                        return PROCESSING.equals(status) || QUEUED_NATIONAL.equals(status) ? InboundMessage.Claim.RESUMED
                                : InboundMessage.Claim.DONE;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_message (message_id, partner_id, case_id,"
                    + " message_type, request_type, legal_basis, purpose, received_digest, status, processed_at,"
                    + " retention_until, due_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 1;
                ps.setString(i++, m.messageId());
                ps.setString(i++, partner.id());
                ps.setString(i++, m.caseId());
                ps.setString(i++, m.messageType());
                ps.setString(i++, m.requestType());
                ps.setString(i++, m.legalBasis());
                ps.setString(i++, m.purpose());
                ps.setString(i++, m.digest());
                ps.setString(i++, PROCESSING);
                ps.setTimestamp(i++, Timestamp.from(now));
                java.time.LocalDate retention = m.message().getHeader().getHandling().getRetentionUntil();
                ps.setDate(i++, retention == null ? null : java.sql.Date.valueOf(retention));
                ps.setTimestamp(i, Timestamp.from(now));
                ps.executeUpdate();
            }
            receiptState(c, m, PROCESSED);
            audit.append(c, events.toArray(AuditEvent[]::new));
            if (CaseEvent.valueOf(m.messageType()) == CaseEvent.ASSISTANCE_REQUEST) {
                cases.open(c, AssistanceCase.opening(m.caseId(), CaseRole.REQUESTED, partner, m.requestType(), m.legalBasis(), m.purpose(),
                        m.messageId(), m.message().getBody().getAssistanceRequest().getRelatedRequestID(), now), "IN", partner.id());
            } else {
                var postponement = m.message().getBody().getPostponementNotice();
                cases.apply(c, m.caseId(), CaseEvent.valueOf(m.messageType()), partner.id(), m.messageId(), "IN", partner.id(), now,
                        postponement == null ? null : postponement.getPostponedUntil());
            }
            // evidence: the verified signed message and the receipt we issued for it
            EvidenceStore.insert(c, evidence);
            EvidenceStore.insertOwnReceipt(c, m.messageId(), m.digest(), m.caseId(), partner.id(), now);
            if (!m.refused() && !m.receivedData().isEmpty()) {
                register.register(c, partner.id(), m.messageId(), m.receivedData());
                audit.append(c, m.receivedDataEvent());
            }
            if (!m.refused() && m.consentDecision() != null) {
                InboundMessage.ConsentDecision d = m.consentDecision();
                boolean matched = register.consentDecided(c, d.requestRef(), partner.id(), d.decision(), m.messageId(), now);
                audit.append(c, matched ? d.matched() : d.unmatched());
            }
            m.nationalStatus(PROCESSING).generation(0);
            return InboundMessage.Claim.NEW;
        });
        m.claim(claim);
        return claim;
    }

    private static void receiptState(Connection c, InboundMessage m, String state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_receipt SET state = ? WHERE partner_id = ? AND message_id = ?"
                + " AND received_digest = ?")) {
            ps.setString(1, state);
            ps.setString(2, m.partnerId());
            ps.setString(3, m.messageId());
            ps.setString(4, m.digest());
            ps.executeUpdate();
        }
    }

    /**
     * The message is on the national queue(s): PROCESSING becomes QUEUED_NATIONAL (due now: the callback, when there is one,
     * is expected at once), audited as {@code national-queued}; a repeat changes nothing.
     */
    public void handedOver(InboundMessage m, String where) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_message SET status = ?, due_at = ? WHERE partner_id = ?"
                    + " AND message_id = ? AND status = ?")) {
                ps.setString(1, QUEUED_NATIONAL);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, m.partnerId());
                ps.setString(4, m.messageId());
                ps.setString(5, PROCESSING);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                audit.append(c, AuditEvent.ok("national-queued", "gateway", m.partnerId(), m.messageId(), m.caseId(), where));
            }
            return null;
        });
    }

    /**
     * National systems have it: the callback answered 2xx, or a consumer took it from the national queue. QUEUED_NATIONAL
     * (or PROCESSING) becomes DELIVERED with {@code delivered-national} and the raw copy at the door is dropped; a repeat
     * changes nothing. Returns whether this call delivered it.
     */
    public boolean delivered(String partner, String messageId, String how) {
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            String caseId;
            try (PreparedStatement ps = c.prepareStatement("SELECT case_id FROM inbound_message WHERE partner_id = ? AND message_id = ?"
                    + " AND status IN (?, ?) FOR UPDATE")) {
                ps.setString(1, partner);
                ps.setString(2, messageId);
                ps.setString(3, QUEUED_NATIONAL);
                ps.setString(4, PROCESSING);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    caseId = rs.getString(1);
                }
            }
            finish(c, partner, messageId, DELIVERED, now);
            audit.append(c, AuditEvent.ok("delivered-national", "gateway", partner, messageId, caseId, how));
            return true;
        });
    }

    /** A verified request the gateway refused itself (outside the agreement): REFUSED, audited; it never reaches national systems. */
    public void refused(String partnerId, String messageId, AuditEvent event) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            int n = finish(c, partnerId, messageId, REFUSED, now, PROCESSING);
            if (n == 1) {
                audit.append(c, event);
            }
            return null;
        });
    }

    private static int finish(Connection c, String partnerId, String messageId, String status, Instant at, String... from)
            throws SQLException {
        String only = from.length == 0 ? "" : " AND status = ?";
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_message SET status = ?, delivered_at = ?, due_at = NULL"
                + " WHERE partner_id = ? AND message_id = ?" + only)) {
            ps.setString(1, status);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, partnerId);
            ps.setString(4, messageId);
            if (from.length > 0) {
                ps.setString(5, from[0]);
            }
            n = ps.executeUpdate();
        }
        if (n == 1) {
            // final: the raw copy at the door is no longer needed (the verified message is kept as evidence)
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_receipt SET raw_message = NULL WHERE partner_id = ? AND message_id = ?"
                    + " AND received_digest = (SELECT received_digest FROM inbound_message WHERE partner_id = ? AND message_id = ?)")) {
                ps.setString(1, partnerId);
                ps.setString(2, messageId);
                ps.setString(3, partnerId);
                ps.setString(4, messageId);
                ps.executeUpdate();
            }
        }
        return n;
    }

    /**
     * A message that failed a check after its receipt (decryption, signature, schema, freshness, agreement): kept whole with
     * its code and audited; never delivered. A repeat (processing redone after a crash) records nothing again.
     */
    public void reject(InboundMessage m, String errorCode, String detail) {
        Instant now = clock.instant();
        String raw = m.raw() == null ? "" : new String(m.raw(), StandardCharsets.UTF_8);
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbound_rejection WHERE message_id = ? AND received_digest = ?"
                    + " AND error_code = ?")) {
                ps.setString(1, m.messageId());
                ps.setString(2, m.digest());
                ps.setString(3, errorCode);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbound_rejection (message_id, partner_id,"
                    + " received_digest, error_code, detail, raw_message, rejected_at) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, m.messageId());
                ps.setString(2, m.partnerId());
                ps.setString(3, m.digest());
                ps.setString(4, errorCode);
                ps.setString(5, detail);
                ps.setString(6, raw);
                ps.setTimestamp(7, Timestamp.from(now));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_receipt SET state = ?, raw_message = NULL WHERE partner_id = ?"
                    + " AND message_id = ? AND received_digest = ?")) {
                ps.setString(1, PROCESSED);
                ps.setString(2, m.partnerId());
                ps.setString(3, m.messageId());
                ps.setString(4, m.digest());
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.rejected("message-rejected", "gateway", m.partnerId(), m.messageId(), null, errorCode, detail)
                    .withDigest(m.digest()));
            return null;
        });
    }
}
