package org.cmag.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditRecord;

/**
 * The audit chain's arithmetic, with no database: the hash of a record and the check of a run of records. The
 * gateway's {@code AuditLog}, {@code audit verify} and the offline evidence-bundle verifier all use this one
 * definition, so a chain written by the gateway verifies anywhere.
 *
 * <p>{@code hash = hex(SHA-256(canonical))}, where {@code canonical} is the UTF-8 text {@code prev_hash LF seq LF
 * epoch_millis LF} followed by eleven fields in this order: type, outcome, actor, partner, message, case, legal basis,
 * purpose, message digest, error code, detail. Each field is written as {@code -} when it is absent (SQL NULL) and as
 * {@code +} length {@code :} value otherwise (length = the value's UTF-8 byte count), then LF. The length prefix makes the
 * form unambiguous: an absent field differs from an empty one, and no value can imitate a field boundary, whatever
 * characters it holds. {@code detail} is cut to {@link #MAX_DETAIL} characters before it is stored and hashed. The
 * first record links to {@link #GENESIS}. Example: record 1 of type {@code x} with only actor {@code a} hashes
 * {@code "000…000\n1\n1700000000000\n+1:x\n+2:OK\n+1:a\n-\n-\n…"}.
 */
public final class AuditChain {
    /** {@code prev_hash} of record 1. */
    public static final String GENESIS = "0".repeat(64);
    /** Longest {@code detail} stored; longer ones are cut (and end in "..."). */
    public static final int MAX_DETAIL = 2000;

    private AuditChain() {}

    /** {@code detail} as it is stored and hashed. */
    public static String storedDetail(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 3) + "...";
    }

    /** The hash of record {@code seq} written at {@code at} (millisecond precision) after a record hashing to {@code prevHash}. */
    public static String hash(String prevHash, long seq, Instant at, AuditEvent e) {
        return sha256Hex(canonical(prevHash, seq, at, e));
    }

    /** The bytes that are hashed (see the class comment). */
    public static byte[] canonical(String prevHash, long seq, Instant at, AuditEvent e) {
        StringBuilder sb = new StringBuilder(320);
        sb.append(prevHash).append('\n').append(seq).append('\n').append(at.toEpochMilli()).append('\n');
        for (String f : new String[] {e.type(), e.outcome(), e.actor(), e.partnerId(), e.messageId(), e.caseId(),
            e.legalBasis(), e.purpose(), e.messageDigest(), e.errorCode(), storedDetail(e.detail())}) {
            if (f == null) {
                sb.append('-');
            } else {
                sb.append('+').append(f.getBytes(StandardCharsets.UTF_8).length).append(':').append(f);
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The hash the record should have, recomputed from its content and its {@code prev_hash}. */
    public static String recompute(AuditRecord r) {
        return hash(r.prevHash(), r.seq(), r.occurredAt(), r.event());
    }

    /**
     * Checks a consecutive run of records: the first must follow a record hashing to {@code prevOfFirst} (use
     * {@link #GENESIS} for a run starting at record 1) and have sequence {@code firstSeq}; each next one must have the
     * next sequence, link to its predecessor's hash and hash to what it stores.
     *
     * @return empty when the run is intact, else the first problem, naming its record
     */
    public static Optional<ChainProblem> check(List<AuditRecord> run, long firstSeq, String prevOfFirst) {
        String prev = prevOfFirst;
        long expected = firstSeq;
        for (AuditRecord r : run) {
            if (r.seq() != expected) {
                return Optional.of(r.seq() > expected
                        ? new ChainProblem(expected, ChainProblem.Kind.MISSING, "record " + expected + " is missing (next present is " + r.seq() + ")")
                        : new ChainProblem(r.seq(), ChainProblem.Kind.OUT_OF_ORDER, "record " + r.seq() + " is out of order (expected " + expected + ")"));
            }
            if (!r.prevHash().equals(prev)) {
                return Optional.of(new ChainProblem(r.seq(), ChainProblem.Kind.BROKEN_LINK, "record " + r.seq()
                        + " does not link to its predecessor (prev_hash " + abbreviate(r.prevHash()) + ", predecessor's hash " + abbreviate(prev) + ")"));
            }
            if (!recompute(r).equals(r.hash())) {
                return Optional.of(new ChainProblem(r.seq(), ChainProblem.Kind.CHANGED, "record " + r.seq()
                        + " was changed after it was written (its content no longer hashes to its stored hash)"));
            }
            prev = r.hash();
            expected++;
        }
        return Optional.empty();
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String h) {
        return h == null ? "null" : h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }
}
