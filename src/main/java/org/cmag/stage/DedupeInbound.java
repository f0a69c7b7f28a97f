package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import java.time.Instant;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseRole;
import org.cmag.cases.CaseStore;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.Database;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;
import org.cmag.store.InboundStore;

/**
 * Stage {@code dedupe}: claims the verified message id in the database. A message already delivered is
 * never delivered again; a claim left by an interrupted delivery is retried (the broker drops a repeat). A first claim
 * also stores the evidence: the verified signed message (its digest on the {@code signature-verified} record) and our receipt.
 */
public final class DedupeInbound implements Processor {
    private final InboundStore store;
    private final CaseStore cases;
    private final Clock clock;

    public DedupeInbound(InboundStore store, CaseStore cases, Clock clock) {
        this.store = store;
        this.cases = cases;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String legal = m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class);
        String purpose = m.getHeader(GatewayHeaders.PURPOSE, String.class);
        String digest = m.getHeader(GatewayHeaders.DIGEST, String.class);
        Instant now = clock.instant();
        String type = m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class);
        String requestType = m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class);
        ExchangeMessageType message = exchange.getProperty(ValidateMessage.MESSAGE, ExchangeMessageType.class);
        EvidenceItem evidence = exchange.getProperty(GatewayHeaders.EVIDENCE, EvidenceItem.class);
        if (evidence == null || !id.equals(evidence.messageId())) {
            throw new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.INTERNAL, "The verified message " + id
                    + " was not kept as evidence before its claim (keep-verified-message)");
        }
        Database.SqlWork<Object> caseChange = c -> {
            if (CaseEvent.valueOf(type) == CaseEvent.ASSISTANCE_REQUEST) {
                cases.open(c, AssistanceCase.opening(caseId, CaseRole.REQUESTED, partner, requestType, legal, purpose, id,
                        message.getBody().getAssistanceRequest().getRelatedRequestID(), now), "IN", partner.id());
            } else {
                var postponement = message.getBody().getPostponementNotice();
                cases.apply(c, caseId, CaseEvent.valueOf(type), partner.id(), id, "IN", partner.id(), now,
                        postponement == null ? null : postponement.getPostponedUntil());
            }
            // evidence: the verified signed message and the receipt we issued for it
            EvidenceStore.insert(c, evidence);
            EvidenceStore.insertOwnReceipt(c, id, caseId, partner.id(), now);
            return null;
        };
        InboundStore.Claim claim = store.claim(new InboundStore.Verified(id, partner.id(), caseId, type, requestType,
                        legal, purpose, digest, message.getHeader().getHandling().getRetentionUntil()), now, caseChange,
                AuditEvent.ok("message-decrypted", "gateway", partner.id(), id, caseId, partner.security().content() + "/"
                        + partner.security().keyTransport()),
                AuditEvent.ok("signature-verified", "gateway", partner.id(), id, caseId, partner.security().signature()
                        + " with the registered certificate of " + partner.id() + "; sealed sha256 " + digest).withDigest(evidence.digest()),
                AuditEvent.ok("message-validated", "gateway", partner.id(), id, caseId, "schema urn:cmag:exchange:1; header matches transport")
                        .withLegal(legal, purpose),
                exchange.getProperty(AutomaticReplies.AUTO_REFUSAL) == null
                        ? AuditEvent.ok("agreement-checked", "gateway", partner.id(), id, caseId, "agreement " + partner.agreementId()
                                + " covers " + type + (requestType == null ? "" : " " + requestType))
                        : AuditEvent.rejected("agreement-checked", "gateway", partner.id(), id, caseId,
                                org.cmag.error.ErrorCode.REQUEST_TYPE_NOT_PERMITTED.code(),
                                exchange.getProperty(AutomaticReplies.AUTO_REFUSAL, String.class)));
        if (claim == InboundStore.Claim.DUPLICATE) {
            store.audit(AuditEvent.ok("duplicate-dropped", "gateway", partner.id(), id, caseId, "already delivered to national systems")
                    .withDigest(digest));
        }
        m.setHeader(GatewayHeaders.CLAIM, claim.name());
    }
}
