package org.cmag.mapping;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.cmag.exchange.Envelopes;
import org.cmag.exchange.v1.AssistanceRequestType;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.RequestTypeCode;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;

/**
 * Translates a national assistance request into the exchange message (pure Java, no Camel types). Declaration
 * data is translated by {@link org.cmag.wco.DeclarationTranslator} and added to the message DOM.
 * Identifiers (message id, case reference) are minted here; handling labels and the policy reference
 * come from the partner agreement.
 */
public final class RequestTranslator {
    private static final DateTimeFormatter CASE_DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

    private final String ownId;
    private final Envelopes envelopes;

    public RequestTranslator(String ownId, String ownCountry, Clock clock) {
        this.ownId = ownId;
        this.envelopes = new Envelopes(ownId, ownCountry, clock);
    }

    public ExchangeMessageType translate(NationalRequest r, Partner partner) {
        OffsetDateTime now = envelopes.now();
        String caseId = "CASE-" + ownId + "-" + partner.id() + "-" + CASE_DATE.format(now) + "-"
                + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
        AssistanceRequestType req = new AssistanceRequestType();
        req.setRequestType(RequestTypeCode.fromValue(r.requestType()));
        req.setRelatedRequestID(r.relatedRequestId());
        req.setFactsSummary(r.factsSummary());
        BodyType body = new BodyType();
        body.setAssistanceRequest(req);
        return envelopes.message(partner, caseId, null, MessageTypeCode.ASSISTANCE_REQUEST, r.legalInstrument(), r.legalArticle(),
                List.of(r.headerPurpose()), now, body);
    }
}
