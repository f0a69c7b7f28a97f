package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.OutboundMessage;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;

/**
 * Stage {@code apply-policy}: the partner agreement must permit the request type and cover the legal basis, otherwise
 * the request is refused before anything is signed; then its field rules minimise the declaration data (default deny),
 * and free text with personal data is masked, dropped or - under {@code freeText: hold} - marks the message as held.
 */
public final class ApplyAgreement implements Processor {
    private final org.cmag.policy.Minimisation minimisation;

    public ApplyAgreement(org.cmag.policy.Minimisation minimisation) {
        this.minimisation = minimisation;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        NationalRequest request = m.request();
        Partner partner = m.partner();
        if (!partner.requestTypes().contains(request.requestType())) {
            throw new GatewayException(ErrorCode.REQUEST_TYPE_NOT_PERMITTED, "Agreement " + partner.agreementId()
                    + " does not permit " + request.requestType() + " requests to " + partner.id(), "/requestType");
        }
        if (!partner.permitsLegalBasis(request.legalInstrument(), request.legalArticle())) {
            throw new GatewayException(ErrorCode.LEGAL_BASIS_NOT_PERMITTED, "Agreement " + partner.agreementId()
                    + " does not cover " + Headers.legalBasis(request.legalInstrument(), request.legalArticle()), "/legalBasis");
        }
        if (!partner.purposes().isEmpty() && (request.purposeCode() == null || !partner.purposes().containsKey(request.purposeCode()))) {
            throw new GatewayException(ErrorCode.PURPOSE_NOT_PERMITTED, "Agreement " + partner.agreementId() + " covers the purposes "
                    + new java.util.TreeSet<>(partner.purposes().keySet()) + (request.purposeCode() == null ? "; give purposeCode"
                    : ", not " + request.purposeCode()), "/purposeCode");
        }
        m.policy(minimisation.minimise(m.document(), partner, request.requestType(), request.purposeCode()));
    }
}
