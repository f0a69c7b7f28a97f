package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.InboundRecorder;

/**
 * Stage {@code mark-queued-national}: the message is on the national queue and/or the national callback queue (committed
 * with this processing's transaction): QUEUED_NATIONAL, audited {@code national-queued}. DELIVERED follows when the callback
 * answers 2xx or a national consumer takes it.
 */
public final class MarkQueuedNational implements Processor {
    private final InboundRecorder recorder;
    private final String where;

    public MarkQueuedNational(InboundRecorder recorder, String where) {
        this.recorder = recorder;
        this.where = where;
    }

    @Override
    public void process(Exchange exchange) {
        recorder.handedOver(Flight.inbound(exchange), where);
    }
}
