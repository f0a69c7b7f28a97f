package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code load-received}: the inbound message in flight for processing, from its receipt row: the raw bytes as
 * received are the source of truth, the queued message only names it. A queued id without a receipt row (or whose raw
 * bytes are gone because the message was settled) is refused with {@code record_missing} and dead-lettered.
 */
public final class LoadReceived implements Processor {
    private final InboundRecorder recorder;

    public LoadReceived(InboundRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        InboundMessage m = Flight.startInbound(exchange);
        Integer count = exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class);
        m.deliveryCount(count == null ? 1 : count);
        InboundRecorder.Received r = recorder.load(id).orElseThrow(() -> {
            m.received(id, null, null, null);
            return new GatewayException(ErrorCode.RECORD_MISSING, "Queued inbound message " + id
                    + " has no received record with its content; it is not processed");
        });
        m.received(r.messageId(), r.partnerId(), r.receivedDigest(), r.raw()).generation(r.generation());
    }
}
