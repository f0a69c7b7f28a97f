package org.cmag.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The evidence store: signed messages and receipts ({@link EvidenceItem}), written inside the transaction that records
 * the message or receipt (and its audit record), read by message, case or period for evidence bundles.
 */
public final class EvidenceStore {
    private static final String COLUMNS = "id, message_id, case_id, partner_id, direction, kind, digest, content, stored_at,"
            + " retention_until, purged_at";

    private final Database database;

    public EvidenceStore(Database database) {
        this.database = database;
    }

    /** Stores an item inside the caller's transaction. */
    public static void insert(Connection c, EvidenceItem item) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO evidence_item (message_id, case_id, partner_id, direction, kind,"
                + " digest, content, stored_at, retention_until) VALUES (?,?,?,?,?,?,?,?,?)")) {
            int i = 1;
            ps.setString(i++, item.messageId());
            ps.setString(i++, item.caseId());
            ps.setString(i++, item.partnerId());
            ps.setString(i++, item.direction().name());
            ps.setString(i++, item.kind().name());
            ps.setString(i++, item.digest());
            ps.setString(i++, item.content());
            ps.setTimestamp(i++, Timestamp.from(item.storedAt()));
            ps.setDate(i++, item.retentionUntil() == null ? null : Date.valueOf(item.retentionUntil()));
            ps.executeUpdate();
        }
    }

    /**
     * Stores a receipt inside the caller's transaction with the retention date of its message, read from {@code messageTable}
     * ({@code outbound_message} or {@code inbound_message}).
     */
    public static void insertWithRetentionOf(Connection c, EvidenceItem receipt, String messageTable) throws SQLException {
        if (!messageTable.equals("outbound_message") && !messageTable.equals("inbound_message")) {
            throw new IllegalArgumentException(messageTable);
        }
        java.time.LocalDate retention = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT retention_until FROM " + messageTable + " WHERE message_id = ?"
                + " AND partner_id = ?")) {
            ps.setString(1, receipt.messageId());
            ps.setString(2, receipt.partnerId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getDate(1) != null) {
                    retention = rs.getDate(1).toLocalDate();
                }
            }
        }
        insert(c, new EvidenceItem(0, receipt.messageId(), receipt.caseId(), receipt.partnerId(), receipt.direction(), receipt.kind(),
                receipt.digest(), receipt.content(), receipt.storedAt(), retention, null));
    }

    /**
     * Stores, inside the caller's transaction, the signed receipt we issued for an inbound message (from
     * {@code inbound_receipt}) with the message's case and retention date; nothing when no receipt was issued yet.
     *
     * <p>The door stores the receipt (with the raw message) before the message is queued for processing, so the claim
     * always finds it.
     */
    public static void insertOwnReceipt(Connection c, String messageId, String receivedDigest, String caseId, String partnerId, Instant at)
            throws SQLException {
        String xml = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT receipt_xml FROM inbound_receipt WHERE partner_id = ? AND message_id = ?"
                + " AND received_digest = ?")) {
            ps.setString(1, partnerId);
            ps.setString(2, messageId);
            ps.setString(3, receivedDigest);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    xml = rs.getString(1);
                }
            }
        }
        if (xml != null) {
            insertWithRetentionOf(c, EvidenceItem.of(messageId, caseId, partnerId, EvidenceItem.Direction.OUT, EvidenceItem.Kind.RECEIPT, xml,
                    at, null), "inbound_message");
        }
    }

    /** The items of one message (its signed message and receipt), in the order they were stored. */
    public List<EvidenceItem> byMessage(String messageId) {
        return query("WHERE message_id = ?", messageId);
    }

    /** The items of one case, both directions, in the order they were stored. */
    public List<EvidenceItem> byCase(String caseId) {
        return query("WHERE case_id = ?", caseId);
    }

    /** The items stored in [from, to), in the order they were stored. */
    public List<EvidenceItem> byPeriod(Instant from, Instant to) {
        return query("WHERE stored_at >= ? AND stored_at < ?", Timestamp.from(from), Timestamp.from(to));
    }

    private List<EvidenceItem> query(String where, Object... args) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM evidence_item " + where + " ORDER BY id")) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                List<EvidenceItem> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    private static EvidenceItem read(ResultSet rs) throws SQLException {
        Date retention = rs.getDate("retention_until");
        Timestamp purged = rs.getTimestamp("purged_at");
        return new EvidenceItem(rs.getLong("id"), rs.getString("message_id"), rs.getString("case_id"), rs.getString("partner_id"),
                EvidenceItem.Direction.valueOf(rs.getString("direction")), EvidenceItem.Kind.valueOf(rs.getString("kind")),
                rs.getString("digest"), rs.getString("content"), rs.getTimestamp("stored_at").toInstant(),
                retention == null ? null : retention.toLocalDate(), purged == null ? null : purged.toInstant());
    }
}
