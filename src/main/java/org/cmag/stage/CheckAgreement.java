package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.LegalBasisType;
import org.cmag.policy.AgreementTerms;
import org.cmag.policy.Partner;
import org.cmag.policy.Purposes;
import org.cmag.flow.InboundMessage;

/**
 * Stage {@code check-agreement}: the agreement is in force today and permits this message type from the partner
 * (else the message is rejected: agreement_not_in_force, message_type_not_permitted); the partner may send this request
 * type under this legal basis, for a purpose the agreement lists (purpose binding on the receiving side). A request
 * outside the agreement's request types, legal bases or purposes is marked for automatic refusal (the case is opened
 * and refused; national systems never see it); any other message under a legal basis the agreement does not cover is
 * rejected.
 */
public final class CheckAgreement implements Processor {
    private final Clock clock;

    public CheckAgreement(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Partner partner = m.partner();
        ExchangeMessageType message = m.message();
        AgreementTerms.requireInbound(partner, message.getHeader().getMessageType().value(), clock.instant());
        var request = message.getBody().getAssistanceRequest();
        LegalBasisType lb = message.getHeader().getLegalBasis();
        String problem = null;
        ErrorCode code = ErrorCode.REQUEST_TYPE_NOT_PERMITTED;
        if (request != null && !partner.requestTypes().contains(request.getRequestType().value())) {
            problem = "Agreement " + partner.agreementId() + " does not permit " + request.getRequestType().value() + " requests from "
                    + partner.id();
        } else if (!partner.permitsLegalBasis(lb.getInstrument(), lb.getArticle())) {
            problem = "Agreement " + partner.agreementId() + " does not cover " + Headers.legalBasis(lb.getInstrument(), lb.getArticle());
            code = ErrorCode.LEGAL_BASIS_NOT_PERMITTED;
        } else if (request != null && !partner.purposes().isEmpty()) {
            // purpose binding: a request names one of the agreement's purposes (CODE: statement)
            String purpose = message.getHeader().getPurpose().isEmpty() ? null : Purposes.code(message.getHeader().getPurpose().get(0));
            if (purpose == null || !partner.purposes().containsKey(purpose)) {
                problem = "Agreement " + partner.agreementId() + " covers the purposes " + new java.util.TreeSet<>(partner.purposes().keySet())
                        + (purpose == null ? "; the request names none" : ", not " + purpose);
                code = ErrorCode.PURPOSE_NOT_PERMITTED;
            }
        }
        if (problem == null) {
            return;
        }
        if (request != null) {
            // a request outside the agreement is refused by the gateway itself and never reaches national systems
            m.refuse(problem, code);
            return;
        }
        throw new GatewayException(ErrorCode.LEGAL_BASIS_NOT_PERMITTED, problem, "/ExchangeMessage/Header/LegalBasis");
    }
}
