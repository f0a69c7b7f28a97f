package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.exchange.Receipts;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;

/**
 * Stage {@code issue-receipt}: our signed receipt, stored with the raw message as received ({@link InboundRecorder#receive})
 * before the message is queued and before the receipt leaves; it is also the first de-duplication record. When another
 * copy of the same message won the race, its receipt is the answer.
 */
public final class IssueReceipt implements Processor {
    private final Receipts receipts;
    private final InboundRecorder recorder;
    private final PartnerRegistry registry;
    private final KeyRing keys;
    private final String ownId;
    private final String ownCountry;

    public IssueReceipt(Receipts receipts, InboundRecorder recorder, PartnerRegistry registry, KeyRing keys, String ownId,
            String ownCountry) {
        this.receipts = receipts;
        this.recorder = recorder;
        this.registry = registry;
        this.keys = keys;
        this.ownId = ownId;
        this.ownCountry = ownCountry;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Partner partner = registry.require(m.partnerId(), org.cmag.error.ErrorCode.UNKNOWN_SENDER);
        String xml = receipts.issue(m.messageId(), partner.id(), partner.country(), ownId, ownCountry, m.digest(), keys.own(),
                partner.security());
        InboundRecorder.Stored stored = recorder.receive(m, xml);
        // only the copy whose receipt was stored queues the message: a concurrent copy that lost the race answers with it
        m.receipt(stored.receiptXml()).pending(stored.receiptXml().equals(xml)).generation(stored.generation());
    }
}
