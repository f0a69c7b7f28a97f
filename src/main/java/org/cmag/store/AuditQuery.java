package org.cmag.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The legal officers' read side of the audit log: search with filters, newest first, in keyset pages on {@code seq}
 * (a page never shifts when records are appended meanwhile), and the timeline of one case in both directions.
 *
 * <p>Message type: an audit row has no type column (adding one would change the hashed record). A record's type is that
 * of its message, found by message id in the message tables ({@code outbound_message}, {@code held_message},
 * {@code inbound_message}); a record without a message (a case or configuration event, a refused submission that never
 * got an id) has none, and a type filter does not match it. The direction is derived the same way (outbound when the
 * message is ours, inbound when it came from a partner, including rejected ones).
 *
 * <p>A case's records are those carrying its case id plus those of every message the case touched (its transitions and
 * the message tables), so a partner's message rejected before its case id was read still appears in the timeline once
 * it was recorded against the case.
 */
public final class AuditQuery {
    public static final int MAX_LIMIT = 500;
    public static final Set<String> OUTCOMES = Set.of(AuditEvent.OK, AuditEvent.REJECTED, AuditEvent.FAILED);

    /** Audit event types that show data withheld from a partner by the agreement's field policy. */
    private static final String POLICY_APPLIED = "policy-applied";

    private static final String MESSAGE_TYPE = "COALESCE((SELECT o.message_type FROM outbound_message o WHERE o.message_id = a.message_id),"
            + " (SELECT h.message_type FROM held_message h WHERE h.message_id = a.message_id),"
            + " (SELECT i.message_type FROM inbound_message i WHERE i.message_id = a.message_id AND i.partner_id = a.partner_id))";
    private static final String DIRECTION = "CASE WHEN a.message_id IS NULL THEN NULL"
            + " WHEN EXISTS (SELECT 1 FROM outbound_message o WHERE o.message_id = a.message_id)"
            + " OR EXISTS (SELECT 1 FROM held_message h WHERE h.message_id = a.message_id) THEN 'outbound'"
            + " WHEN EXISTS (SELECT 1 FROM inbound_message i WHERE i.message_id = a.message_id)"
            + " OR EXISTS (SELECT 1 FROM inbound_receipt r WHERE r.message_id = a.message_id)"
            + " OR EXISTS (SELECT 1 FROM inbound_rejection j WHERE j.message_id = a.message_id) THEN 'inbound' ELSE NULL END";
    private static final String SELECT = "SELECT a.*, " + MESSAGE_TYPE + " AS message_type, " + DIRECTION + " AS direction FROM audit_event a";
    private static final String OF_CASE = "(a.case_id = ? OR a.message_id IN (SELECT o.message_id FROM outbound_message o WHERE o.case_id = ?"
            + " UNION SELECT i.message_id FROM inbound_message i WHERE i.case_id = ?"
            + " UNION SELECT h.message_id FROM held_message h WHERE h.case_id = ?"
            + " UNION SELECT t.message_id FROM case_transition t WHERE t.case_id = ? AND t.message_id IS NOT NULL))";
    private static final int CASE_PARAMETERS = 5;
    private static final String OF_MESSAGE_TYPE = "a.message_id IN (SELECT o.message_id FROM outbound_message o WHERE o.message_type = ?"
            + " UNION SELECT h.message_id FROM held_message h WHERE h.message_type = ?"
            + " UNION SELECT i.message_id FROM inbound_message i WHERE i.message_type = ?)";
    private static final int MESSAGE_TYPE_PARAMETERS = 3;

    private final Database database;

    public AuditQuery(Database database) {
        this.database = database;
    }

    /**
     * What to search for; null fields do not filter. Times: {@code from} inclusive, {@code to} exclusive.
     */
    public record Filter(String caseId, String partnerId, Instant from, Instant to, String messageType, String legalBasis, String purpose,
            String outcome, String eventType, String errorCode) {
        public static final Filter ALL = new Filter(null, null, null, null, null, null, null, null, null, null);

        public Filter {
            if (outcome != null && !OUTCOMES.contains(outcome)) {
                throw new GatewayException(ErrorCode.INVALID_FIELD, "outcome must be OK, REJECTED or FAILED", "outcome");
            }
        }
    }

    /** One record as the officer sees it: the chained record plus its message's type and the direction. */
    public record Row(AuditRecord record, String messageType, String direction) {
        /** What the agreement withheld from the partner (WCO pointers per action), for a policy decision; else null. */
        public String withheld() {
            return withheldBy(record.event());
        }
    }

    /** A page of rows, newest first; {@code next} is the cursor ({@code before}) of the following page, or null at the end. */
    public record Page(List<Row> rows, Long next) {}

    /**
     * One page of the records matching the filter, newest first.
     *
     * @param before only records with a smaller seq (the previous page's {@code next}); null for the first page
     * @param limit 1 to {@link #MAX_LIMIT}
     */
    public Page search(Filter filter, Long before, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "limit must be between 1 and " + MAX_LIMIT, "limit");
        }
        List<Object> args = new ArrayList<>();
        StringBuilder where = where(filter, args);
        if (before != null) {
            where.append(" AND a.seq < ?");
            args.add(before);
        }
        // one more than asked: whether a next page exists, without a count
        List<Row> rows = rows(SELECT + where + " ORDER BY a.seq DESC FETCH FIRST " + (limit + 1) + " ROWS ONLY", args);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<Row> page = List.copyOf(rows.subList(0, limit));
        return new Page(page, page.get(limit - 1).record().seq());
    }

    /** Every record of a case, both directions, in chain order. */
    public List<Row> timeline(String caseId) {
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < CASE_PARAMETERS; i++) {
            args.add(caseId);
        }
        return rows(SELECT + " WHERE " + OF_CASE + " ORDER BY a.seq", args);
    }

    private static StringBuilder where(Filter f, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (f.caseId() != null) {
            where.append(" AND ").append(OF_CASE);
            for (int i = 0; i < CASE_PARAMETERS; i++) {
                args.add(f.caseId());
            }
        }
        if (f.messageType() != null) {
            where.append(" AND ").append(OF_MESSAGE_TYPE);
            for (int i = 0; i < MESSAGE_TYPE_PARAMETERS; i++) {
                args.add(f.messageType());
            }
        }
        equal(where, args, "a.partner_id", f.partnerId());
        equal(where, args, "a.legal_basis", f.legalBasis());
        equal(where, args, "a.purpose", f.purpose());
        equal(where, args, "a.outcome", f.outcome());
        equal(where, args, "a.event_type", f.eventType());
        equal(where, args, "a.error_code", f.errorCode());
        if (f.from() != null) {
            where.append(" AND a.occurred_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            where.append(" AND a.occurred_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        return where;
    }

    private static void equal(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private List<Row> rows(String sql, List<Object> args) {
        return database.inTransaction(c -> read(c, sql, args));
    }

    private static List<Row> read(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(AuditLog.read(rs), rs.getString("message_type"), rs.getString("direction")));
                }
            }
            return out;
        }
    }

    /**
     * The withheld part of a policy decision's detail ({@code "agreement A v1 sha256 …: drop 1 [ptr]; keep 12"} →
     * {@code "drop 1 [ptr]"}): every action but keep, with the WCO pointers it applied to; never values.
     */
    static String withheldBy(AuditEvent e) {
        if (!POLICY_APPLIED.equals(e.type()) || e.detail() == null) {
            return null;
        }
        String detail = e.detail();
        int colon = detail.indexOf(": ");
        String summary = colon < 0 ? detail : detail.substring(colon + 2);
        List<String> withheld = new ArrayList<>();
        for (String part : summary.split("; ")) {
            if (!part.toLowerCase(Locale.ROOT).startsWith("keep") && !part.equals("no declaration data")) {
                withheld.add(part);
            }
        }
        return withheld.isEmpty() ? null : String.join("; ", withheld);
    }
}
