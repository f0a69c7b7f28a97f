package org.cmag.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.DeadLetterStore;

/**
 * Operators' work on dead letters: list, inspect, replay. A replay puts the message back on its queue as it was (headers
 * and body), resets the attempts of its row and starts a new generation of its broker duplicate id (the broker still
 * remembers the id of the send that died); it is audited with who asked. Decided on the database without a running
 * gateway (CLI without {@code --url}), the replay is only requested; the gateway sends it at its next recovery pass.
 * Camel-free; the admin routes and the CLI call it.
 */
public final class DeadLetters {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final AuditLog audit;
    private final DeadLetterStore store;
    private final Clock clock;

    public DeadLetters(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.store = new DeadLetterStore(database);
        this.clock = clock;
    }

    public DeadLetterStore store() {
        return store;
    }

    public List<DeadLetterStore.DeadLetter> list(String state, int limit) {
        return store.list(state, limit);
    }

    public DeadLetterStore.DeadLetter require(long id) {
        return store.find(id).orElseThrow(() -> new GatewayException(ErrorCode.DEAD_LETTER_UNKNOWN, "No dead letter " + id, "id"));
    }

    /** Requests the replay of a DEAD letter on the database (the running gateway sends it); audited. */
    public void requestReplay(long id, String by) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            DeadLetterStore.DeadLetter d = lockDead(c, id, DeadLetterStore.DEAD);
            DeadLetterStore.markReplay(c, id, DeadLetterStore.REPLAY_REQUESTED, by, now);
            audit.append(c, AuditEvent.ok("dead-letter-replay-requested", by, d.partnerId(), d.messageId(), d.caseId(),
                    "replay of dead letter " + id + " from " + d.queue() + " requested by " + by + "; the gateway sends it"));
            return null;
        });
    }

    /**
     * Replays a dead letter now (DEAD, or REPLAY_REQUESTED when the gateway dispatches a requested one): its row is reset and
     * the replay audited in one transaction; returns what to send. If the process dies before the send, recovery sends the
     * reset row (outbound, callback and processing rows are watched); the send uses the new generation's duplicate id.
     */
    public Recovery.Resend replay(long id, String by) {
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            DeadLetterStore.DeadLetter d = lockDead(c, id, null);
            String actor = by != null ? by : d.replayedBy() != null ? d.replayedBy() : "operator";
            int generation = reset(c, d, now);
            DeadLetterStore.markReplay(c, id, DeadLetterStore.REPLAYED, actor, now);
            audit.append(c, AuditEvent.ok("dead-letter-replayed", actor, d.partnerId(), d.messageId(), d.caseId(),
                    "dead letter " + id + " (" + d.reasonCode() + " after " + d.attempts() + " attempts) put back on " + d.queue()
                            + " by " + actor + ", generation " + generation));
            Map<String, String> headers = headers(d.headers());
            String duplicateId = d.queue().startsWith("gw.inbound.")
                    ? DuplicateIds.processing(d.partnerId(), d.messageId(), headers.get(org.cmag.messaging.GatewayHeaders.DIGEST), generation)
                    : d.queue().startsWith("gw.national.") ? DuplicateIds.of(d.partnerId() + ":" + d.messageId(), generation)
                    : DuplicateIds.of(d.messageId(), generation);
            return new Recovery.Resend(d.queue(), duplicateId, headers,
                    d.body() == null ? new byte[0] : d.body().getBytes(StandardCharsets.UTF_8), d.messageId(), d.partnerId(), d.caseId(),
                    "replay", null);
        });
    }

    private static DeadLetterStore.DeadLetter lockDead(Connection c, long id, String required) throws SQLException {
        DeadLetterStore.DeadLetter d = DeadLetterStore.find(c, id, true)
                .orElseThrow(() -> new GatewayException(ErrorCode.DEAD_LETTER_UNKNOWN, "No dead letter " + id, "id"));
        boolean ok = required == null ? !DeadLetterStore.REPLAYED.equals(d.state()) : required.equals(d.state());
        if (!ok) {
            throw new GatewayException(ErrorCode.DEAD_LETTER_NOT_DEAD, "Dead letter " + id + " is " + d.state()
                    + (d.replayedBy() == null ? "" : " (by " + d.replayedBy() + " at " + d.replayedAt() + ")"));
        }
        return d;
    }

    /** Puts the message's row back to waiting with a new generation; returns the generation. */
    private static int reset(Connection c, DeadLetterStore.DeadLetter d, Instant now) throws SQLException {
        String table;
        String status;
        if (d.queue().startsWith("gw.outbound.")) {
            table = "outbound_message";
            status = "QUEUED";
        } else if (d.queue().startsWith("gw.national.")) {
            table = "inbound_message";
            status = "QUEUED_NATIONAL";
        } else if (d.queue().startsWith("gw.inbound.")) {
            String digest = headers(d.headers()).get(org.cmag.messaging.GatewayHeaders.DIGEST);
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_receipt SET state = 'RECEIVED', due_at = ?, generation = generation + 1"
                    + " WHERE message_id = ? AND partner_id = ? AND received_digest = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, d.messageId());
                ps.setString(3, d.partnerId());
                ps.setString(4, digest);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE inbound_message SET status = 'PROCESSING', due_at = ? WHERE message_id = ?"
                    + " AND partner_id = ? AND status = 'DEAD_LETTERED'")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, d.messageId());
                ps.setString(3, d.partnerId());
                ps.executeUpdate();
            }
            return generation(c, "inbound_receipt", d.messageId(), d.partnerId(), digest);
        } else {
            return 1 + d.replays();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = ?, attempts = 0, due_at = ?,"
                + " generation = generation + 1 WHERE message_id = ? AND partner_id = ?")) {
            ps.setString(1, status);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, d.messageId());
            ps.setString(4, d.partnerId());
            ps.executeUpdate();
        }
        return generation(c, table, d.messageId(), d.partnerId(), null);
    }

    private static int generation(Connection c, String table, String messageId, String partnerId, String digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT generation FROM " + table + " WHERE message_id = ? AND partner_id = ?"
                + (digest == null ? "" : " AND received_digest = ?"))) {
            ps.setString(1, messageId);
            ps.setString(2, partnerId);
            if (digest != null) {
                ps.setString(3, digest);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 1;
            }
        }
    }

    /** One dead letter as JSON: where, why, how often, when; with {@code whole} also its headers and body. */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(DeadLetterStore.DeadLetter d, boolean whole) {
        var o = JSON.createObjectNode();
        o.put("id", d.id()).put("queue", d.queue()).put("messageId", d.messageId()).put("partner", d.partnerId()).put("caseId", d.caseId())
                .put("reasonCode", d.reasonCode()).put("attempts", d.attempts())
                .put("firstFailureAt", d.firstFailureAt() == null ? null : d.firstFailureAt().toString())
                .put("lastFailureAt", d.lastFailureAt() == null ? null : d.lastFailureAt().toString()).put("lastError", d.lastError())
                .put("deadLetteredAt", d.deadLetteredAt().toString()).put("state", d.state()).put("replays", d.replays());
        if (d.replayedBy() != null) {
            o.put("replayedBy", d.replayedBy()).put("replayedAt", d.replayedAt() == null ? null : d.replayedAt().toString());
        }
        if (whole) {
            o.set("headers", JSON.valueToTree(headers(d.headers())));
            o.put("body", d.body());
        }
        return o;
    }

    /** The headers of a queued message as kept with its dead letter (JSON object). */
    public static String headersJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> headers(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "Unreadable headers of a dead letter: " + e.getOriginalMessage());
        }
    }
}
