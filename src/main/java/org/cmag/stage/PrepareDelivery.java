package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.PartnerRegistry;

/**
 * Stage {@code prepare-delivery}: moves our own headers from the queued message into exchange properties
 * and clears all headers, so nothing internal leaks onto the partner channel.
 */
public final class PrepareDelivery implements Processor {
    private final PartnerRegistry registry;

    public PrepareDelivery(PartnerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        for (String key : new String[] {GatewayHeaders.MESSAGE_ID, GatewayHeaders.CASE_ID, GatewayHeaders.PARTNER_ID, GatewayHeaders.MESSAGE_TYPE,
            GatewayHeaders.DIGEST, GatewayHeaders.LEGAL_BASIS, GatewayHeaders.PURPOSE}) {
            exchange.setProperty(key, m.getHeader(key, String.class));
        }
        exchange.setProperty(GatewayHeaders.PARTNER, registry.require(m.getHeader(GatewayHeaders.PARTNER_ID, String.class),
                org.cmag.error.ErrorCode.UNKNOWN_PARTNER));
        byte[] sealed = m.getBody(byte[].class);
        m.removeHeaders("*");
        m.setBody(sealed);
        m.setHeader(Exchange.CONTENT_TYPE, "application/xml");
    }
}
