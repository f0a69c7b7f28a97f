package org.cmag.stage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code load-received}: the inbound message in flight for processing, from its receipt row: the raw bytes as
 * received are the source of truth, the queued message only names it. A queued id without a receipt row is refused with
 * {@code record_missing} and dead-lettered. A copy that need not be processed is skipped (consumed, nothing lost): its
 * message is settled already (the raw copy at the door is gone), or another copy of it is being processed in this
 * gateway right now (repeats that reached the queue together: processing one message twice at once would race its own
 * case changes).
 */
public final class LoadReceived implements Processor {
    private final InboundRecorder recorder;
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    public LoadReceived(InboundRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String partner = exchange.getMessage().getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String digest = exchange.getMessage().getHeader(GatewayHeaders.DIGEST, String.class);
        InboundMessage m = Flight.startInbound(exchange);
        Integer count = exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class);
        m.deliveryCount(count == null ? 1 : count);
        InboundRecorder.Received r = recorder.load(partner, id, digest).orElseThrow(() -> {
            m.received(id, partner, digest, null);
            return new GatewayException(ErrorCode.RECORD_MISSING, "Queued inbound message " + id
                    + " has no received record; it is not processed");
        });
        m.received(r.messageId(), r.partnerId(), r.receivedDigest(), r.raw()).generation(r.generation());
        if (r.raw() == null) {
            m.skip("settled before (" + r.state() + ")");
            return;
        }
        String key = partner + ":" + id + ":" + digest;
        if (!inProgress.add(key)) {
            m.skip("another copy is being processed now");
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                inProgress.remove(key);
            }
        });
    }
}
