package org.cmag.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Legal holds per case: while a case is on hold, nothing of it is purged (evidence, sealed messages, register rows),
 * whatever its retention date. Placing and releasing a hold are audited in the same transaction; a case has at most one
 * active hold (a second is {@code legal_hold_active}, releasing none is {@code legal_hold_absent}).
 */
public final class LegalHolds {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public LegalHolds(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** An active or released hold. */
    public record Hold(long id, String caseId, String reason, String placedBy, Instant placedAt, String releasedBy, Instant releasedAt) {
        public boolean active() {
            return releasedAt == null;
        }
    }

    /** Places a hold on {@code caseId}; {@code legal_hold_active} when it has one already. */
    public Hold place(String caseId, String reason, String officer) {
        require(caseId, "case");
        require(reason, "reason");
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            // the audit head lock serialises holds and purges: a purge never runs between this check and the insert
            audit.append(c, AuditEvent.ok("legal-hold-placed", officer, null, null, caseId, reason));
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM assistance_case WHERE case_id = ?")) {
                ps.setString(1, caseId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new GatewayException(ErrorCode.CASE_UNKNOWN, "No case " + caseId, "case", null);
                    }
                }
            }
            if (active(c, caseId).isPresent()) {
                throw new GatewayException(ErrorCode.LEGAL_HOLD_ACTIVE, "Case " + caseId + " is already on legal hold", "case", null);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO legal_hold (case_id, reason, placed_by, placed_at) VALUES (?,?,?,?)")) {
                ps.setString(1, caseId);
                ps.setString(2, reason);
                ps.setString(3, officer);
                ps.setTimestamp(4, Timestamp.from(now));
                ps.executeUpdate();
            }
            return active(c, caseId).orElseThrow();
        });
    }

    /** Releases the active hold of {@code caseId}; {@code legal_hold_absent} when there is none. */
    public Hold release(String caseId, String officer) {
        require(caseId, "case");
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            audit.append(c, AuditEvent.ok("legal-hold-released", officer, null, null, caseId, null));
            Hold hold = active(c, caseId).orElseThrow(() -> new GatewayException(ErrorCode.LEGAL_HOLD_ABSENT,
                    "Case " + caseId + " is not on legal hold", "case", null));
            try (PreparedStatement ps = c.prepareStatement("UPDATE legal_hold SET released_by = ?, released_at = ? WHERE id = ?")) {
                ps.setString(1, officer);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setLong(3, hold.id());
                ps.executeUpdate();
            }
            return new Hold(hold.id(), caseId, hold.reason(), hold.placedBy(), hold.placedAt(), officer, now);
        });
    }

    /** The active hold of a case, if any. */
    public Optional<Hold> active(String caseId) {
        return database.inTransaction(c -> active(c, caseId));
    }

    private static Optional<Hold> active(java.sql.Connection c, String caseId) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, reason, placed_by, placed_at FROM legal_hold"
                + " WHERE case_id = ? AND released_at IS NULL")) {
            ps.setString(1, caseId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Hold(rs.getLong(1), caseId, rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), null, null)) : Optional.empty();
            }
        }
    }

    /** SQL condition: the row's {@code case_id} is not on an active hold (for purges). */
    static final String NOT_HELD = "NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.case_id = %s.case_id AND h.released_at IS NULL)";

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new GatewayException(ErrorCode.MISSING_FIELD, "The " + field + " is required", field, null);
        }
    }
}
