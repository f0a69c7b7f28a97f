package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.LegalBasisType;
import org.cmag.policy.Partner;
import org.cmag.messaging.GatewayHeaders;

/** Stage {@code check-agreement}: the partner may send this request type under this legal basis. */
public final class CheckAgreement implements Processor {
    @Override
    public void process(Exchange exchange) {
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        ExchangeMessageType message = exchange.getProperty(ValidateMessage.MESSAGE, ExchangeMessageType.class);
        var request = message.getBody().getAssistanceRequest();
        if (request != null && !partner.requestTypes().contains(request.getRequestType().value())) {
            throw new GatewayException(ErrorCode.REQUEST_TYPE_NOT_PERMITTED, "Agreement " + partner.agreementId() + " does not permit "
                    + request.getRequestType().value() + " requests from " + partner.id(), "/ExchangeMessage/Body/AssistanceRequest/RequestType");
        }
        LegalBasisType lb = message.getHeader().getLegalBasis();
        if (!partner.permitsLegalBasis(lb.getInstrument(), lb.getArticle())) {
            throw new GatewayException(ErrorCode.LEGAL_BASIS_NOT_PERMITTED, "Agreement " + partner.agreementId() + " does not cover "
                    + Headers.legalBasis(lb.getInstrument(), lb.getArticle()), "/ExchangeMessage/Header/LegalBasis");
        }
    }
}
