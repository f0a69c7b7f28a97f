package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.InboundStore;

/**
 * Stage {@code dedupe}: claims the verified message id in the database. A message already delivered is
 * never delivered again; a claim left by an interrupted delivery is retried (the broker drops a repeat).
 */
public final class DedupeInbound implements Processor {
    private final InboundStore store;
    private final Clock clock;

    public DedupeInbound(InboundStore store, Clock clock) {
        this.store = store;
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
        InboundStore.Claim claim = store.claim(new InboundStore.Verified(id, partner.id(), caseId,
                        m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class), m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class),
                        legal, purpose, digest), clock.instant(),
                AuditEvent.ok("message-decrypted", "gateway", partner.id(), id, caseId, partner.security().content() + "/"
                        + partner.security().keyTransport()),
                AuditEvent.ok("signature-verified", "gateway", partner.id(), id, caseId, partner.security().signature()
                        + " with the registered certificate of " + partner.id()).withDigest(digest),
                AuditEvent.ok("message-validated", "gateway", partner.id(), id, caseId, "schema urn:cmag:exchange:1; header matches transport")
                        .withLegal(legal, purpose),
                AuditEvent.ok("agreement-checked", "gateway", partner.id(), id, caseId, "agreement " + partner.agreementId()
                        + " permits " + m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class)));
        if (claim == InboundStore.Claim.DUPLICATE) {
            store.audit(AuditEvent.ok("duplicate-dropped", "gateway", partner.id(), id, caseId, "already delivered to national systems")
                    .withDigest(digest));
        }
        m.setHeader(GatewayHeaders.CLAIM, claim.name());
    }
}
