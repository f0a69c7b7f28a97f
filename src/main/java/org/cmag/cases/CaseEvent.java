package org.cmag.cases;

/**
 * What can happen to a case: a protocol message (sent by the side named) or a transport event. The message names are
 * the exchange message types (DOMAIN.md §5).
 */
public enum CaseEvent {
    ASSISTANCE_REQUEST(CaseRole.REQUESTING),
    TRANSPORT_RECEIPT(null),
    REQUEST_ACKNOWLEDGEMENT(CaseRole.REQUESTED),
    CORRECTION_REQUEST(CaseRole.REQUESTED),
    REQUEST_COMPLETION(CaseRole.REQUESTING),
    FORWARDING_NOTICE(CaseRole.REQUESTED),
    WORK_STARTED(CaseRole.REQUESTED),
    PARTIAL_RESPONSE(CaseRole.REQUESTED),
    FINAL_RESPONSE(CaseRole.REQUESTED),
    POSTPONEMENT_NOTICE(CaseRole.REQUESTED),
    CONDITIONS_PROPOSAL(CaseRole.REQUESTED),
    CONDITIONS_ACCEPTANCE(CaseRole.REQUESTING),
    REFUSAL(CaseRole.REQUESTED),
    WITHDRAWAL(CaseRole.REQUESTING),
    REMINDER(CaseRole.REQUESTING),
    CLOSURE_NOTICE(CaseRole.REQUESTING),
    CONSENT_REQUEST(CaseRole.REQUESTING),
    CONSENT_DECISION(CaseRole.REQUESTED);

    private final CaseRole sentBy;

    CaseEvent(CaseRole sentBy) {
        this.sentBy = sentBy;
    }

    /** The side that sends this message; null for transport events. */
    public CaseRole sentBy() {
        return sentBy;
    }

    /**
     * Whether this event is an exchange message (a Header/MessageType sent to the partner). TRANSPORT_RECEIPT is a
     * transport event and WORK_STARTED a national action that only changes our side of the case.
     */
    public boolean isMessage() {
        return this != TRANSPORT_RECEIPT && this != WORK_STARTED;
    }
}
