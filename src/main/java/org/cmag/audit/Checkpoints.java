package org.cmag.audit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.cmag.crypto.SigningKey;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/**
 * The signed checkpoints of the audit chain head, in table {@code audit_checkpoint}. {@link #write()} signs the current
 * head with the gateway's own signing key (the timer route {@code admin-audit-checkpoint} and an orderly shutdown call
 * it) and, when a time-stamp authority is configured, adds its RFC 3161 token. An unreachable or misbehaving TSA does
 * not stop the checkpoint: it is written without a token and the failure is audited ({@code audit-checkpoint-timestamp},
 * FAILED, {@code timestamp_unavailable}). Successful checkpoints are not audit records themselves (that would move the
 * head they sign); the table is their record. After each checkpoint is committed it also becomes the {@link AuditAnchor}
 * (a file outside the database) when the chain still holds the anchored record; an anchor that cannot be written is
 * logged and tried again at the next call, an anchor the chain no longer reaches is kept and logged as an error.
 */
public final class Checkpoints {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Checkpoints.class);

    private final Database database;
    private final AuditLog audit;
    private final String gatewayId;
    private final Function<Instant, SigningKey> signer;
    private final TimeStamper timeStamper;
    private final Clock clock;
    private final AuditAnchor anchor;
    /** A committed checkpoint whose anchor write failed (tried again by the next {@link #write()}), or null. */
    private Checkpoint unanchored;
    /** Why the anchor was last kept rather than advanced (logged once as an error), or null. */
    private String anchorKept;

    /**
     * @param signer the gateway's signing key valid at an instant ({@code OwnKeys::signer})
     * @param timeStamper the configured time-stamp authority, or null for none
     * @param anchor where each new checkpoint is anchored outside the database, or null for none (tests of the database
     *     checkpoints alone; the gateway always has one, {@code gateway.audit.anchor-file})
     */
    public Checkpoints(Database database, AuditLog audit, String gatewayId, Function<Instant, SigningKey> signer,
            TimeStamper timeStamper, Clock clock, AuditAnchor anchor) {
        this.database = database;
        this.audit = audit;
        this.gatewayId = gatewayId;
        this.signer = signer;
        this.timeStamper = timeStamper;
        this.clock = clock;
        this.anchor = anchor;
    }

    /** Checkpoints only read for verification (no key, no writes), without an anchor. */
    public static Checkpoints reader(Database database) {
        return reader(database, null);
    }

    /** Checkpoints only read for verification (no key, no writes), with the anchor to check them against (or null). */
    public static Checkpoints reader(Database database, AuditAnchor anchor) {
        return new Checkpoints(database, null, null, null, null, null, anchor);
    }

    /** The anchor outside the database, if this gateway (or reader) has one. */
    public Optional<AuditAnchor> anchor() {
        return Optional.ofNullable(anchor);
    }

    /**
     * Signs and stores the current head, then anchors it; nothing when the log is empty or the head is the latest
     * checkpoint's (except a retry of an anchor write that failed).
     */
    public synchronized Optional<Checkpoint> write() {
        AuditLog.Head head = audit.head();
        if (head.seq() == 0 || latest().map(c -> c.headSeq() == head.seq()).orElse(false)) {
            if (unanchored != null) {
                anchor(unanchored);
            }
            return Optional.empty();
        }
        Instant now = clock.instant();
        SigningKey key = signer.apply(now);
        Checkpoint checkpoint = Checkpoint.sign(gatewayId, head.seq(), head.hash(), now, key.key(), key.certificate());
        GatewayException timeStampFailure = null;
        if (timeStamper != null) {
            try {
                checkpoint = checkpoint.withTimeStamp(timeStamper.timeStamp(checkpoint.signature()));
            } catch (GatewayException e) {
                timeStampFailure = e;
            }
        }
        insert(checkpoint);
        anchor(checkpoint);
        if (timeStampFailure != null) {
            LOG.warn("Audit checkpoint of record {} written without a time-stamp: {}", head.seq(), timeStampFailure.detail());
            audit.append(new AuditEvent("audit-checkpoint-timestamp", AuditEvent.FAILED, "gateway", null, null, null, null, null, null,
                    timeStampFailure.errorCode().code(), "checkpoint of record " + head.seq() + " has no time-stamp: " + timeStampFailure.detail()));
        }
        return Optional.of(checkpoint);
    }

    private void anchor(Checkpoint c) {
        if (anchor == null) {
            return;
        }
        try {
            Optional<String> kept = anchor.advance(c, audit);
            unanchored = null;
            if (kept.isEmpty()) {
                anchorKept = null;
            } else if (!kept.get().equals(anchorKept)) {
                anchorKept = kept.get();
                LOG.error("Audit anchor kept, not moved to the checkpoint of record {}: {}. It stays as evidence until an operator has"
                        + " investigated (audit verify names the problem).", c.headSeq(), kept.get());
            }
        } catch (IOException | RuntimeException e) {
            unanchored = c;
            LOG.error("Audit checkpoint of record {} committed but not written to the anchor file {} (tried again at the next checkpoint): {}",
                    c.headSeq(), anchor.file(), e.toString());
        }
    }

    /** Timer-route entry point: {@link #write()}, its outcome only logged. */
    public void scheduled() {
        write().ifPresent(c -> LOG.debug("Audit checkpoint: record {} {}", c.headSeq(), c.headHash()));
    }

    private void insert(Checkpoint c) {
        database.inTransaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audit_checkpoint (gateway_id, head_seq, head_hash, created_at,"
                    + " signature_algorithm, signature, certificate, timestamp_token) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setString(1, c.gatewayId());
                ps.setLong(2, c.headSeq());
                ps.setString(3, c.headHash());
                ps.setTimestamp(4, Timestamp.from(c.createdAt()));
                ps.setString(5, c.signatureAlgorithm());
                ps.setBytes(6, c.signature());
                ps.setBytes(7, der(c.certificate()));
                ps.setBytes(8, c.timeStampToken());
                return ps.executeUpdate();
            }
        });
    }

    /** Every checkpoint, oldest first. */
    public List<Checkpoint> all() {
        return query("SELECT * FROM audit_checkpoint ORDER BY id");
    }

    /** The highest head sequence any checkpoint names (0 when there is none). */
    public long highestSeq() {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(head_seq) FROM audit_checkpoint"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** The newest checkpoint, if any. */
    public Optional<Checkpoint> latest() {
        return query("SELECT * FROM audit_checkpoint WHERE id = (SELECT MAX(id) FROM audit_checkpoint)").stream().findFirst();
    }

    private List<Checkpoint> query(String sql) {
        return database.inTransaction(c -> read(c, sql));
    }

    private static List<Checkpoint> read(Connection c, String sql) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Checkpoint(rs.getString("gateway_id"), rs.getLong("head_seq"), rs.getString("head_hash"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("signature_algorithm"), rs.getBytes("signature"),
                        certificate(rs.getBytes("certificate")), rs.getBytes("timestamp_token")));
            }
        }
        return out;
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("Cannot encode the checkpoint certificate", e);
        }
    }

    /** Null when the stored bytes are not a certificate (a tampered row): verification reports it as a bad checkpoint. */
    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            return null;
        }
    }
}
