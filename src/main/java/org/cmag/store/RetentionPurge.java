package org.cmag.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention-driven purging (DOMAIN.md §10): once the RetentionUntil date a message's signed header carried has passed,
 * the payloads stored with it are removed (the sealed message and the partner's receipt of an outbound message) and the
 * received-data register forgets what an inbound message carried. Rejected inbound messages, whose labels could not be
 * trusted, are kept whole for a fixed period instead. Evidence items (signed messages and receipts) lose their content
 * but keep their row and digest, with one {@code evidence-purged} audit record each. Nothing of a case on legal hold is
 * purged. Ids, digests, statuses and the audit chain stay; every run that is not a dry run appends one audit record with
 * the counts (never values).
 */
public final class RetentionPurge {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration keepRejected;

    public RetentionPurge(Database database, AuditLog audit, Clock clock, Duration keepRejected) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.keepRejected = keepRejected;
    }

    /** What one run removed (or, in a dry run, would remove). */
    public record Result(LocalDate today, boolean dryRun, int outboundPayloads, int registerRows, int rejectedMessages,
            int evidenceItems) {
        public String summary() {
            return (dryRun ? "would purge" : "purged") + " the payloads of " + outboundPayloads + " outbound messages, "
                    + evidenceItems + " evidence items, " + registerRows + " received-data register rows and " + rejectedMessages
                    + " rejected inbound messages whose retention ended before " + today + " (cases on legal hold kept)";
        }
    }

    /**
     * Purges everything whose retention date is before today (UTC, by the gateway clock).
     *
     * @param actor who ran it, as audited ({@code gateway} for the timer, the operator for the CLI)
     */
    public Result run(boolean dryRun, String actor) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Date cutoff = Date.valueOf(today);
        Timestamp rejectedBefore = Timestamp.from(now.minus(keepRejected));
        return database.inTransaction(c -> {
            if (dryRun) {
                return new Result(today, true,
                        count(c, "SELECT COUNT(*) FROM outbound_message WHERE retention_until < ? AND purged_at IS NULL AND "
                                + notHeld("outbound_message"), cutoff),
                        count(c, "SELECT COUNT(*) FROM received_data WHERE retention_until < ? AND " + notHeld("received_data"), cutoff),
                        count(c, "SELECT COUNT(*) FROM inbound_rejection WHERE rejected_at < ? AND purged_at IS NULL", rejectedBefore),
                        count(c, "SELECT COUNT(*) FROM evidence_item WHERE " + EXPIRED_EVIDENCE, cutoff));
            }
            // the audit head lock first (as every append takes it): legal holds placed meanwhile wait for this purge
            audit.lockHead(c);
            int evidence = purgeEvidence(c, cutoff, now, actor);
            int outbound;
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbound_message SET sealed_xml = NULL, receipt_xml = NULL,"
                    + " purged_at = ? WHERE retention_until < ? AND purged_at IS NULL AND " + notHeld("outbound_message"))) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setDate(2, cutoff);
                outbound = ps.executeUpdate();
            }
            int register;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM received_data WHERE retention_until < ? AND " + notHeld("received_data"))) {
                ps.setDate(1, cutoff);
                register = ps.executeUpdate();
            }
            int rejected;
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_rejection SET raw_message = NULL, purged_at = ?"
                    + " WHERE rejected_at < ? AND purged_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, rejectedBefore);
                rejected = ps.executeUpdate();
            }
            Result result = new Result(today, false, outbound, register, rejected, evidence);
            audit.append(c, AuditEvent.ok("retention-purge", actor, null, null, null, result.summary()));
            return result;
        });
    }

    private static final String EXPIRED_EVIDENCE = "retention_until < ? AND purged_at IS NULL AND " + notHeld("evidence_item");

    private static String notHeld(String table) {
        return String.format(LegalHolds.NOT_HELD, table);
    }

    /**
     * Removes the content of every evidence item past its retention date (not on legal hold), keeping the row with its
     * digest, and audits each one ({@code evidence-purged} with the item's digest), so the chain and the evidence's
     * link to it stay verifiable.
     */
    private int purgeEvidence(Connection c, Date cutoff, Instant now, String actor) throws SQLException {
        List<AuditEvent> events = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, message_id, case_id, partner_id, direction, kind, digest, retention_until"
                + " FROM evidence_item WHERE " + EXPIRED_EVIDENCE + " ORDER BY id")) {
            ps.setDate(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    events.add(AuditEvent.ok("evidence-purged", actor, rs.getString(4), rs.getString(2), rs.getString(3),
                            rs.getString(5) + "-" + rs.getString(6) + " content removed; retention ended " + rs.getDate(8))
                            .withDigest(rs.getString(7)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE evidence_item SET content = NULL, purged_at = ? WHERE id = ?")) {
            for (long id : ids) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setLong(2, id);
                ps.addBatch();
            }
            if (!ids.isEmpty()) {
                ps.executeBatch();
            }
        }
        if (!events.isEmpty()) {
            audit.append(c, events.toArray(AuditEvent[]::new));
        }
        return ids.size();
    }

    private static int count(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
