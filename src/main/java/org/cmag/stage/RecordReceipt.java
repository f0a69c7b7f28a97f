package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.OutboundStore;

/** Stage {@code record-receipt}: the verified receipt is kept as evidence and the delivery audited. */
public final class RecordReceipt implements Processor {
    private final OutboundStore store;
    private final Clock clock;

    public RecordReceipt(OutboundStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        String id = exchange.getProperty(GatewayHeaders.MESSAGE_ID, String.class);
        String receipt = new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
        store.recordReceipt(id, receipt, clock.instant(), partner.channel().name(),
                AuditEvent.ok("receipt-verified", partner.id(), partner.id(), id,
                        exchange.getProperty(GatewayHeaders.CASE_ID, String.class), "delivered over " + partner.channel())
                        .withDigest(exchange.getProperty(GatewayHeaders.DIGEST, String.class)));
    }
}
