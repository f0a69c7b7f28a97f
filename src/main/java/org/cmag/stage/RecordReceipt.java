package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import java.time.Instant;
import org.cmag.cases.CaseEvent;
import org.cmag.cases.CaseState;
import org.cmag.cases.CaseStore;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;
import org.cmag.store.OutboundStore;

/**
 * Stage {@code record-receipt}: the verified receipt is kept as evidence (with its message's retention date) and the
 * delivery audited, in one transaction.
 */
public final class RecordReceipt implements Processor {
    private final OutboundStore store;
    private final CaseStore cases;
    private final Clock clock;

    public RecordReceipt(OutboundStore store, CaseStore cases, Clock clock) {
        this.store = store;
        this.cases = cases;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        Partner partner = m.partner();
        String id = m.messageId();
        String receipt = new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
        String caseId = m.caseId();
        Instant now = clock.instant();
        boolean request = CaseEvent.ASSISTANCE_REQUEST.name().equals(m.messageType());
        // the audit digest is the receipt's evidence digest (the receipt itself names the digest of what the partner received)
        EvidenceItem evidence = EvidenceItem.of(id, caseId, partner.id(), EvidenceItem.Direction.IN, EvidenceItem.Kind.RECEIPT, receipt, now, null);
        store.recordReceipt(id, receipt, now, partner.channel().name(),
                AuditEvent.ok("receipt-verified", partner.id(), partner.id(), id, caseId, "delivered over " + partner.channel())
                        .withDigest(evidence.digest()),
                c -> {
                    EvidenceStore.insertWithRetentionOf(c, evidence, "outbound_message");
                    // the request's transport receipt moves its case to DELIVERED, unless the partner's acknowledgement came first
                    if (request && cases.stateForUpdate(c, caseId) == CaseState.SUBMITTED) {
                        cases.apply(c, caseId, CaseEvent.TRANSPORT_RECEIPT, partner.id(), id, "IN", partner.id(), now, null);
                    }
                    return null;
                });
    }
}
