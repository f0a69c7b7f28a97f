package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.InboundStore;

/** Stage {@code mark-delivered}: records the national hand-over, closing the de-duplication claim. */
public final class MarkDelivered implements Processor {
    private final InboundStore store;
    private final String nationalQueue;
    private final Clock clock;

    public MarkDelivered(InboundStore store, String nationalQueue, Clock clock) {
        this.store = store;
        this.nationalQueue = nationalQueue;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        store.markDelivered(id, clock.instant(), AuditEvent.ok("delivered-national", "gateway", partner, id,
                m.getHeader(GatewayHeaders.CASE_ID, String.class), "queue " + nationalQueue));
    }
}
