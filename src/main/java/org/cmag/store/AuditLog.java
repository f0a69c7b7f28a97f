package org.cmag.store;

import org.cmag.audit.AuditChain;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.ChainVerifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Append-only, hash-chained audit log: {@code hash = SHA-256(prev_hash || canonical record)}. Appends lock
 * the chain head row, so concurrent writers (threads or gateway nodes sharing one database) form one chain.
 * Appends can join the caller's transaction, so a business row and its audit record commit together. The hash is
 * defined once, in {@link AuditChain}.
 */
public final class AuditLog {

    private final Database database;
    private final Clock clock;
    private final java.util.concurrent.atomic.LongAdder appends = new java.util.concurrent.atomic.LongAdder();

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Appends events in their own transaction. */
    public void append(AuditEvent... events) {
        database.inTransaction(c -> {
            append(c, events);
            return null;
        });
    }

    /**
     * Locks the chain head inside the caller's transaction (as every append does), so work that must not interleave with
     * appends of other transactions (a purge and a legal hold) is serialised. Returns the head's sequence.
     */
    public long lockHead(Connection c) throws SQLException {
        try (PreparedStatement head = c.prepareStatement("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE");
                ResultSet rs = head.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Appends events inside the caller's transaction (auto-commit must be off). */
    public void append(Connection c, AuditEvent... events) throws SQLException {
        appends.increment();
        long seq;
        String prev;
        try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
                ResultSet rs = head.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
            prev = rs.getString(2);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_event (seq, occurred_at, event_type, outcome, actor,"
                + " partner_id, message_id, case_id, legal_basis, purpose, message_digest, error_code, detail, prev_hash, hash)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (AuditEvent e : events) {
                seq++;
                String hash = AuditChain.hash(prev, seq, now, e);
                int i = 1;
                insert.setLong(i++, seq);
                insert.setTimestamp(i++, Timestamp.from(now));
                insert.setString(i++, e.type());
                insert.setString(i++, e.outcome());
                insert.setString(i++, e.actor());
                insert.setString(i++, e.partnerId());
                insert.setString(i++, e.messageId());
                insert.setString(i++, e.caseId());
                insert.setString(i++, e.legalBasis());
                insert.setString(i++, e.purpose());
                insert.setString(i++, e.messageDigest());
                insert.setString(i++, e.errorCode());
                insert.setString(i++, AuditChain.storedDetail(e.detail()));
                insert.setString(i++, prev);
                insert.setString(i++, hash);
                insert.addBatch();
                prev = hash;
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            update.setLong(1, seq);
            update.setString(2, prev);
            update.executeUpdate();
        }
    }

    /** How many appends (each one head-locked write of one or more records) this instance has made: for the bench. */
    public long appendCount() {
        return appends.sum();
    }

    /** Records of one message, in chain order. */
    public List<AuditRecord> forMessage(String messageId) {
        return query("SELECT * FROM audit_event WHERE message_id = ? ORDER BY seq", messageId);
    }

    /** All records, in chain order. */
    public List<AuditRecord> all() {
        return query("SELECT * FROM audit_event ORDER BY seq");
    }

    private List<AuditRecord> query(String sql, Object... args) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                List<AuditRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The record in the current row of a {@code SELECT * FROM audit_event} result. */
    public static AuditRecord read(ResultSet rs) throws SQLException {
        AuditEvent e = new AuditEvent(rs.getString("event_type"), rs.getString("outcome"), rs.getString("actor"),
                rs.getString("partner_id"), rs.getString("message_id"), rs.getString("case_id"), rs.getString("legal_basis"),
                rs.getString("purpose"), rs.getString("message_digest"), rs.getString("error_code"), rs.getString("detail"));
        return new AuditRecord(rs.getLong("seq"), rs.getTimestamp("occurred_at").toInstant(), e,
                rs.getString("prev_hash"), rs.getString("hash"));
    }

    /** The chain head: the last record's sequence and hash (0 and {@link AuditChain#GENESIS} for an empty log). */
    public record Head(long seq, String hash) {}

    /** The current head as committed (no lock: a verifier reads it, then the records up to it, while writers go on). */
    public Head head() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Head(rs.getLong(1), rs.getString(2));
            }
        });
    }

    /** Records with {@code from <= seq <= to}, in chain order (an excerpt, or one chunk of a full scan). */
    public List<AuditRecord> range(long from, long to) {
        return query("SELECT * FROM audit_event WHERE seq >= ? AND seq <= ? ORDER BY seq", from, to);
    }

    /**
     * Recomputes the whole chain and compares it with the stored hashes and the head (checkpoints are not checked
     * here: {@link org.cmag.audit.ChainVerifier} with the gateway's certificates does both).
     *
     * @return empty when the chain is intact, otherwise a description naming the first bad record
     */
    public Optional<String> verifyChain() {
        return new ChainVerifier(this, null, null).verify().problem().map(ChainProblem::message);
    }
}
