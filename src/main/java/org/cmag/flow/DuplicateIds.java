package org.cmag.flow;

/**
 * Broker duplicate ids ({@code _AMQ_DUPL_ID}) of the gateway's own sends. Every send of one message to one queue carries
 * the same id, so a resend after a crash (recovery) or a redone step collapses into the first at the broker; a replay of a
 * dead letter starts a new generation, because the broker still remembers the id of the send that was dead-lettered.
 */
public final class DuplicateIds {
    private DuplicateIds() {}

    public static String of(String messageId, int generation) {
        return generation == 0 ? messageId : messageId + "#" + generation;
    }

    /** The queueing of one received content for processing: sender, message id, digest of the bytes, generation. */
    public static String processing(String partnerId, String messageId, String digest, int generation) {
        return of(partnerId + ":" + messageId + ":" + digest, generation);
    }
}
