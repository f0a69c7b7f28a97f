package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.flow.InboundMessage;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code prepare-processing}: what goes on the inbound processing queue: only what names the received content
 * (sender, message id, digest; the raw message is in its receipt row, the source of truth), with the broker duplicate id,
 * so a recovery resend while the first is still queued collapses into one.
 */
public final class QueueReceived implements Processor {
    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(GatewayHeaders.MESSAGE_ID, m.messageId());
        out.setHeader(GatewayHeaders.PARTNER_ID, m.partnerId());
        out.setHeader(GatewayHeaders.DIGEST, m.digest());
        out.setHeader(GatewayHeaders.ARTEMIS_DUPLICATE_ID, m.processingDuplicateId());
        out.setBody(m.messageId().getBytes(StandardCharsets.UTF_8));
    }

    /** Stage {@code respond-receipt}: the signed receipt is the answer (issued now, or the original for a retransmission). */
    public void respond(Exchange exchange) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(Flight.inbound(exchange).receipt().getBytes(StandardCharsets.UTF_8));
    }
}
