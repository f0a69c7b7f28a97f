package org.cmag.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Inbound side, queries: how many messages went to national systems, how many were rejected. What the inbound flow
 * writes is written by its commit points ({@link org.cmag.flow.InboundRecorder}).
 */
public final class InboundStore {
    private final Database database;
    private final AuditLog audit;

    public InboundStore(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** Appends an audit event that changes no message row. */
    public void audit(AuditEvent event) {
        audit.append(event);
    }

    /** Inbound messages handed to national systems: on their queue (QUEUED_NATIONAL) or confirmed DELIVERED. */
    public int countHandedOver() {
        return count("SELECT COUNT(*) FROM inbound_message WHERE status IN ('QUEUED_NATIONAL', 'DELIVERED')");
    }

    /** The status of an inbound message (PROCESSING, QUEUED_NATIONAL, DELIVERED, REFUSED, DEAD_LETTERED), if known. */
    public java.util.Optional<String> status(String messageId) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM inbound_message WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.<String>empty();
                }
            }
        });
    }

    public int countRejections(String errorCode) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inbound_rejection WHERE error_code = ?")) {
                ps.setString(1, errorCode);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private int count(String sql) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
