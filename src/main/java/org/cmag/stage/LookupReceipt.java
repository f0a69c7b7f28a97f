package org.cmag.stage;

import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;

/**
 * Stage {@code lookup-receipt}: a retransmission of a message we already hold (same sender, id and bytes) gets the original
 * receipt back and is not recorded or queued again (the first reception queued it; if a crash cut that short, recovery
 * queues it). Another content under a used id is not refused here: it gets its own receipt and verification decides
 * (a forgery is rejected and never blocks the genuine message; a second verified content of the sender's id is
 * {@code duplicate_conflict} when it is claimed).
 */
public final class LookupReceipt implements Processor {
    private final InboundRecorder recorder;
    private final AuditLog audit;

    public LookupReceipt(InboundRecorder recorder, AuditLog audit) {
        this.recorder = recorder;
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Optional<InboundRecorder.Stored> existing = recorder.lookup(m.partnerId(), m.messageId(), m.digest());
        if (existing.isEmpty()) {
            return;
        }
        InboundRecorder.Stored r = existing.get();
        audit.append(AuditEvent.ok("duplicate-received", m.partnerId(), m.partnerId(), m.messageId(), null, "original receipt returned")
                .withDigest(m.digest()));
        // not queued again: the first reception queued it (or, if that was cut short, recovery does)
        m.retransmission(true).receipt(r.receiptXml()).generation(r.generation());
    }
}
