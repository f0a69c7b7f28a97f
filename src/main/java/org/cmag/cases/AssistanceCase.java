package org.cmag.cases;

import java.time.Instant;
import java.time.LocalDate;

/** One side's view of an assistance case. */
public record AssistanceCase(
        String caseId,
        CaseRole role,
        String partnerId,
        String requestType,
        String legalBasis,
        String purpose,
        String requestMessageId,
        String relatedRequestId,
        CaseState state,
        boolean overdue,
        Instant dueAt,
        Instant reminderAt,
        LocalDate postponedUntil,
        Instant createdAt,
        Instant updatedAt) {

    /** A case about to be opened by its request, with the agreement's deadline for the request type. */
    public static AssistanceCase opening(String caseId, CaseRole role, org.cmag.policy.Partner partner, String requestType, String legalBasis,
            String purpose, String requestMessageId, String relatedRequestId, Instant now) {
        Deadlines d = Deadlines.of(partner, requestType, now);
        return new AssistanceCase(caseId, role, partner.id(), requestType, legalBasis, purpose, requestMessageId, relatedRequestId, null,
                false, d.dueAt(), d.reminderAt(), null, now, now);
    }
}
