package org.cmag.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.cmag.audit.AuditChain;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;

/**
 * What a gateway ran with, recorded at start-up: every agreement file version (content and SHA-256, first seen / last
 * loaded; audited {@code policy-loaded} the first time a partner's agreement is seen and {@code policy-changed} when its
 * digest differs from the one last loaded) and the effective non-secret configuration ({@code configuration-loaded}
 * with its digest and the keys changed since the last start; values never leave the database, secret keys not even
 * as digests).
 */
public final class PolicyVersions {
    /** Keys whose values are secrets: neither their values nor their digests are recorded. */
    static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|credential|token-secret|private).*");

    /** Values that carry a secret themselves (e.g. a JDBC URL with {@code password=}): left out like secret keys. */
    static final Pattern SECRET_IN_VALUE = Pattern.compile("(?is).*(password|secret)=.*");

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public PolicyVersions(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** One recorded agreement file version. */
    public record PolicyVersion(String partnerId, String sha256, String agreementId, String agreementVersion, String source,
            String content, Instant firstSeenAt) {}

    /** Records the registry's agreement files and the configuration of this start, with their audit records, in one transaction. */
    public void recordStart(String gatewayId, String authMode, PartnerRegistry registry, Map<String, String> configuration) {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            audit.lockHead(c); // two nodes starting together record one version history
            List<AuditEvent> events = new ArrayList<>();
            for (Partner p : registry.all()) {
                byte[] file = registry.agreementFile(p.id()).orElse(null);
                if (file != null) {
                    policy(c, p, new String(file, StandardCharsets.UTF_8), now).ifPresent(events::add);
                }
            }
            events.add(configuration(c, gatewayId, authMode, configuration, now));
            audit.append(c, events.toArray(AuditEvent[]::new));
            return null;
        });
    }

    private static Optional<AuditEvent> policy(Connection c, Partner p, String content, Instant now) throws SQLException {
        String last = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM policy_version WHERE partner_id = ? ORDER BY last_loaded_at DESC")) {
            ps.setString(1, p.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    last = rs.getString(1);
                }
            }
        }
        int updated;
        try (PreparedStatement ps = c.prepareStatement("UPDATE policy_version SET last_loaded_at = ? WHERE partner_id = ? AND sha256 = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, p.id());
            ps.setString(3, p.policyDigest());
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_version (partner_id, sha256, agreement_id, agreement_version,"
                    + " source, content, first_seen_at, last_loaded_at) VALUES (?,?,?,?,?,?,?,?)")) {
                int i = 1;
                ps.setString(i++, p.id());
                ps.setString(i++, p.policyDigest());
                ps.setString(i++, p.agreementId());
                ps.setString(i++, p.agreementVersion());
                ps.setString(i++, p.source());
                ps.setString(i++, content);
                ps.setTimestamp(i++, Timestamp.from(now));
                ps.setTimestamp(i++, Timestamp.from(now));
                ps.executeUpdate();
            }
        }
        if (p.policyDigest().equals(last)) {
            return Optional.empty();
        }
        String what = "agreement " + p.agreementId() + " v" + p.agreementVersion() + " from " + p.source();
        return Optional.of((last == null ? AuditEvent.ok("policy-loaded", "gateway", p.id(), null, null, what)
                : AuditEvent.ok("policy-changed", "gateway", p.id(), null, null, what + "; was sha256 " + last)).withDigest(p.policyDigest()));
    }

    private static AuditEvent configuration(Connection c, String gatewayId, String authMode, Map<String, String> configuration, Instant now)
            throws SQLException {
        Map<String, String> digests = new TreeMap<>();
        configuration.forEach((k, v) -> {
            if (!SECRET.matcher(k).matches() && !SECRET_IN_VALUE.matcher(String.valueOf(v)).matches()) {
                digests.put(k, AuditChain.sha256Hex(String.valueOf(v).getBytes(StandardCharsets.UTF_8)));
            }
        });
        StringBuilder lines = new StringBuilder();
        digests.forEach((k, d) -> lines.append(k).append('=').append(d).append('\n'));
        String digest = AuditChain.sha256Hex(lines.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, String> previous = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT key_digests FROM configuration_snapshot WHERE gateway_id = ? ORDER BY id DESC")) {
            ps.setString(1, gatewayId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    previous = new TreeMap<>();
                    for (String line : rs.getString(1).split("\n")) {
                        int eq = line.indexOf('=');
                        if (eq > 0) {
                            previous.put(line.substring(0, eq), line.substring(eq + 1));
                        }
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO configuration_snapshot (gateway_id, digest, key_digests, loaded_at)"
                + " VALUES (?,?,?,?)")) {
            ps.setString(1, gatewayId);
            ps.setString(2, digest);
            ps.setString(3, lines.toString());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
        }
        String changes;
        if (previous == null) {
            changes = "first start";
        } else {
            TreeSet<String> changed = new TreeSet<>();
            for (String k : digests.keySet()) {
                if (!digests.get(k).equals(previous.get(k))) {
                    changed.add(k);
                }
            }
            for (String k : previous.keySet()) {
                if (!digests.containsKey(k)) {
                    changed.add(k);
                }
            }
            changes = changed.isEmpty() ? "no keys changed since the last start" : "keys changed since the last start: " + String.join(", ", changed);
        }
        return AuditEvent.ok("configuration-loaded", "gateway", null, null, null, "gateway " + gatewayId + ", auth mode " + authMode
                + ", " + digests.size() + " non-secret keys; " + changes).withDigest(digest);
    }

    /** The agreement file versions recorded for a partner, oldest first. */
    public List<PolicyVersion> versions(String partnerId) {
        return query("WHERE partner_id = ?", partnerId);
    }

    /** The version with this digest, if recorded. */
    public Optional<PolicyVersion> find(String partnerId, String sha256) {
        return query("WHERE partner_id = ? AND sha256 = ?", partnerId, sha256).stream().findFirst();
    }

    private List<PolicyVersion> query(String where, Object... args) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT partner_id, sha256, agreement_id, agreement_version, source, content,"
                    + " first_seen_at FROM policy_version " + where + " ORDER BY first_seen_at, sha256")) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                List<PolicyVersion> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PolicyVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getTimestamp(7).toInstant()));
                    }
                }
                return out;
            }
        });
    }
}
