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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Append-only, hash-chained audit log: {@code hash = SHA-256(prev_hash || canonical record)}, defined once in
 * {@link AuditChain}. Appends join the caller's transaction, so a business row and its audit event commit together,
 * but take no lock there: the event is written to {@code audit_pending}. Right after that commit, {@link #flush()} links
 * the committed pending events into {@code audit_event} in one short transaction that locks the one-row chain head, so
 * concurrent writers (threads, or gateway nodes sharing one database) form one chain without gaps or forks, and the head
 * lock is held for a batch of chain inserts only - never across business work or a business commit.
 */
public final class AuditLog {
    static final String GENESIS = AuditChain.GENESIS;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    /** Most pending events chained in one transaction. */
    static final int CHAIN_BATCH = 2000;

    private final Database database;
    private final Clock clock;
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Flush requests taken so far (a ticket is taken after the caller's commit). */
    private final AtomicLong committed = new AtomicLong();
    /** Every ticket up to this one is chained. Guarded by {@link #flushLock}. */
    private long flushed;
    private final Runnable flushAfterCommit = this::flushQuietly;

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Appends events in their own transaction; they are in the chain when this returns. */
    public void append(AuditEvent... events) {
        database.inTransaction(c -> {
            append(c, events);
            return null;
        });
    }

    /**
     * Appends events inside the caller's transaction (auto-commit must be off): they are written to
     * {@code audit_pending} with the caller's rows, without any lock, and linked into the chain right after the caller's
     * {@link Database#inTransaction} commits (before it returns). On a rollback they vanish with the rest.
     */
    public void append(Connection c, AuditEvent... events) throws SQLException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_pending (occurred_at, event_type, outcome, actor,"
                + " partner_id, message_id, case_id, legal_basis, purpose, message_digest, error_code, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (AuditEvent e : events) {
                insert.setTimestamp(1, Timestamp.from(now));
                setEvent(insert, 2, e);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        database.afterCommit(c, flushAfterCommit);
    }

    /** Sets the eleven event columns from parameter {@code i} on; returns the next parameter index. */
    private static int setEvent(PreparedStatement ps, int i, AuditEvent e) throws SQLException {
        ps.setString(i++, e.type());
        ps.setString(i++, e.outcome());
        ps.setString(i++, e.actor());
        ps.setString(i++, e.partnerId());
        ps.setString(i++, e.messageId());
        ps.setString(i++, e.caseId());
        ps.setString(i++, e.legalBasis());
        ps.setString(i++, e.purpose());
        ps.setString(i++, e.messageDigest());
        ps.setString(i++, e.errorCode());
        ps.setString(i++, truncate(e.detail()));
        return i;
    }

    /**
     * Links every committed pending event into the chain (group commit: one caller chains what all callers waiting
     * meanwhile committed, in one short transaction holding the head lock). Returns when everything this thread
     * committed before the call is chained. Any node may chain any node's pending events.
     */
    public void flush() {
        long ticket = committed.incrementAndGet();
        flushLock.lock();
        try {
            if (flushed >= ticket) {
                return;
            }
            long upTo = committed.get();
            while (chainPending() == CHAIN_BATCH) {
                // a full batch: more may be waiting
            }
            flushed = upTo;
        } finally {
            flushLock.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // the caller's transaction is committed; its events stay pending and the next flush (any append, the
            // checkpoint timer, a restart) chains them
            LOG.warn("Audit events committed but not yet chained: {}", e.getMessage());
        }
    }

    /** Chains up to {@link #CHAIN_BATCH} pending events in pending order; returns how many. */
    private int chainPending() {
        return database.inTransaction(c -> {
            long seq;
            String prev;
            try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
                    ResultSet rs = head.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
                prev = rs.getString(2);
            }
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement pending = c.prepareStatement("SELECT * FROM audit_pending ORDER BY id FETCH FIRST " + CHAIN_BATCH + " ROWS ONLY");
                    ResultSet rs = pending.executeQuery();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO audit_event (seq, occurred_at, event_type, outcome, actor,"
                            + " partner_id, message_id, case_id, legal_basis, purpose, message_digest, error_code, detail, prev_hash, hash)"
                            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                while (rs.next()) {
                    ids.add(rs.getLong("id"));
                    Instant at = rs.getTimestamp("occurred_at").toInstant();
                    AuditEvent e = event(rs);
                    seq++;
                    String hash = hash(prev, seq, at, e);
                    insert.setLong(1, seq);
                    insert.setTimestamp(2, Timestamp.from(at));
                    int i = setEvent(insert, 3, e);
                    insert.setString(i++, prev);
                    insert.setString(i, hash);
                    insert.addBatch();
                    prev = hash;
                }
                if (ids.isEmpty()) {
                    return 0;
                }
                insert.executeBatch();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM audit_pending WHERE id = ?")) {
                for (long id : ids) {
                    delete.setLong(1, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                update.setLong(1, seq);
                update.setString(2, prev);
                update.executeUpdate();
            }
            return ids.size();
        });
    }

    /** Events committed but not yet chained (normally 0 a moment after the last append; more after a crash). */
    public long pendingCount() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_pending"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String truncate(String s) {
        return AuditChain.storedDetail(s);
    }

    static String hash(String prevHash, long seq, Instant at, AuditEvent e) {
        return AuditChain.hash(prevHash, seq, at, e);
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

    private static AuditRecord read(ResultSet rs) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), rs.getTimestamp("occurred_at").toInstant(), event(rs),
                rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getString("event_type"), rs.getString("outcome"), rs.getString("actor"),
                rs.getString("partner_id"), rs.getString("message_id"), rs.getString("case_id"), rs.getString("legal_basis"),
                rs.getString("purpose"), rs.getString("message_digest"), rs.getString("error_code"), rs.getString("detail"));
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
