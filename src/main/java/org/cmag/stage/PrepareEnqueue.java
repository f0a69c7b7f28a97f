package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsConstants;
import org.cmag.flow.OutboundMessage;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code prepare-enqueue}: the recorded message in its wire form for the partner's queue: the sealed bytes, our
 * routing headers only (nothing of the national request's HTTP headers), the broker duplicate id (a resend by recovery
 * collapses into this send) and the partner's own queue as destination (from the registry, never from message data).
 */
public final class PrepareEnqueue implements Processor {
    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        m.wireHeaders().forEach(out::setHeader);
        out.setHeader(GatewayHeaders.ARTEMIS_DUPLICATE_ID, m.duplicateId());
        out.setHeader(JmsConstants.JMS_DESTINATION_NAME, m.queue());
        out.setBody(m.sealed());
    }
}
