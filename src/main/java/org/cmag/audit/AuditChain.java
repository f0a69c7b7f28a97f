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
 * <p>{@code hash = hex(SHA-256(prev_hash US seq US epoch_millis US type US outcome US actor US partner US message US
 * case US legal_basis US purpose US message_digest US error_code US detail))}, UTF-8, {@code US} = U+001F; a missing
 * field is empty, a U+001F inside a field is written as a space, {@code detail} is cut to {@link #MAX_DETAIL}
 * characters before it is stored and hashed. The first record links to {@link #GENESIS}.
 */
public final class AuditChain {
    /** {@code prev_hash} of record 1. */
    public static final String GENESIS = "0".repeat(64);
    /** Longest {@code detail} stored; longer ones are cut (and end in "..."). */
    public static final int MAX_DETAIL = 2000;
    private static final char SEP = '\u001f';

    private AuditChain() {}

    /** {@code detail} as it is stored and hashed. */
    public static String storedDetail(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 3) + "...";
    }

    /** The hash of record {@code seq} written at {@code at} (millisecond precision) after a record hashing to {@code prevHash}. */
    public static String hash(String prevHash, long seq, Instant at, AuditEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(prevHash).append(SEP).append(seq).append(SEP).append(at.toEpochMilli());
        for (String f : new String[] {e.type(), e.outcome(), e.actor(), e.partnerId(), e.messageId(), e.caseId(),
            e.legalBasis(), e.purpose(), e.messageDigest(), e.errorCode(), storedDetail(e.detail())}) {
            sb.append(SEP).append(f == null ? "" : f.replace(SEP, ' '));
        }
        return sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
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

    private static String abbreviate(String h) {
        return h == null ? "null" : h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }
}
