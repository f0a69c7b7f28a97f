package org.cmag.store;

/**
 * One audit record before it is chained. No payload and no personal data: identifiers, legal basis,
 * purpose, digests and coded outcomes only.
 */
public record AuditEvent(
        String type,
        String outcome,
        String actor,
        String partnerId,
        String messageId,
        String caseId,
        String legalBasis,
        String purpose,
        String messageDigest,
        String errorCode,
        String detail) {

    public static final String OK = "OK";
    public static final String REJECTED = "REJECTED";
    public static final String FAILED = "FAILED";

    public static AuditEvent ok(String type, String actor, String partnerId, String messageId, String caseId, String detail) {
        return new AuditEvent(type, OK, actor, partnerId, messageId, caseId, null, null, null, null, detail);
    }

    public AuditEvent withLegal(String legalBasis, String purpose) {
        return new AuditEvent(type, outcome, actor, partnerId, messageId, caseId, legalBasis, purpose, messageDigest, errorCode, detail);
    }

    public AuditEvent withDigest(String digest) {
        return new AuditEvent(type, outcome, actor, partnerId, messageId, caseId, legalBasis, purpose, digest, errorCode, detail);
    }

    public static AuditEvent rejected(String type, String actor, String partnerId, String messageId, String caseId,
            String errorCode, String detail) {
        return new AuditEvent(type, REJECTED, actor, partnerId, messageId, caseId, null, null, null, errorCode, detail);
    }
}
