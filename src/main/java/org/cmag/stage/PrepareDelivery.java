package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.OutboundMessage;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.OutboundStore;

/**
 * Stage {@code prepare-delivery}: the queued message becomes the outbound message in flight (our own headers read, then
 * all headers cleared, so nothing internal leaks onto the partner channel), checked against its record: a message already
 * delivered, failed or dead-lettered (a repeat sent by recovery, a redelivery after a crash) is settled and not sent
 * again; a queued message whose record is missing is refused ({@code record_missing}, dead-lettered with the reason).
 */
public final class PrepareDelivery implements Processor {
    private final PartnerRegistry registry;
    private final OutboundStore store;
    private final String queuePrefix;

    public PrepareDelivery(PartnerRegistry registry, OutboundStore store, String queuePrefix) {
        this.registry = registry;
        this.store = store;
        this.queuePrefix = queuePrefix;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        OutboundMessage m = Flight.startOutbound(exchange);
        m.identify(in.getHeader(GatewayHeaders.MESSAGE_ID, String.class), in.getHeader(GatewayHeaders.CASE_ID, String.class),
                        in.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class), null, in.getHeader(GatewayHeaders.LEGAL_BASIS, String.class),
                        in.getHeader(GatewayHeaders.PURPOSE, String.class))
                .sealed(in.getBody(byte[].class), in.getHeader(GatewayHeaders.DIGEST, String.class));
        m.partner(registry.require(in.getHeader(GatewayHeaders.PARTNER_ID, String.class), ErrorCode.UNKNOWN_PARTNER));
        m.queue(m.partner().outboundQueue(queuePrefix));
        Integer count = in.getHeader("JMSXDeliveryCount", Integer.class);
        m.deliveryCount(count == null ? 1 : count);
        OutboundStore.Pending row = store.pending(m.messageId()).orElseThrow(() -> new GatewayException(ErrorCode.RECORD_MISSING,
                "Queued message " + m.messageId() + " to " + m.partnerId() + " has no outbound record; it is not delivered"));
        m.status(row.status()).generation(row.generation());
        in.removeHeaders("*");
        in.setBody(m.sealed());
        in.setHeader(Exchange.CONTENT_TYPE, "application/xml");
    }
}
