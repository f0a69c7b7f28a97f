package org.cmag.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dead letters: messages whose attempts are exhausted, taken off their queue with the reason code, the number of attempts,
 * the first and last failure and the last error, kept whole (headers and body) for inspection and replay. One row per
 * (queue, message id); a replayed message that dies again updates its row.
 */
public final class DeadLetterStore {
    public static final String DEAD = "DEAD";
    /** Replay decided on the database (CLI without a running gateway): the gateway sends it at its next recovery pass. */
    public static final String REPLAY_REQUESTED = "REPLAY_REQUESTED";
    public static final String REPLAYED = "REPLAYED";

    /** A dead letter. */
    public record DeadLetter(long id, String queue, String messageId, String partnerId, String caseId, String reasonCode, int attempts,
            Instant firstFailureAt, Instant lastFailureAt, String lastError, Instant deadLetteredAt, String headers, String body, String state,
            int replays, Instant replayedAt, String replayedBy) {

        /** A new dead letter (not yet stored). */
        public static DeadLetter of(String queue, String messageId, String partnerId, String caseId, String reasonCode, int attempts,
                Instant firstFailureAt, Instant lastFailureAt, String lastError, Instant at, String headers, String body) {
            return new DeadLetter(0, queue, messageId, partnerId, caseId, reasonCode, attempts, firstFailureAt, lastFailureAt,
                    truncate(lastError), at, headers, body, DEAD, 0, null, null);
        }
    }

    private final Database database;

    public DeadLetterStore(Database database) {
        this.database = database;
    }

    static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }

    /** Stores a dead letter inside the caller's transaction (a second death of a replayed message updates its row). */
    public static void put(Connection c, DeadLetter d) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE dead_letter SET partner_id = ?, case_id = ?, reason_code = ?, attempts = ?,"
                + " first_failure_at = ?, last_failure_at = ?, last_error = ?, dead_lettered_at = ?, headers = ?, body = ?, state = ?"
                + " WHERE queue = ? AND message_id = ?")) {
            int i = 1;
            i = fill(ps, i, d);
            ps.setString(i++, d.queue());
            ps.setString(i, d.messageId());
            n = ps.executeUpdate();
        }
        if (n == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letter (partner_id, case_id, reason_code, attempts,"
                    + " first_failure_at, last_failure_at, last_error, dead_lettered_at, headers, body, state, queue, message_id)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = fill(ps, 1, d);
                ps.setString(i++, d.queue());
                ps.setString(i, d.messageId());
                ps.executeUpdate();
            }
        }
    }

    private static int fill(PreparedStatement ps, int i, DeadLetter d) throws SQLException {
        ps.setString(i++, d.partnerId());
        ps.setString(i++, d.caseId());
        ps.setString(i++, d.reasonCode());
        ps.setInt(i++, d.attempts());
        ps.setTimestamp(i++, d.firstFailureAt() == null ? null : Timestamp.from(d.firstFailureAt()));
        ps.setTimestamp(i++, d.lastFailureAt() == null ? null : Timestamp.from(d.lastFailureAt()));
        ps.setString(i++, truncate(d.lastError()));
        ps.setTimestamp(i++, Timestamp.from(d.deadLetteredAt()));
        ps.setString(i++, d.headers());
        ps.setString(i++, d.body());
        ps.setString(i++, DEAD);
        return i;
    }

    /** Dead letters in {@code state} (null: all), newest first. */
    public List<DeadLetter> list(String state, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM dead_letter" + (state == null ? "" : " WHERE state = ?")
                    + " ORDER BY dead_lettered_at DESC, id DESC")) {
                if (state != null) {
                    ps.setString(1, state);
                }
                ps.setMaxRows(limit);
                List<DeadLetter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    public Optional<DeadLetter> find(long id) {
        return database.inTransaction(c -> find(c, id, false));
    }

    /** The dead letter {@code id}, locked for update when {@code lock}. */
    public static Optional<DeadLetter> find(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM dead_letter WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Moves a dead letter to {@code state} (REPLAY_REQUESTED or REPLAYED) by {@code by}, counting the replay. */
    public static void markReplay(Connection c, long id, String state, String by, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE dead_letter SET state = ?, replayed_by = ?, replayed_at = ?,"
                + " replays = replays + ? WHERE id = ?")) {
            ps.setString(1, state);
            ps.setString(2, by);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setInt(4, REPLAYED.equals(state) ? 1 : 0);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** The ids of dead letters whose replay was requested on the database (the gateway sends them). */
    public List<Long> replayRequested() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM dead_letter WHERE state = ? ORDER BY id")) {
                ps.setString(1, REPLAY_REQUESTED);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            }
        });
    }

    public int count(String state) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dead_letter WHERE state = ?")) {
                ps.setString(1, state);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static DeadLetter read(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getLong("id"), rs.getString("queue"), rs.getString("message_id"), rs.getString("partner_id"),
                rs.getString("case_id"), rs.getString("reason_code"), rs.getInt("attempts"), instant(rs, "first_failure_at"),
                instant(rs, "last_failure_at"), rs.getString("last_error"), instant(rs, "dead_lettered_at"), rs.getString("headers"),
                rs.getString("body"), rs.getString("state"), rs.getInt("replays"), instant(rs, "replayed_at"), rs.getString("replayed_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
