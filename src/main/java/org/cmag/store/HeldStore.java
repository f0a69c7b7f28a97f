package org.cmag.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Messages held for manual release: the minimised, unsigned exchange message with what sealing it later needs. Every
 * change of status is one conditional UPDATE ({@code ... WHERE status = ?}), so two officers acting at once cannot both
 * release (or release and reject) one message: the second finds nothing to change and gets {@code held_not_pending}.
 */
public final class HeldStore {
    public static final String HELD = "HELD";
    /** A release decided outside the running gateway (CLI on the database); the gateway's dispatcher sends it. */
    public static final String RELEASING = "RELEASING";
    public static final String RELEASED = "RELEASED";
    public static final String REJECTED = "REJECTED";

    /** How a held message is released. */
    public enum Mode {
        /** Unchanged, as the national system submitted it. */
        AS_IS,
        /** The free-text findings replaced by their kind, as {@code freeText: mask} would have done. */
        MASK
    }

    /** One free-text finding: where (element pointer into the message) and what kind; never the value. */
    public record Finding(String pointer, String element, String kind) {}

    /** A held message. {@code decidedBy/decidedAt/mode/reason} are null while it is HELD. */
    public record Held(String messageId, String caseId, String partnerId, String messageType, String requestType, String legalBasis,
            String purpose, String relatedRequestId, LocalDate postponedUntil, String submittedBy, List<Finding> findings,
            String messageXml, String status, Instant heldAt, String decidedBy, Instant decidedAt, Mode mode, String reason) {

        /** A new held message. */
        public static Held of(String messageId, String caseId, String partnerId, String messageType, String requestType,
                String legalBasis, String purpose, String relatedRequestId, LocalDate postponedUntil, String submittedBy,
                List<Finding> findings, String messageXml, Instant heldAt) {
            return new Held(messageId, caseId, partnerId, messageType, requestType, legalBasis, purpose, relatedRequestId,
                    postponedUntil, submittedBy, List.copyOf(findings), messageXml, HELD, heldAt, null, null, null, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final AuditLog audit;

    public HeldStore(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** Stores a held message with its audit events in one transaction. */
    public void hold(Held h, AuditEvent... events) {
        database.inTransaction(c -> {
            insert(c, h);
            audit.append(c, events);
            return null;
        });
    }

    /** Inserts a held message inside the caller's transaction (which audits it). */
    public static void insert(java.sql.Connection c, Held h) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO held_message (message_id, case_id, partner_id, message_type,"
                + " request_type, legal_basis, purpose, related_request_id, postponed_until, submitted_by, findings, message_xml, status,"
                + " held_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'HELD',?)")) {
            int i = 1;
            ps.setString(i++, h.messageId());
            ps.setString(i++, h.caseId());
            ps.setString(i++, h.partnerId());
            ps.setString(i++, h.messageType());
            ps.setString(i++, h.requestType());
            ps.setString(i++, h.legalBasis());
            ps.setString(i++, h.purpose());
            ps.setString(i++, h.relatedRequestId());
            ps.setObject(i++, h.postponedUntil());
            ps.setString(i++, h.submittedBy());
            ps.setString(i++, findingsJson(h.findings()));
            ps.setString(i++, h.messageXml());
            ps.setTimestamp(i++, Timestamp.from(h.heldAt()));
            ps.executeUpdate();
        }
    }

    /**
     * Inside the caller's transaction (the one that records the sealed message): moves the held message from
     * {@code expected} (HELD for a release by an officer now, RELEASING for one decided earlier) to RELEASED and audits it.
     * Must be the first statement of that transaction: its row lock makes a concurrent release wait, then find nothing.
     *
     * @throws GatewayException held_not_pending when the message is no longer in {@code expected}
     */
    public void claimRelease(Connection c, String messageId, String expected, String by, Mode mode, Instant at, AuditEvent event)
            throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE held_message SET status = 'RELEASED',"
                + " decided_by = COALESCE(?, decided_by), decided_at = COALESCE(decided_at, ?), release_mode = COALESCE(release_mode, ?)"
                + " WHERE message_id = ? AND status = ?")) {
            ps.setString(1, HELD.equals(expected) ? by : null);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, mode.name());
            ps.setString(4, messageId);
            ps.setString(5, expected);
            n = ps.executeUpdate();
        }
        if (n != 1) {
            throw notPending(c, messageId);
        }
        audit.append(c, event);
    }

    /** Records a release decided outside the running gateway: HELD to RELEASING, audited; the gateway sends it. */
    public void approveRelease(String messageId, String by, Mode mode, Instant at, AuditEvent event) {
        decide(messageId, RELEASING, by, mode, null, at, event);
    }

    /** Rejects a held message: it is never sent. HELD to REJECTED, audited. */
    public void reject(String messageId, String by, String reason, Instant at, AuditEvent event) {
        decide(messageId, REJECTED, by, null, reason, at, event);
    }

    /** A release that could not be sent (the case moved meanwhile, the partner left the registry): back to HELD, audited. */
    public boolean returnToHeld(String messageId, AuditEvent event) {
        return database.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE held_message SET status = 'HELD', decided_by = NULL, decided_at = NULL,"
                    + " release_mode = NULL WHERE message_id = ? AND status = 'RELEASING'")) {
                ps.setString(1, messageId);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                audit.append(c, event);
            }
            return n == 1;
        });
    }

    private void decide(String messageId, String to, String by, Mode mode, String reason, Instant at, AuditEvent event) {
        database.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE held_message SET status = ?, decided_by = ?, decided_at = ?,"
                    + " release_mode = ?, reason = ? WHERE message_id = ? AND status = 'HELD'")) {
                ps.setString(1, to);
                ps.setString(2, by);
                ps.setTimestamp(3, Timestamp.from(at));
                ps.setString(4, mode == null ? null : mode.name());
                ps.setString(5, reason);
                ps.setString(6, messageId);
                n = ps.executeUpdate();
            }
            if (n != 1) {
                throw notPending(c, messageId);
            }
            audit.append(c, event);
            return null;
        });
    }

    private GatewayException notPending(Connection c, String messageId) throws SQLException {
        Optional<Held> now = read(c, messageId);
        if (now.isEmpty()) {
            return unknown(messageId);
        }
        Held h = now.get();
        return new GatewayException(ErrorCode.HELD_NOT_PENDING, "Held message " + messageId + " is " + h.status()
                + (h.decidedBy() == null ? "" : " (decided by " + h.decidedBy() + " at " + h.decidedAt() + ")")
                + ": only a HELD message can be released or rejected");
    }

    public static GatewayException unknown(String messageId) {
        return new GatewayException(ErrorCode.HELD_MESSAGE_UNKNOWN, "No held message " + messageId, "id");
    }

    public Optional<Held> find(String messageId) {
        return database.inTransaction(c -> read(c, messageId));
    }

    /** The held message or held_message_unknown. */
    public Held require(String messageId) {
        return find(messageId).orElseThrow(() -> unknown(messageId));
    }

    /** Held messages, oldest first; {@code status} filters when not null. */
    public List<Held> list(String status, int limit) {
        return database.inTransaction(c -> {
            String sql = "SELECT * FROM held_message" + (status == null ? "" : " WHERE status = ?") + " ORDER BY held_at, message_id LIMIT "
                    + Math.max(1, Math.min(limit, 1000));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (status != null) {
                    ps.setString(1, status);
                }
                List<Held> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Ids of releases decided outside the gateway and not yet sent, oldest first. */
    public List<String> approvedReleases() {
        return list(RELEASING, 100).stream().map(Held::messageId).toList();
    }

    private static Optional<Held> read(Connection c, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM held_message WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Held read(ResultSet rs) throws SQLException {
        java.sql.Date postponed = rs.getDate("postponed_until");
        Timestamp decided = rs.getTimestamp("decided_at");
        String mode = rs.getString("release_mode");
        return new Held(rs.getString("message_id"), rs.getString("case_id"), rs.getString("partner_id"), rs.getString("message_type"),
                rs.getString("request_type"), rs.getString("legal_basis"), rs.getString("purpose"), rs.getString("related_request_id"),
                postponed == null ? null : postponed.toLocalDate(), rs.getString("submitted_by"), findings(rs.getString("findings")),
                rs.getString("message_xml"), rs.getString("status"), rs.getTimestamp("held_at").toInstant(), rs.getString("decided_by"),
                decided == null ? null : decided.toInstant(), mode == null ? null : Mode.valueOf(mode), rs.getString("reason"));
    }

    static String findingsJson(List<Finding> findings) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Finding f : findings) {
            a.addObject().put("pointer", f.pointer()).put("element", f.element()).put("kind", f.kind());
        }
        return a.toString();
    }

    private static List<Finding> findings(String json) throws SQLException {
        try {
            List<Finding> out = new ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) {
                out.add(new Finding(n.path("pointer").asText(), n.path("element").asText(), n.path("kind").asText()));
            }
            return List.copyOf(out);
        } catch (java.io.IOException e) {
            throw new SQLException("held_message.findings is not a JSON array", e);
        }
    }

    /** Audit text for findings: pointers and kinds only. */
    public static String describe(List<Finding> findings) {
        StringBuilder sb = new StringBuilder().append(findings.size()).append(findings.size() == 1 ? " finding: " : " findings: ");
        for (int i = 0; i < findings.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(findings.get(i).kind()).append(" in ").append(findings.get(i).pointer());
        }
        return sb.toString();
    }
}
