package org.cmag.flow;

import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.crypto.Digests;
import org.cmag.store.NationalSubmissions;

/**
 * National submissions with an {@code Idempotency-Key} header: a national system that did not get the answer (timeout,
 * connection reset, a gateway restart) repeats the same request with the same key and gets the original answer; the
 * message is recorded and sent once. The key is optional; without one every submission is a new message.
 */
public final class IdempotentSubmissions {
    /** Longest key accepted. */
    public static final int MAX_KEY_LENGTH = 100;

    private final NationalSubmissions store;

    public IdempotentSubmissions(NationalSubmissions store) {
        this.store = store;
    }

    /**
     * The submission's key and body digest (null without a key), or the original answer when the key was used before
     * for the same body; the same key for another body is {@code idempotency_conflict}.
     */
    public Lookup lookup(String key, byte[] body) {
        if (key == null) {
            return new Lookup(null, null);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH
                    + " visible ASCII characters", "Idempotency-Key");
        }
        OutboundMessage.Submission submission = new OutboundMessage.Submission(key, Digests.sha256Hex(body == null ? new byte[0] : body));
        Optional<NationalSubmissions.Submission> known = store.find(key);
        return new Lookup(submission, known.map(k -> answerFor(k, submission)).orElse(null));
    }

    /** The result of a look-up: the submission to record, and the original answer if it was recorded before. */
    public record Lookup(OutboundMessage.Submission submission, String originalAnswer) {}

    /** The recorded answer, if {@code submission} repeats it with the same body; otherwise the conflict. */
    static String answerFor(NationalSubmissions.Submission recorded, OutboundMessage.Submission submission) {
        if (!recorded.bodyDigest().equals(submission.bodyDigest())) {
            throw new GatewayException(ErrorCode.IDEMPOTENCY_CONFLICT, "Idempotency-Key " + submission.idempotencyKey()
                    + " was used for another request (message " + recorded.messageId() + ")", "Idempotency-Key");
        }
        return recorded.answer();
    }
}
