package org.cmag.mapping;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.cmag.exchange.v1.AddressType;
import org.cmag.exchange.v1.AssistanceRequestType;
import org.cmag.exchange.v1.AuthorityType;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.ClassificationType;
import org.cmag.exchange.v1.CommodityType;
import org.cmag.exchange.v1.ConfidentialityClassCode;
import org.cmag.exchange.v1.DeclarationType;
import org.cmag.exchange.v1.EvidenceUseCode;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.GoodsItemType;
import org.cmag.exchange.v1.GoodsShipmentType;
import org.cmag.exchange.v1.HandlingType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.exchange.v1.LegalBasisType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.OnwardTransferCode;
import org.cmag.exchange.v1.OriginType;
import org.cmag.exchange.v1.PartyType;
import org.cmag.exchange.v1.PolicyRefType;
import org.cmag.exchange.v1.RequestTypeCode;
import org.cmag.national.NationalRequest;
import org.cmag.policy.Partner;

/**
 * Translates a national assistance request into the exchange message (pure Java, no Camel types).
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
        r.declarations().forEach(d -> req.getDeclaration().add(declaration(d)));
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

    private static DeclarationType declaration(NationalRequest.Declaration d) {
        DeclarationType t = new DeclarationType();
        t.setID(d.id());
        t.setFunctionalReferenceID(d.functionalReferenceId());
        t.setTypeCode(d.typeCode());
        t.setIssueDateTime(d.issueDateTime());
        t.setDeclarationOfficeID(d.declarationOfficeId());
        t.setExporter(party(d.exporter()));
        if (d.importer() != null || !d.goodsItems().isEmpty()) {
            GoodsShipmentType gs = new GoodsShipmentType();
            gs.setImporter(party(d.importer()));
            d.goodsItems().forEach(g -> gs.getGovernmentAgencyGoodsItem().add(goodsItem(g)));
            t.setGoodsShipment(gs);
        }
        return t;
    }

    private static PartyType party(NationalRequest.Party p) {
        if (p == null) {
            return null;
        }
        PartyType t = new PartyType();
        t.setName(p.name());
        t.setID(p.id());
        if (p.address() != null) {
            AddressType a = new AddressType();
            a.setLine(p.address().line());
            a.setCityName(p.address().cityName());
            a.setPostcodeID(p.address().postcodeId());
            a.setCountryCode(p.address().countryCode());
            t.setAddress(a);
        }
        return t;
    }

    private static GoodsItemType goodsItem(NationalRequest.GoodsItem g) {
        GoodsItemType t = new GoodsItemType();
        t.setSequenceNumeric(java.math.BigInteger.valueOf(g.sequenceNumeric()));
        if (g.description() != null || !g.classifications().isEmpty()) {
            CommodityType c = new CommodityType();
            c.setDescription(g.description());
            for (NationalRequest.Classification cl : g.classifications()) {
                ClassificationType ct = new ClassificationType();
                ct.setID(cl.id());
                ct.setIdentificationTypeCode(cl.identificationTypeCode());
                c.getClassification().add(ct);
            }
            t.setCommodity(c);
        }
        if (g.originCountryCode() != null) {
            OriginType o = new OriginType();
            o.setCountryCode(g.originCountryCode());
            t.setOrigin(o);
        }
        return t;
    }
}
