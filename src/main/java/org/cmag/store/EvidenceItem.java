package org.cmag.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.cmag.audit.AuditChain;

/**
 * One signed document kept as evidence: a signed exchange message or a signed receipt, with the direction it travelled.
 * {@code digest} is the hex SHA-256 of the UTF-8 {@code content}; it stays when the content is purged.
 *
 * <p>How the digest relates to the audit trail ({@link #auditEventType()}): the item was stored in the same transaction
 * as an audit record of that type for its message, whose {@code message_digest} is this digest; for our own receipt
 * (the record {@code message-received}, whose digest is that of the sealed bytes received) the detail names it as
 * {@code receipt sha256 <digest>}.
 *
 * @param content the document, null once purged
 * @param purgedAt when the content was purged, or null
 */
public record EvidenceItem(long id, String messageId, String caseId, String partnerId, Direction direction, Kind kind,
        String digest, String content, Instant storedAt, LocalDate retentionUntil, Instant purgedAt) {

    /** Which way the document travelled: OUT = we signed and sent it, IN = a partner signed and sent it to us. */
    public enum Direction { OUT, IN }

    public enum Kind { MESSAGE, RECEIPT }

    /** The prefix of our own receipt's digest in the {@code message-received} audit detail. */
    public static final String RECEIPT_DIGEST_NOTE = "receipt sha256 ";

    /** A new item (not yet stored) with the digest of its content. */
    public static EvidenceItem of(String messageId, String caseId, String partnerId, Direction direction, Kind kind, String content,
            Instant storedAt, LocalDate retentionUntil) {
        return new EvidenceItem(0, messageId, caseId, partnerId, direction, kind, digest(content), content, storedAt, retentionUntil, null);
    }

    /** Hex SHA-256 of the UTF-8 text. */
    public static String digest(String content) {
        return AuditChain.sha256Hex(content.getBytes(StandardCharsets.UTF_8));
    }

    public boolean purged() {
        return content == null;
    }

    /** The audit record type that carries this item's digest (see the class comment). */
    public String auditEventType() {
        return auditEventType(direction, kind);
    }

    public static String auditEventType(Direction direction, Kind kind) {
        if (kind == Kind.MESSAGE) {
            return direction == Direction.OUT ? "message-sealed" : "signature-verified";
        }
        return direction == Direction.IN ? "receipt-verified" : "message-received";
    }

    /** Whether {@code event} is the audit record of this item: its type, message and digest (see the class comment). */
    public boolean matches(AuditEvent event) {
        if (!auditEventType().equals(event.type()) || !messageId.equals(event.messageId())) {
            return false;
        }
        return direction == Direction.OUT && kind == Kind.RECEIPT
                ? event.detail() != null && event.detail().contains(RECEIPT_DIGEST_NOTE + digest)
                : digest.equals(event.messageDigest());
    }

    /** A short file-name-safe label, e.g. {@code OUT-MESSAGE}. */
    public String label() {
        return direction + "-" + kind;
    }
}
