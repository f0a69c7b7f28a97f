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
        /**
         * Records after the last one present were removed or lost (found via the head, a checkpoint or the anchor), or
         * the database holds no checkpoint at or after the anchor's record (its newest checkpoints were removed).
         */
        TRUNCATED,
        /**
         * A checkpoint's or the anchor's signature does not verify, or its certificate is not the gateway's, or the
         * anchor file is not a signed checkpoint.
         */
        BAD_CHECKPOINT,
        /**
         * A checkpoint or the anchor names a head the chain does not have (the chain was replaced or rewritten, or records
         * were lost and their sequence numbers reused).
         */
        CHECKPOINT_MISMATCH
    }
}
