package org.cmag.flow;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/**
 * Recovery: finds what the database says is on its way but the broker may not hold (a crash between a commit and its
 * enqueue, a lost journal tail, an attempt that never came) and says what to send again. Every resend carries the broker
 * duplicate id of the original send where the original may still be queued, so a repeat collapses at the broker; the
 * steps it triggers are idempotent (the partner answers a retransmission with its original receipt; processing that
 * finds its claim redoes only the sends). Runs at start-up (everything the previous run left on its way) and then
 * continuously (rows overdue by more than the grace period). Camel-free; the route {@code admin-recovery} sends.
 *
 * <ul>
 * <li>outbound rows QUEUED and overdue (or, at start-up, never attempted) → their sealed message to the partner queue;</li>
 * <li>receipts RECEIVED (the message was never claimed or rejected) → the message id to inbound processing;</li>
 * <li>inbound rows PROCESSING (claimed, hand-over not confirmed), and QUEUED_NATIONAL overdue when a callback delivers →
 * processing again (it resumes and makes the sends again).</li>
 * </ul>
 */
public final class Recovery {
    /** One message to send again: where, with which duplicate id, headers and body, and why. */
    public record Resend(String queue, String duplicateId, Map<String, String> headers, byte[] body, String messageId, String partnerId,
            String caseId, String reason, String table) {}

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration grace;
    private final int batch;
    private final String inboundQueue;
    private final boolean callback;
    private final Instant started;
    private final java.util.function.Function<String, String> partnerQueue;

    /**
     * @param grace how long a message may be overdue before it is sent again
     * @param partnerQueue the outbound queue of a partner id
     * @param callback whether national delivery ends at a REST callback (then QUEUED_NATIONAL rows are watched too)
     */
    public Recovery(Database database, AuditLog audit, Clock clock, Duration grace, int batch, String inboundQueue,
            java.util.function.Function<String, String> partnerQueue, boolean callback) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.grace = grace;
        this.batch = batch;
        this.inboundQueue = inboundQueue;
        this.partnerQueue = partnerQueue;
        this.callback = callback;
        this.started = clock.instant();
    }

    /**
     * What to send again now. {@code startup}: also whatever this process found waiting when it started (created before
     * it), whether overdue or not: the previous process may have died between a commit and its enqueue.
     */
    public List<Resend> pending(boolean startup) {
        Instant now = clock.instant();
        Instant overdue = now.minus(grace);
        List<Resend> out = new ArrayList<>();
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id, case_id, partner_id, message_type, sealed_digest,"
                    + " legal_basis, purpose, sealed_xml, generation, attempts FROM outbound_message WHERE status = 'QUEUED'"
                    + " AND (due_at < ?" + (startup ? " OR (attempts = 0 AND created_at < ?)" : "") + ") ORDER BY created_at")) {
                ps.setTimestamp(1, Timestamp.from(overdue));
                if (startup) {
                    ps.setTimestamp(2, Timestamp.from(started));
                }
                ps.setMaxRows(batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(8) == null) {
                            continue;
                        }
                        String id = rs.getString(1);
                        Map<String, String> h = OutboundMessage.wireHeaders(id, rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7));
                        out.add(new Resend(partnerQueue.apply(rs.getString(3)), DuplicateIds.of(id, rs.getInt(9)), h,
                                rs.getString(8).getBytes(StandardCharsets.UTF_8), id, rs.getString(3), rs.getString(2),
                                rs.getInt(10) == 0 ? "recorded but not seen on its queue" : "no delivery attempt since it was due", "outbound_message"));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id, partner_id, generation, received_digest FROM inbound_receipt"
                    + " WHERE state = 'RECEIVED'"
                    + " AND raw_message IS NOT NULL AND (due_at < ?" + (startup ? " OR received_at < ?" : "") + ") ORDER BY received_at")) {
                ps.setTimestamp(1, Timestamp.from(overdue));
                if (startup) {
                    ps.setTimestamp(2, Timestamp.from(started));
                }
                ps.setMaxRows(batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(processing(rs.getString(1), rs.getString(2), rs.getString(4), null,
                                DuplicateIds.processing(rs.getString(2), rs.getString(1), rs.getString(4), rs.getInt(3)),
                                "received but never processed", "inbound_receipt"));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT m.message_id, m.partner_id, m.case_id, m.status, m.received_digest"
                    + " FROM inbound_message m JOIN inbound_receipt r ON r.partner_id = m.partner_id AND r.message_id = m.message_id"
                    + " AND r.received_digest = m.received_digest WHERE r.raw_message IS NOT NULL AND"
                    + " ((m.status = 'PROCESSING' AND (m.due_at < ?" + (startup ? " OR m.processed_at < ?" : "") + "))"
                    + (callback ? " OR (m.status = 'QUEUED_NATIONAL' AND m.due_at < ?)" : "") + ") ORDER BY m.processed_at")) {
                int i = 1;
                ps.setTimestamp(i++, Timestamp.from(overdue));
                if (startup) {
                    ps.setTimestamp(i++, Timestamp.from(started));
                }
                if (callback) {
                    ps.setTimestamp(i, Timestamp.from(overdue));
                }
                ps.setMaxRows(batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // processing again under a fresh duplicate id: the original processing message was consumed (or is
                        // still queued, and then both resume harmlessly); the sends it makes carry their stable ids
                        String id = rs.getString(1);
                        out.add(processing(id, rs.getString(2), rs.getString(5), rs.getString(3),
                                DuplicateIds.processing(rs.getString(2), id, rs.getString(5), 0) + "#resume-" + now.toEpochMilli(),
                                "PROCESSING".equals(rs.getString(4)) ? "claimed but its hand-over was not confirmed"
                                        : "on the national callback queue, no attempt since it was due", "inbound_message"));
                    }
                }
            }
            return null;
        });
        return out;
    }

    private Resend processing(String messageId, String partnerId, String digest, String caseId, String duplicateId, String reason,
            String table) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(GatewayHeaders.MESSAGE_ID, messageId);
        h.put(GatewayHeaders.PARTNER_ID, partnerId);
        h.put(GatewayHeaders.DIGEST, digest);
        return new Resend(inboundQueue, duplicateId, h, messageId.getBytes(StandardCharsets.UTF_8), messageId, partnerId, caseId, reason,
                table);
    }

    /** The resend went to the broker: not due again before twice the grace period; audited as {@code message-requeued}. */
    public void requeued(Resend r) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + r.table() + " SET due_at = ? WHERE message_id = ? AND partner_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now.plus(grace.multipliedBy(2))));
                ps.setString(2, r.messageId());
                ps.setString(3, r.partnerId());
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.ok("message-requeued", "gateway", r.partnerId(), r.messageId(), r.caseId(),
                    "recovery: " + r.reason() + "; sent again to " + r.queue() + " (duplicate id " + r.duplicateId() + ")"));
            return null;
        });
    }
}
