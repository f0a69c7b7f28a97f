package org.cmag.stage;

import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;

/**
 * Stage {@code lookup-receipt}: a retransmission of a message we already hold gets the original receipt back and is not
 * recorded or queued again (the first reception queued it; if a crash cut that short, recovery queues it); a different
 * message under a used message id is a conflict.
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
        Optional<InboundRecorder.Stored> existing = recorder.lookup(m.messageId());
        if (existing.isEmpty()) {
            return;
        }
        InboundRecorder.Stored r = existing.get();
        if (!r.receivedDigest().equals(m.digest())) {
            throw new GatewayException(ErrorCode.DUPLICATE_CONFLICT, "Message id " + m.messageId() + " was already received with another content",
                    "/ExchangeMessage/Header/MessageID");
        }
        audit.append(AuditEvent.ok("duplicate-received", m.partnerId(), m.partnerId(), m.messageId(), null, "original receipt returned")
                .withDigest(m.digest()));
        // not queued again: the first reception queued it (or, if that was cut short, recovery does)
        m.retransmission(true).receipt(r.receiptXml()).generation(r.generation());
    }
}
