package org.cmag.protocol;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.cmag.exchange.v1.AnswerType;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.ClosureNoticeType;
import org.cmag.exchange.v1.ConditionsAcceptanceType;
import org.cmag.exchange.v1.ConditionsProposalType;
import org.cmag.exchange.v1.ConsentDecisionType;
import org.cmag.exchange.v1.ConsentRequestType;
import org.cmag.exchange.v1.CorrectionItemType;
import org.cmag.exchange.v1.CorrectionRequestType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.ForwardingNoticeType;
import org.cmag.exchange.v1.PostponementNoticeType;
import org.cmag.exchange.v1.RefusalGroundCode;
import org.cmag.exchange.v1.RefusalScopeCode;
import org.cmag.exchange.v1.RefusalType;
import org.cmag.exchange.v1.ReminderType;
import org.cmag.exchange.v1.RequestAcknowledgementType;
import org.cmag.exchange.v1.RequestCompletionType;
import org.cmag.exchange.v1.WithdrawalType;
import org.cmag.protocol.CaseMessage.ClosureNotice;
import org.cmag.protocol.CaseMessage.ConditionsAcceptance;
import org.cmag.protocol.CaseMessage.ConditionsProposal;
import org.cmag.protocol.CaseMessage.ConsentDecision;
import org.cmag.protocol.CaseMessage.ConsentRequest;
import org.cmag.protocol.CaseMessage.CorrectionRequest;
import org.cmag.protocol.CaseMessage.FinalResponse;
import org.cmag.protocol.CaseMessage.ForwardingNotice;
import org.cmag.protocol.CaseMessage.PartialResponse;
import org.cmag.protocol.CaseMessage.PostponementNotice;
import org.cmag.protocol.CaseMessage.Refusal;
import org.cmag.protocol.CaseMessage.Reminder;
import org.cmag.protocol.CaseMessage.RequestAcknowledgement;
import org.cmag.protocol.CaseMessage.RequestCompletion;
import org.cmag.protocol.CaseMessage.Withdrawal;

/**
 * Builds the exchange message for a {@link CaseMessage} on an existing case (pure Java, no Camel types). The header is
 * made like {@link org.cmag.mapping.RequestTranslator} makes it: a fresh MessageID {@code <ownId>-<uuid>}, Created in
 * UTC seconds, the case's ConversationID, legal basis and purposes, InReplyTo, handling labels, retention and policy
 * reference from the partner agreement. The Body holds the typed message element, complete except for WCO data: the
 * caller translates the message's declarations and responses and appends them to the body element in the DOM
 * (Declarations before Responses), as {@link org.cmag.stage.TranslateRequest} does for requests.
 */
public final class ProtocolMessageBuilder {
    private final org.cmag.exchange.Envelopes envelopes;

    public ProtocolMessageBuilder(String ownId, String ownCountry, Clock clock) {
        this.envelopes = new org.cmag.exchange.Envelopes(ownId, ownCountry, clock);
    }

    /** The exchange message for a national case message; IllegalArgumentException for WORK_STARTED (not a message). */
    public ExchangeMessageType build(CaseMessage message, CaseContext context) {
        if (!message.isMessage()) {
            throw new IllegalArgumentException(message.event() + " is a national action, not a message to the partner");
        }
        BodyType body = new BodyType();
        if (message instanceof RequestAcknowledgement m) {
            body.setRequestAcknowledgement(acknowledgementBody(m.note(), m.expectedBy()));
        } else if (message instanceof CorrectionRequest m) {
            CorrectionRequestType t = new CorrectionRequestType();
            m.items().forEach(i -> {
                CorrectionItemType item = new CorrectionItemType();
                item.setPointer(i.pointer());
                item.setReason(i.reason());
                t.getItem().add(item);
            });
            body.setCorrectionRequest(t);
        } else if (message instanceof RequestCompletion m) {
            RequestCompletionType t = new RequestCompletionType();
            t.setFactsSummary(m.factsSummary());
            body.setRequestCompletion(t);
        } else if (message instanceof ForwardingNotice m) {
            ForwardingNoticeType t = new ForwardingNoticeType();
            t.setForwardedTo(m.forwardedTo());
            t.setNote(m.note());
            body.setForwardingNotice(t);
        } else if (message instanceof PartialResponse m) {
            body.setPartialResponse(answer(m.summary()));
        } else if (message instanceof FinalResponse m) {
            body.setFinalResponse(answer(m.summary()));
        } else if (message instanceof PostponementNotice m) {
            PostponementNoticeType t = new PostponementNoticeType();
            t.setGround(m.ground());
            t.setPostponedUntil(m.postponedUntil());
            t.setReason(m.reason());
            body.setPostponementNotice(t);
        } else if (message instanceof ConditionsProposal m) {
            ConditionsProposalType t = new ConditionsProposalType();
            t.getCondition().addAll(m.conditions());
            body.setConditionsProposal(t);
        } else if (message instanceof ConditionsAcceptance m) {
            ConditionsAcceptanceType t = new ConditionsAcceptanceType();
            t.setAccepted(m.accepted());
            t.setNote(m.note());
            body.setConditionsAcceptance(t);
        } else if (message instanceof Refusal m) {
            RefusalType t = new RefusalType();
            t.getGround().addAll(m.grounds());
            t.setReason(m.reason());
            t.setScope(m.scope());
            t.setPartialScope(m.partialScope());
            body.setRefusal(t);
        } else if (message instanceof Withdrawal m) {
            WithdrawalType t = new WithdrawalType();
            t.setReason(m.reason());
            body.setWithdrawal(t);
        } else if (message instanceof Reminder m) {
            ReminderType t = new ReminderType();
            t.setNote(m.note());
            t.setDueDate(m.dueDate());
            body.setReminder(t);
        } else if (message instanceof ClosureNotice m) {
            ClosureNoticeType t = new ClosureNoticeType();
            t.setNote(m.note());
            body.setClosureNotice(t);
        } else if (message instanceof ConsentRequest m) {
            ConsentRequestType t = new ConsentRequestType();
            t.setUse(m.use());
            t.setRecipient(m.recipient());
            t.setPurpose(m.purpose());
            t.setMessageRef(m.messageRef());
            body.setConsentRequest(t);
        } else if (message instanceof ConsentDecision m) {
            ConsentDecisionType t = new ConsentDecisionType();
            t.setRequestRef(m.requestRef());
            t.setDecision(m.decision());
            t.getCondition().addAll(m.conditions());
            t.setReason(m.reason());
            body.setConsentDecision(t);
        } else {
            throw new IllegalArgumentException("no body for " + message.event());
        }
        return message(message, context, body);
    }

    /** The business acknowledgement the gateway sends for a received request (no national JSON involved). */
    public ExchangeMessageType acknowledgement(CaseContext context, String note, LocalDate expectedBy) {
        return build(new RequestAcknowledgement(note, expectedBy), context);
    }

    /**
     * A refusal the gateway makes itself, in whole, on one ground (typically NOT_COVERED_BY_AGREEMENT when a received
     * request is outside the partner agreement), with its reason.
     */
    public ExchangeMessageType automaticRefusal(CaseContext context, RefusalGroundCode ground, String reason) {
        return build(new Refusal(List.of(ground), reason, RefusalScopeCode.WHOLE, null), context);
    }

    private static RequestAcknowledgementType acknowledgementBody(String note, LocalDate expectedBy) {
        RequestAcknowledgementType t = new RequestAcknowledgementType();
        t.setNote(note);
        t.setExpectedBy(expectedBy);
        return t;
    }

    private static AnswerType answer(String summary) {
        AnswerType t = new AnswerType();
        t.setSummary(summary);
        return t;
    }

    private ExchangeMessageType message(CaseMessage message, CaseContext c, BodyType body) {
        return envelopes.message(c.partner(), c.caseId(), c.inReplyTo(), MessageTypes.of(message.event()), c.legalInstrument(),
                c.legalArticle(), c.purposes(), envelopes.now(), body);
    }
}
