package org.cmag.flow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.cmag.messaging.RedeliveryPolicy;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.DeadLetterStore;

/**
 * Failed delivery attempts, explained where an operator looks: on the message's row (attempts, first and last failure,
 * last error code and text, when the next sign of progress is due) and as an audit record per attempt; at the last
 * attempt the queue's settings allow, the message is taken off the queue as a dead letter (status DEAD_LETTERED, a
 * {@code dead_letter} row with the reason, attempts, first and last failure and last error, and a {@code dead-lettered}
 * audit record). Camel-free; the routes' error steps call it.
 */
public final class DeliveryAttempts {
    /** What is being delivered: a sealed message to a partner, or an inbound message to the national callback. */
    public enum Kind {
        OUTBOUND("outbound_message", "delivery-attempt", "QUEUED"),
        NATIONAL_CALLBACK("inbound_message", "national-callback-attempt", "QUEUED_NATIONAL");

        private final String table;
        private final String auditType;
        private final String pendingStatus;

        Kind(String table, String auditType, String pendingStatus) {
            this.table = table;
            this.auditType = auditType;
            this.pendingStatus = pendingStatus;
        }
    }

    /** What became of a failed attempt: attempt n of max, and either the next retry (roughly) or the dead letter. */
    public record Outcome(int attempt, int maxAttempts, boolean deadLettered, Duration nextRetry, String partnerId, String caseId) {
        /** One line for the log: attempt, what happens next. */
        public String describe() {
            return "attempt " + attempt + (maxAttempts > 0 ? " of " + maxAttempts : "")
                    + (deadLettered ? ", dead-lettered" : ", next retry in ~" + seconds(nextRetry));
        }

        private static String seconds(Duration d) {
            return d.toMillis() < 10_000 ? String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : d.toSeconds() + "s";
        }
    }

    /** How long past the broker's expected retry a message may show no progress before recovery sends it again. */
    private static final Duration SLACK = Duration.ofSeconds(30);

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public DeliveryAttempts(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records a failed attempt to deliver {@code messageId} from {@code queue}; dead-letters it at the last attempt. The
     * attempt count is the row's (it survives a broker restart), at least the broker's delivery count.
     *
     * @param headers the message's own headers (JSON), kept with a dead letter for its replay
     * @param body the message as queued, kept with a dead letter
     */
    public Outcome failed(Kind kind, String partnerId, String messageId, String queue, RedeliveryPolicy.Settings settings,
            int brokerDeliveryCount,
            String errorCode, String error, String headers, String body) {
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            String partner;
            String caseId;
            int attempts;
            Instant first;
            String status;
            try (PreparedStatement ps = c.prepareStatement("SELECT partner_id, case_id, attempts, first_failure_at, status FROM " + kind.table
                    + " WHERE message_id = ? AND partner_id = ? FOR UPDATE")) {
                ps.setString(1, messageId);
                ps.setString(2, partnerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Outcome(brokerDeliveryCount, settings.maxAttempts(), false, settings.delayAfter(brokerDeliveryCount), null,
                                null);
                    }
                    partner = rs.getString(1);
                    caseId = rs.getString(2);
                    attempts = rs.getInt(3);
                    Timestamp f = rs.getTimestamp(4);
                    first = f == null ? now : f.toInstant();
                    status = rs.getString(5);
                }
            }
            int attempt = Math.max(attempts + 1, brokerDeliveryCount);
            if (!kind.pendingStatus.equals(status)) {
                // settled meanwhile (e.g. delivered by a concurrent redelivery): nothing to count
                return new Outcome(attempt, settings.maxAttempts(), false, Duration.ZERO, partner, caseId);
            }
            boolean exhausted = settings.exhaustedAt(attempt);
            Duration next = exhausted ? Duration.ZERO : settings.delayAfter(attempt);
            Duration spread = Duration.ofMillis((long) (next.toMillis() * (1 + settings.jitter())));
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + kind.table + " SET attempts = ?, first_failure_at = ?,"
                    + " last_failure_at = ?, last_error_code = ?, last_error = ?, due_at = ?, status = ? WHERE message_id = ? AND partner_id = ?")) {
                int i = 1;
                ps.setInt(i++, attempt);
                ps.setTimestamp(i++, Timestamp.from(first));
                ps.setTimestamp(i++, Timestamp.from(now));
                ps.setString(i++, errorCode);
                ps.setString(i++, truncate(error));
                ps.setTimestamp(i++, exhausted ? null : Timestamp.from(now.plus(spread).plus(SLACK)));
                ps.setString(i++, exhausted ? InboundRecorder.DEAD_LETTERED : status);
                ps.setString(i++, messageId);
                ps.setString(i, partnerId);
                ps.executeUpdate();
            }
            Outcome outcome = new Outcome(attempt, settings.maxAttempts(), exhausted, next, partner, caseId);
            if (exhausted) {
                deadLetter(c, DeadLetterStore.DeadLetter.of(queue, messageId, partner, caseId, errorCode, attempt, first, now, error, now,
                        headers, body));
            } else {
                audit.append(c, new AuditEvent(kind.auditType, AuditEvent.FAILED, "gateway", partner, messageId, caseId, null, null, null,
                        errorCode, outcome.describe() + ": " + error));
            }
            return outcome;
        });
    }

    /**
     * Whether the failed attempt in hand is the last one {@code settings} allow (the row's attempts so far, or the broker's
     * delivery count if higher): the error handler then dead-letters the message instead of rolling it back. Asked before
     * {@link #failed}, which records the same decision.
     */
    public boolean isLast(Kind kind, String partnerId, String messageId, RedeliveryPolicy.Settings settings, int brokerDeliveryCount) {
        if (messageId == null) {
            return false;
        }
        int attempts = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM " + kind.table + " WHERE message_id = ? AND partner_id = ?")) {
                ps.setString(1, messageId);
                ps.setString(2, partnerId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
        return settings.exhaustedAt(Math.max(attempts + 1, brokerDeliveryCount));
    }

    /**
     * Takes a message off its queue as a dead letter for a reason other than exhausted attempts of a known row (the
     * broker's own dead letter, a queued message whose record is missing, inbound processing that kept failing): stored
     * with the reason, audited, and the rows that know the message marked DEAD_LETTERED.
     */
    public void deadLetter(DeadLetterStore.DeadLetter d) {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dead_letter WHERE queue = ? AND message_id = ? AND state = ?")) {
                ps.setString(1, d.queue());
                ps.setString(2, d.messageId());
                ps.setString(3, DeadLetterStore.DEAD);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return null; // dead-lettered already, with its reason (a second copy of the same message)
                    }
                }
            }
            for (String table : new String[] {"outbound_message", "inbound_message"}) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = ?, due_at = NULL WHERE message_id = ?"
                        + " AND partner_id = ? AND status IN ('QUEUED', 'PROCESSING', 'QUEUED_NATIONAL')")) {
                    ps.setString(1, InboundRecorder.DEAD_LETTERED);
                    ps.setString(2, d.messageId());
                    ps.setString(3, d.partnerId());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_receipt SET state = ? WHERE message_id = ? AND partner_id = ?"
                    + " AND state = ?")) {
                ps.setString(1, InboundRecorder.DEAD_LETTERED);
                ps.setString(2, d.messageId());
                ps.setString(3, d.partnerId());
                ps.setString(4, InboundRecorder.RECEIVED);
                ps.executeUpdate();
            }
            deadLetter(c, d);
            return null;
        });
    }

    private void deadLetter(Connection c, DeadLetterStore.DeadLetter d) throws SQLException {
        DeadLetterStore.put(c, d);
        audit.append(c, new AuditEvent("dead-lettered", AuditEvent.FAILED, "gateway", d.partnerId(), d.messageId(), d.caseId(), null, null,
                null, d.reasonCode(), "taken off " + d.queue() + " after " + d.attempts() + " attempts"
                        + (d.firstFailureAt() == null ? "" : "; first failure " + d.firstFailureAt() + ", last " + d.lastFailureAt())
                        + (d.lastError() == null ? "" : "; last error: " + d.lastError())));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
