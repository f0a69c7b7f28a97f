package org.cmag.cases;

/** States of an assistance case (DESIGN.md §4, DOMAIN.md §5). OVERDUE is a flag on the case, not a state. */
public enum CaseState {
    SUBMITTED,
    DELIVERED,
    ACKNOWLEDGED,
    CORRECTION_REQUESTED,
    FORWARDED,
    IN_PROGRESS,
    PARTIALLY_ANSWERED,
    POSTPONED,
    CONDITIONAL,
    ANSWERED,
    REFUSED,
    WITHDRAWN,
    CLOSED;

    /** Whether the case still expects work (deadlines run, answers are accepted). */
    public boolean isOpen() {
        return this != ANSWERED && this != REFUSED && this != WITHDRAWN && this != CLOSED;
    }
}
