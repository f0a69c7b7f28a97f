package org.cmag.protocol;

import java.util.ArrayList;
import java.util.List;
import org.cmag.cases.CaseEvent;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.MessageTypeCode;

/** The correspondence of case events, header message types and Body elements. */
public final class MessageTypes {
    private MessageTypes() {}

    /** The header MessageType of a case event; IllegalArgumentException for events that are not messages. */
    public static MessageTypeCode of(CaseEvent event) {
        if (!event.isMessage()) {
            throw new IllegalArgumentException(event + " is not an exchange message");
        }
        return MessageTypeCode.fromValue(event.name());
    }

    /** The case event of a header MessageType. */
    public static CaseEvent event(MessageTypeCode type) {
        return CaseEvent.valueOf(type.value());
    }

    /**
     * The message types whose element the body holds: exactly one for a well-formed body. A receiver compares it with
     * Header/MessageType, which the schema alone cannot tie to the body.
     */
    public static List<MessageTypeCode> inBody(BodyType b) {
        List<MessageTypeCode> out = new ArrayList<>(1);
        add(out, b.getAssistanceRequest(), MessageTypeCode.ASSISTANCE_REQUEST);
        add(out, b.getRequestAcknowledgement(), MessageTypeCode.REQUEST_ACKNOWLEDGEMENT);
        add(out, b.getCorrectionRequest(), MessageTypeCode.CORRECTION_REQUEST);
        add(out, b.getRequestCompletion(), MessageTypeCode.REQUEST_COMPLETION);
        add(out, b.getForwardingNotice(), MessageTypeCode.FORWARDING_NOTICE);
        add(out, b.getPartialResponse(), MessageTypeCode.PARTIAL_RESPONSE);
        add(out, b.getFinalResponse(), MessageTypeCode.FINAL_RESPONSE);
        add(out, b.getPostponementNotice(), MessageTypeCode.POSTPONEMENT_NOTICE);
        add(out, b.getConditionsProposal(), MessageTypeCode.CONDITIONS_PROPOSAL);
        add(out, b.getConditionsAcceptance(), MessageTypeCode.CONDITIONS_ACCEPTANCE);
        add(out, b.getRefusal(), MessageTypeCode.REFUSAL);
        add(out, b.getWithdrawal(), MessageTypeCode.WITHDRAWAL);
        add(out, b.getReminder(), MessageTypeCode.REMINDER);
        add(out, b.getClosureNotice(), MessageTypeCode.CLOSURE_NOTICE);
        add(out, b.getConsentRequest(), MessageTypeCode.CONSENT_REQUEST);
        add(out, b.getConsentDecision(), MessageTypeCode.CONSENT_DECISION);
        return out;
    }

    private static void add(List<MessageTypeCode> out, Object element, MessageTypeCode type) {
        if (element != null) {
            out.add(type);
        }
    }
}
