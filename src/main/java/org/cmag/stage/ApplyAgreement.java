package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;

/**
 * Stage {@code apply-policy}: the partner agreement must permit the request type and cover the legal basis, otherwise
 * the request is refused before anything is signed; then its field rules minimise the declaration data (default deny),
 * and free text with personal data is masked, dropped or - under {@code freeText: hold} - marks the message as held.
 */
public final class ApplyAgreement implements Processor {
    /** Exchange property: the field decisions ({@code List<Minimiser.Decision>}) of the outgoing message. */
    public static final String DECISIONS = "GwPolicyDecisions";
    /** Exchange property: true when the agreement holds the message for manual release (the route then stores it, unsent). */
    public static final String HOLD = "GwHold";
    /** Exchange property: the free-text findings ({@code List<FreeTextGuard.Finding>}) that hold the message. */
    public static final String HELD_FINDINGS = "GwHeldFindings";

    private final org.cmag.policy.Minimisation minimisation;

    public ApplyAgreement(org.cmag.policy.Minimisation minimisation) {
        this.minimisation = minimisation;
    }

    @Override
    public void process(Exchange exchange) {
        NationalRequest request = exchange.getProperty(GatewayHeaders.NATIONAL_REQUEST, NationalRequest.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
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
        outcome(exchange, minimisation.minimise(exchange.getProperty(GatewayHeaders.DOCUMENT, org.w3c.dom.Document.class), partner,
                request.requestType(), request.purposeCode()));
    }

    /** Sets the decisions and, when the agreement holds the message, the hold flag and its findings. */
    static void outcome(Exchange exchange, org.cmag.policy.Minimisation.Outcome outcome) {
        exchange.setProperty(DECISIONS, outcome.decisions());
        exchange.setProperty(HOLD, outcome.isHeld());
        exchange.setProperty(HELD_FINDINGS, outcome.held());
    }
}
