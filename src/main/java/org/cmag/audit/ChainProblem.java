package org.cmag.audit;

/**
 * The first thing wrong with an audit chain.
 *
 * @param seq the record (or, for {@link Kind#MISSING}, the missing sequence number; for checkpoint problems the
 *     checkpoint's head sequence)
 * @param kind what is wrong
 * @param message one line for an operator or a court: which record, what is wrong with it
 */
public record ChainProblem(long seq, Kind kind, String message) {
    public enum Kind {
        /** The record's content no longer hashes to its stored hash. */
        CHANGED,
        /** The record's prev_hash is not its predecessor's hash. */
        BROKEN_LINK,
        /** A sequence number is absent. */
        MISSING,
        /** Records are not in sequence order. */
        OUT_OF_ORDER,
        /** Records after the last one present were removed (found via the head or a checkpoint). */
        TRUNCATED,
        /** A checkpoint's signature does not verify, or its certificate is not the gateway's. */
        BAD_CHECKPOINT,
        /** A checkpoint names a head the chain does not have (the chain was replaced or rewritten). */
        CHECKPOINT_MISMATCH
    }
}
