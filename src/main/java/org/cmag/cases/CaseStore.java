package org.cmag.cases;

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
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/**
 * Persistence of assistance cases: opening, validated transitions (row-locked, so concurrent messages for one case
 * apply one after the other), timeline, deadlines. Methods taking a {@link Connection} join the caller's transaction,
 * so a case change commits together with the message it belongs to and its audit records.
 */
public final class CaseStore {
    private final Database database;
    private final AuditLog audit;
    private final CaseStateMachine machine;

    public CaseStore(Database database, AuditLog audit, CaseStateMachine machine) {
        this.database = database;
        this.audit = audit;
        this.machine = machine;
    }

    /** Opens a case in its initial state for our side; audited as {@code case-opened}. */
    public void open(Connection c, AssistanceCase k, String direction, String actor) throws SQLException {
        CaseState initial = machine.initial(k.role());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO assistance_case (case_id, role, partner_id, request_type, legal_basis,"
                + " purpose, request_message_id, related_request_id, state, overdue, due_at, reminder_at, reminder_sent, postponed_until,"
                + " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,FALSE,?,?,FALSE,NULL,?,?)")) {
            int i = 1;
            ps.setString(i++, k.caseId());
            ps.setString(i++, k.role().name());
            ps.setString(i++, k.partnerId());
            ps.setString(i++, k.requestType());
            ps.setString(i++, k.legalBasis());
            ps.setString(i++, k.purpose());
            ps.setString(i++, k.requestMessageId());
            ps.setString(i++, k.relatedRequestId());
            ps.setString(i++, initial.name());
            ps.setTimestamp(i++, k.dueAt() == null ? null : Timestamp.from(k.dueAt()));
            ps.setTimestamp(i++, k.reminderAt() == null ? null : Timestamp.from(k.reminderAt()));
            ps.setTimestamp(i++, Timestamp.from(k.createdAt()));
            ps.setTimestamp(i++, Timestamp.from(k.createdAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
                throw new GatewayException(ErrorCode.CASE_TRANSITION_NOT_ALLOWED, "Case " + k.caseId() + " already exists");
            }
            throw e;
        }
        insertTransition(c, k.caseId(), 1, CaseEvent.ASSISTANCE_REQUEST.name(), null, initial, k.requestMessageId(), direction, actor,
                k.createdAt());
        audit.append(c, AuditEvent.ok("case-opened", actor, k.partnerId(), k.requestMessageId(), k.caseId(),
                k.role() + " side, " + k.requestType() + ", state " + initial + (k.dueAt() == null ? "" : ", due " + k.dueAt()))
                .withLegal(k.legalBasis(), k.purpose()));
    }

    /**
     * Applies an event to a case inside the caller's transaction: the case row is locked, the counterpart and the
     * sending side are checked, the protocol table decides the next state; the transition is stored and audited.
     *
     * @param direction IN for a partner's message, OUT for ours, LOCAL for a national action
     * @return the new state
     */
    public CaseState apply(Connection c, String caseId, CaseEvent event, String partnerId, String messageId, String direction,
            String actor, Instant at, LocalDate postponedUntil) throws SQLException {
        AssistanceCase k = lock(c, caseId).orElseThrow(() -> new GatewayException(ErrorCode.CASE_UNKNOWN,
                "No assistance case " + caseId + " for " + event, "/ExchangeMessage/Header/ConversationID"));
        if (!k.partnerId().equals(partnerId)) {
            throw new GatewayException(ErrorCode.CASE_COUNTERPART_MISMATCH, "Case " + caseId + " is with " + k.partnerId() + ", not "
                    + partnerId, "/ExchangeMessage/Header/Sender/AuthorityID");
        }
        CaseRole sender = direction.equals("IN") ? other(k.role()) : k.role();
        if (event.sentBy() != null && event.sentBy() != sender) {
            throw new GatewayException(ErrorCode.CASE_WRONG_SIDE, event + " is sent by the " + event.sentBy() + " side; in case " + caseId
                    + " that is " + (event.sentBy() == k.role() ? "us" : k.partnerId()));
        }
        CaseState next = machine.next(k.state(), event);
        try (PreparedStatement ps = c.prepareStatement("UPDATE assistance_case SET state = ?, updated_at = ?,"
                + " postponed_until = COALESCE(?, postponed_until) WHERE case_id = ?")) {
            ps.setString(1, next.name());
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setObject(3, postponedUntil);
            ps.setString(4, caseId);
            ps.executeUpdate();
        }
        insertTransition(c, caseId, nextSeq(c, caseId), event.name(), k.state(), next, messageId, direction, actor, at);
        audit.append(c, AuditEvent.ok("case-transition", actor, k.partnerId(), messageId, caseId,
                k.state() + " -> " + next + " by " + event + " (" + direction + ")"));
        return next;
    }

    /** Like {@link #apply} in its own transaction. */
    public CaseState apply(String caseId, CaseEvent event, String partnerId, String messageId, String direction, String actor, Instant at,
            LocalDate postponedUntil) {
        return database.inTransaction(c -> apply(c, caseId, event, partnerId, messageId, direction, actor, at, postponedUntil));
    }

    /** The case's state, row-locked for the rest of the caller's transaction (null when there is no such case). */
    public CaseState stateForUpdate(Connection c, String caseId) throws SQLException {
        return lock(c, caseId).map(AssistanceCase::state).orElse(null);
    }

    private static CaseRole other(CaseRole r) {
        return r == CaseRole.REQUESTING ? CaseRole.REQUESTED : CaseRole.REQUESTING;
    }

    private Optional<AssistanceCase> lock(Connection c, String caseId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM assistance_case WHERE case_id = ? FOR UPDATE")) {
            ps.setString(1, caseId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static int nextSeq(Connection c, String caseId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_transition WHERE case_id = ?")) {
            ps.setString(1, caseId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void insertTransition(Connection c, String caseId, int seq, String event, CaseState from, CaseState to,
            String messageId, String direction, String actor, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO case_transition (case_id, seq, event, from_state, to_state, message_id,"
                + " direction, actor, occurred_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, caseId);
            ps.setInt(2, seq);
            ps.setString(3, event);
            ps.setString(4, from == null ? null : from.name());
            ps.setString(5, to.name());
            ps.setString(6, messageId);
            ps.setString(7, direction);
            ps.setString(8, actor);
            ps.setTimestamp(9, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    private static AssistanceCase read(ResultSet rs) throws SQLException {
        Timestamp due = rs.getTimestamp("due_at");
        Timestamp reminder = rs.getTimestamp("reminder_at");
        java.sql.Date postponed = rs.getDate("postponed_until");
        return new AssistanceCase(rs.getString("case_id"), CaseRole.valueOf(rs.getString("role")), rs.getString("partner_id"),
                rs.getString("request_type"), rs.getString("legal_basis"), rs.getString("purpose"), rs.getString("request_message_id"),
                rs.getString("related_request_id"), CaseState.valueOf(rs.getString("state")), rs.getBoolean("overdue"),
                due == null ? null : due.toInstant(), reminder == null ? null : reminder.toInstant(),
                postponed == null ? null : postponed.toLocalDate(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    public Optional<AssistanceCase> find(String caseId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM assistance_case WHERE case_id = ?")) {
                ps.setString(1, caseId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<AssistanceCase>empty();
                }
            }
        });
    }

    /** Cases, newest first; {@code partner} and {@code state} filter when not null. */
    public List<AssistanceCase> list(String partner, CaseState state, int limit) {
        return database.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM assistance_case WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (partner != null) {
                sql.append(" AND partner_id = ?");
                args.add(partner);
            }
            if (state != null) {
                sql.append(" AND state = ?");
                args.add(state.name());
            }
            sql.append(" ORDER BY created_at DESC, case_id LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<AssistanceCase> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The case's transitions in order. */
    public List<CaseTransition> timeline(String caseId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM case_transition WHERE case_id = ? ORDER BY seq")) {
                ps.setString(1, caseId);
                List<CaseTransition> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String from = rs.getString("from_state");
                        out.add(new CaseTransition(rs.getString("case_id"), rs.getInt("seq"), rs.getString("event"),
                                from == null ? null : CaseState.valueOf(from), CaseState.valueOf(rs.getString("to_state")),
                                rs.getString("message_id"), rs.getString("direction"), rs.getString("actor"),
                                rs.getTimestamp("occurred_at").toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Flags every open case whose deadline has passed as OVERDUE (a flag, not a state) and audits each; returns their
     * references.
     */
    public List<String> markOverdue(Instant now) {
        return database.inTransaction(c -> {
            List<AssistanceCase> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM assistance_case WHERE overdue = FALSE AND due_at IS NOT NULL AND due_at < ? FOR UPDATE")) {
                ps.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AssistanceCase k = read(rs);
                        if (k.state().isOpen() && (k.postponedUntil() == null || !k.postponedUntil().isAfter(now.atOffset(
                                java.time.ZoneOffset.UTC).toLocalDate()))) {
                            due.add(k);
                        }
                    }
                }
            }
            List<String> ids = new ArrayList<>();
            for (AssistanceCase k : due) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE assistance_case SET overdue = TRUE, updated_at = ? WHERE case_id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, k.caseId());
                    ps.executeUpdate();
                }
                audit.append(c, AuditEvent.ok("case-overdue", "gateway", k.partnerId(), null, k.caseId(),
                        "due " + k.dueAt() + ", state " + k.state()));
                ids.add(k.caseId());
            }
            return ids;
        });
    }

    /** Open cases on our requesting side whose reminder time has come and no reminder was sent yet. */
    public List<AssistanceCase> dueForReminder(Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM assistance_case WHERE role = 'REQUESTING' AND reminder_sent = FALSE"
                    + " AND reminder_at IS NOT NULL AND reminder_at < ? ORDER BY reminder_at")) {
                ps.setTimestamp(1, Timestamp.from(now));
                List<AssistanceCase> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AssistanceCase k = read(rs);
                        if (k.state().isOpen()) {
                            out.add(k);
                        }
                    }
                }
                return out;
            }
        });
    }

    public void markReminderSent(Connection c, String caseId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE assistance_case SET reminder_sent = TRUE WHERE case_id = ?")) {
            ps.setString(1, caseId);
            ps.executeUpdate();
        }
    }

    public Database database() {
        return database;
    }
}
