package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.OutboundRecorder;

/**
 * Stage {@code record-outbound}: the sealed message, the case change it causes, its evidence and audit trail (and what the
 * sealing steps found) committed in one transaction by the {@link OutboundRecorder} before the message is queued: from here
 * on recovery sends it even if the process dies before the enqueue.
 */
public final class RecordOutbound implements Processor {
    private final OutboundRecorder recorder;

    public RecordOutbound(OutboundRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) {
        recorder.record(Flight.outbound(exchange));
    }
}
