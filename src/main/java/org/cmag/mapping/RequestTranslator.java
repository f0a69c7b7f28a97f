package org.cmag.mapping;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.cmag.exchange.v1.AssistanceRequestType;
import org.cmag.exchange.v1.AuthorityType;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.ConfidentialityClassCode;
import org.cmag.exchange.v1.EvidenceUseCode;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HandlingType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.exchange.v1.LegalBasisType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.OnwardTransferCode;
import org.cmag.exchange.v1.PolicyRefType;
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
    private final String ownCountry;
    private final Clock clock;

    public RequestTranslator(String ownId, String ownCountry, Clock clock) {
        this.ownId = ownId;
        this.ownCountry = ownCountry;
        this.clock = clock;
    }

    public ExchangeMessageType translate(NationalRequest r, Partner partner) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).withNano(0);
        String messageId = ownId + "-" + UUID.randomUUID();
        String caseId = "CASE-" + ownId + "-" + partner.id() + "-" + CASE_DATE.format(now) + "-"
                + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);

        HeaderType h = new HeaderType();
        h.setMessageID(messageId);
        h.setConversationID(caseId);
        h.setSender(authority(ownId, ownCountry));
        h.setReceiver(authority(partner.id(), partner.country()));
        h.setCreated(now);
        h.setMessageType(MessageTypeCode.ASSISTANCE_REQUEST);
        LegalBasisType lb = new LegalBasisType();
        lb.setInstrument(r.legalInstrument());
        lb.setArticle(r.legalArticle());
        h.setLegalBasis(lb);
        h.getPurpose().add(r.purpose());
        HandlingType handling = new HandlingType();
        handling.setConfidentialityClass(ConfidentialityClassCode.fromValue(partner.handling().confidentialityClass()));
        handling.setOnwardTransfer(OnwardTransferCode.fromValue(partner.handling().onwardTransfer()));
        handling.setEvidenceUse(EvidenceUseCode.fromValue(partner.handling().evidenceUse()));
        handling.setRetentionUntil(now.toLocalDate().plusYears(partner.retentionYears()));
        h.setHandling(handling);
        PolicyRefType policy = new PolicyRefType();
        policy.setAgreementID(partner.agreementId());
        policy.setVersion(partner.agreementVersion());
        policy.setDigest(partner.policyDigest());
        h.setPolicyRef(policy);

        AssistanceRequestType req = new AssistanceRequestType();
        req.setRequestType(RequestTypeCode.fromValue(r.requestType()));
        req.setRelatedRequestID(r.relatedRequestId());
        req.setFactsSummary(r.factsSummary());
        BodyType body = new BodyType();
        body.setAssistanceRequest(req);

        ExchangeMessageType m = new ExchangeMessageType();
        m.setId("msg-" + messageId);
        m.setHeader(h);
        m.setBody(body);
        return m;
    }

    private static AuthorityType authority(String id, String country) {
        AuthorityType a = new AuthorityType();
        a.setAuthorityID(id);
        a.setCountryCode(country);
        return a;
    }
}
