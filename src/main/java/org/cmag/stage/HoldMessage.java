package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.HoldRecorder;

/**
 * Stage {@code hold-request} / {@code hold-case-message}: the agreement holds this message for manual release. The
 * translated and minimised message is stored unsigned with what sealing it later needs ({@link HoldRecorder}); nothing is
 * signed, queued or sent, and no case changes.
 */
public final class HoldMessage implements Processor {
    private final HoldRecorder recorder;

    public HoldMessage(HoldRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) {
        recorder.hold(Flight.outbound(exchange));
    }
}
