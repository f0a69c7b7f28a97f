package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.exchange.Receipts;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.AuditEvent;
import org.cmag.store.EvidenceItem;
import org.cmag.store.InboundStore;

/**
 * Stage {@code issue-receipt}: after the raw message is durably queued, a signed receipt is stored (it is
 * also the first de-duplication record) and returned to the sender.
 */
public final class IssueReceipt implements Processor {
    private final Receipts receipts;
    private final InboundStore store;
    private final PartnerRegistry registry;
    private final KeyRing keys;
    private final String ownId;
    private final String ownCountry;
    private final Clock clock;

    public IssueReceipt(Receipts receipts, InboundStore store, PartnerRegistry registry, KeyRing keys, String ownId,
            String ownCountry, Clock clock) {
        this.receipts = receipts;
        this.store = store;
        this.registry = registry;
        this.keys = keys;
        this.ownId = ownId;
        this.ownCountry = ownCountry;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String digest = m.getHeader(GatewayHeaders.DIGEST, String.class);
        Partner partner = registry.require(m.getHeader(GatewayHeaders.PARTNER_ID, String.class), org.cmag.error.ErrorCode.UNKNOWN_SENDER);
        String xml = receipts.issue(id, partner.id(), partner.country(), ownId, ownCountry, digest, keys.own(), partner.security());
        InboundStore.IssuedReceipt stored = store.storeReceipt(new InboundStore.IssuedReceipt(id, partner.id(), digest, xml),
                clock.instant(), AuditEvent.ok("message-received", partner.id(), partner.id(), id, null,
                        "queued for processing; signed receipt issued, " + EvidenceItem.RECEIPT_DIGEST_NOTE + EvidenceItem.digest(xml))
                        .withDigest(digest));
        m.setBody(stored.receiptXml().getBytes(StandardCharsets.UTF_8));
    }
}
