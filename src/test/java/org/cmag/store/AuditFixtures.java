package org.cmag.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.cmag.audit.AuditAnchor;
import org.cmag.audit.ChainVerifier;
import org.cmag.audit.CheckpointTrust;
import org.cmag.audit.Checkpoints;
import org.cmag.audit.TimeStamper;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.SigningKey;

/**
 * Keys for audit tests, built once per test class: the gateway's CA and signing key, and an attacker's key from another
 * CA (a forged checkpoint). Real RSA keys and X.509 certificates from the development PKI code.
 */
final class AuditFixtures {
    static final String GATEWAY = "NL";
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(3650)).truncatedTo(ChronoUnit.DAYS);

    final DevCertificates.Issued ca = DevCertificates.newCa("CN=NL audit test CA", FROM, TO);
    final SigningKey own = signing(ca, "CN=NL gateway signing");
    final DevCertificates.Issued otherCa = DevCertificates.newCa("CN=attacker CA", FROM, TO);
    final SigningKey attacker = signing(otherCa, "CN=NL gateway signing");

    private static SigningKey signing(DevCertificates.Issued ca, String subject) {
        DevCertificates.Issued k = DevCertificates.issue(ca, DevCertificates.Spec.of(subject, DevCertificates.Usage.SIGNING, FROM, TO));
        return new SigningKey("sign", k.key(), k.certificate());
    }

    /**
     * The gateway's checkpoints on {@code db}: signed with its own key, time-stamped by {@code tsa} when not null; no
     * anchor file (these test the database checkpoints alone).
     */
    Checkpoints checkpoints(Database db, AuditLog audit, TimeStamper tsa) {
        return checkpoints(db, audit, tsa, null);
    }

    /** The gateway's checkpoints on {@code db}, each also anchored in {@code anchor} (null for none). */
    Checkpoints checkpoints(Database db, AuditLog audit, TimeStamper tsa, AuditAnchor anchor) {
        return new Checkpoints(db, audit, GATEWAY, at -> own, tsa, DatabaseBackedTest.CLOCK, anchor);
    }

    /** Checkpoints written by someone holding another key (signing for the same gateway id). */
    Checkpoints forger(Database db, AuditLog audit) {
        return new Checkpoints(db, audit, GATEWAY, at -> attacker, null, DatabaseBackedTest.CLOCK, null);
    }

    /** Whose checkpoints the gateway accepts: its own, signing for it. */
    ChainVerifier.Trust trust() {
        return new ChainVerifier.Trust(GATEWAY, CheckpointTrust.ownCertificates(java.util.List.of(own.certificate())));
    }

    /** The full verification the gateway runs: records, head and checkpoints, trusting exactly its own certificate. */
    ChainVerifier.Report verify(Database db, AuditLog audit) {
        return verify(db, audit, null);
    }

    /** The same, also against the anchor (null: none). */
    ChainVerifier.Report verify(Database db, AuditLog audit, AuditAnchor anchor) {
        return new ChainVerifier(audit, Checkpoints.reader(db, anchor), trust()).verify();
    }
}
