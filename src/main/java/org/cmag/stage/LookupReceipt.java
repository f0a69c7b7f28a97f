package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.InboundStore;

/**
 * Stage {@code lookup-receipt}: a retransmission of a message we already hold gets the original receipt
 * back and is not queued again; a different message under a used message id is a conflict.
 */
public final class LookupReceipt implements Processor {
    private final InboundStore store;

    public LookupReceipt(InboundStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String digest = m.getHeader(GatewayHeaders.DIGEST, String.class);
        Optional<InboundStore.IssuedReceipt> existing = store.findReceipt(id);
        if (existing.isEmpty()) {
            m.setHeader(GatewayHeaders.DUPLICATE, false);
            return;
        }
        InboundStore.IssuedReceipt r = existing.get();
        if (!r.receivedDigest().equals(digest)) {
            throw new GatewayException(ErrorCode.DUPLICATE_CONFLICT, "Message id " + id + " was already received with another content",
                    "/ExchangeMessage/Header/MessageID");
        }
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        store.audit(AuditEvent.ok("duplicate-received", partner, partner, id, null, "original receipt returned").withDigest(digest));
        m.setHeader(GatewayHeaders.DUPLICATE, true);
        m.setBody(r.receiptXml().getBytes(StandardCharsets.UTF_8));
    }
}
