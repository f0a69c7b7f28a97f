package org.cmag.exchange;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
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
import org.cmag.policy.Partner;

/**
 * The one place exchange messages get their header: a fresh message id, sender and receiver, creation time (UTC,
 * seconds), legal basis and purposes, and the handling labels, retention and policy reference of the agreement.
 */
public final class Envelopes {
    private final String ownId;
    private final String ownCountry;
    private final Clock clock;

    public Envelopes(String ownId, String ownCountry, Clock clock) {
        this.ownId = ownId;
        this.ownCountry = ownCountry;
        this.clock = clock;
    }

    /** The current time as headers carry it. */
    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).withNano(0);
    }

    public ExchangeMessageType message(Partner partner, String caseId, String inReplyTo, MessageTypeCode type, String instrument,
            String article, List<String> purposes, OffsetDateTime created, BodyType body) {
        String messageId = ownId + "-" + UUID.randomUUID();
        HeaderType h = new HeaderType();
        h.setMessageID(messageId);
        h.setConversationID(caseId);
        h.setInReplyTo(inReplyTo);
        h.setSender(authority(ownId, ownCountry));
        h.setReceiver(authority(partner.id(), partner.country()));
        h.setCreated(created);
        h.setMessageType(type);
        LegalBasisType lb = new LegalBasisType();
        lb.setInstrument(instrument);
        lb.setArticle(article);
        h.setLegalBasis(lb);
        h.getPurpose().addAll(purposes);
        HandlingType handling = new HandlingType();
        handling.setConfidentialityClass(ConfidentialityClassCode.fromValue(partner.handling().confidentialityClass()));
        handling.setOnwardTransfer(OnwardTransferCode.fromValue(partner.handling().onwardTransfer()));
        handling.setEvidenceUse(EvidenceUseCode.fromValue(partner.handling().evidenceUse()));
        handling.setRetentionUntil(created.toLocalDate().plusYears(partner.retentionYears()));
        handling.getCaveat().addAll(partner.handling().caveats());
        h.setHandling(handling);
        PolicyRefType policy = new PolicyRefType();
        policy.setAgreementID(partner.agreementId());
        policy.setVersion(partner.agreementVersion());
        policy.setDigest(partner.policyDigest());
        h.setPolicyRef(policy);
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
