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
        Instant updatedAt) {}
