package org.cmag.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The binding of a partner agreement to its identity in the realm (table {@code partner_identity}): created ACTIVE by
 * onboarding, OFFBOARDED by offboarding, never deleted. Every change commits with its audit record.
 */
public final class PartnerBindings {
    public static final String ACTIVE = "ACTIVE";
    public static final String OFFBOARDED = "OFFBOARDED";

    /** One partner's identity binding. No secret: that stays in Keycloak. */
    public record Binding(String partnerId, String clientId, String partnerName, String agreementId, String agreementVersion, String status,
            Instant createdAt, String createdBy, Instant secretRotatedAt, Instant offboardedAt, String offboardedBy) {
        public boolean active() {
            return ACTIVE.equals(status);
        }
    }

    /** What {@link #bind} did. */
    public enum Outcome { CREATED, REACTIVATED, UNCHANGED }

    private final Database database;
    private final AuditLog audit;

    public PartnerBindings(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    public Optional<Binding> find(String partnerId) {
        return database.inTransaction(c -> find(c, partnerId, false));
    }

    /** Every binding, by partner id. */
    public List<Binding> list() {
        return database.inTransaction(c -> {
            List<Binding> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM partner_identity ORDER BY partner_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(read(rs));
                }
            }
            return all;
        });
    }

    /** The partners that are offboarded (one query; the gateway's status check caches it briefly). */
    public Set<String> offboarded() {
        return database.inTransaction(c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT partner_id FROM partner_identity WHERE status = ?")) {
                ps.setString(1, OFFBOARDED);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return Set.copyOf(ids);
        });
    }

    /**
     * Binds the partner's client to its agreement with status ACTIVE: creates the row, reactivates an offboarded one
     * (onboarding again is the only way back), or changes nothing when it is already active. Audited when it changes.
     */
    public Outcome bind(String partnerId, String clientId, String partnerName, String agreementId, String agreementVersion, String by,
            Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        return database.inTransaction(c -> {
            Optional<Binding> existing = find(c, partnerId, true);
            if (existing.isPresent() && existing.get().active()) {
                return Outcome.UNCHANGED;
            }
            String detail = "client " + clientId + " bound to agreement " + agreementId + " v" + agreementVersion + " by " + by;
            if (existing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO partner_identity (partner_id, client_id, partner_name,"
                        + " agreement_id, agreement_version, status, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, partnerId);
                    ps.setString(2, clientId);
                    ps.setString(3, partnerName);
                    ps.setString(4, agreementId);
                    ps.setString(5, agreementVersion);
                    ps.setString(6, ACTIVE);
                    ps.setTimestamp(7, Timestamp.from(now));
                    ps.setString(8, by);
                    ps.executeUpdate();
                }
                audit.append(c, AuditEvent.ok("partner-onboarded", by, partnerId, null, null, detail));
                return Outcome.CREATED;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE partner_identity SET status = ?, client_id = ?, partner_name = ?,"
                    + " agreement_id = ?, agreement_version = ?, secret_rotated_at = ? WHERE partner_id = ? AND status = ?")) {
                ps.setString(1, ACTIVE);
                ps.setString(2, clientId);
                ps.setString(3, partnerName);
                ps.setString(4, agreementId);
                ps.setString(5, agreementVersion);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setString(7, partnerId);
                ps.setString(8, OFFBOARDED);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.ok("partner-reonboarded", by, partnerId, null, null, detail + " (offboarded on "
                    + existing.get().offboardedAt() + "; new secret issued)"));
            return Outcome.REACTIVATED;
        });
    }

    /** Marks the partner OFFBOARDED; false when it already was. Audited when it changes. */
    public boolean offboard(String partnerId, String by, String reason, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        return database.inTransaction(c -> {
            Binding b = find(c, partnerId, true).orElseThrow(() -> notOnboarded(partnerId));
            if (!b.active()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE partner_identity SET status = ?, offboarded_at = ?, offboarded_by = ?"
                    + " WHERE partner_id = ?")) {
                ps.setString(1, OFFBOARDED);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, by);
                ps.setString(4, partnerId);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.ok("partner-offboarded", by, partnerId, null, null, "client " + b.clientId() + " disabled;"
                    + " nothing is sent to or accepted from " + partnerId + (reason == null ? "" : "; reason: " + reason)));
            return true;
        });
    }

    /** Records (and audits) that the partner's client secret was regenerated; the secret itself is not recorded. */
    public void secretRotated(String partnerId, String by, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        database.inTransaction(c -> {
            Binding b = find(c, partnerId, true).orElseThrow(() -> notOnboarded(partnerId));
            try (PreparedStatement ps = c.prepareStatement("UPDATE partner_identity SET secret_rotated_at = ? WHERE partner_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, partnerId);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.ok("partner-secret-rotated", by, partnerId, null, null, "new secret for client " + b.clientId()
                    + " by " + by + "; the previous one no longer works"));
            return null;
        });
    }

    static org.cmag.error.GatewayException notOnboarded(String partnerId) {
        return new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.PARTNER_NOT_ONBOARDED,
                "Partner " + partnerId + " has never been onboarded (no identity binding)");
    }

    private static Optional<Binding> find(Connection c, String partnerId, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM partner_identity WHERE partner_id = ?" + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, partnerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Binding read(ResultSet rs) throws SQLException {
        return new Binding(rs.getString("partner_id"), rs.getString("client_id"), rs.getString("partner_name"), rs.getString("agreement_id"),
                rs.getString("agreement_version"), rs.getString("status"), instant(rs.getTimestamp("created_at")), rs.getString("created_by"),
                instant(rs.getTimestamp("secret_rotated_at")), instant(rs.getTimestamp("offboarded_at")), rs.getString("offboarded_by"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
