package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;

/**
 * Stage {@code update-case}: the commit point of inbound processing ({@link InboundRecorder#claim}): the verified message
 * id claimed once, with the case change, the evidence, the received-data register, a consent decision and the audit trail
 * of the checks. Processing of a message claimed before (a redelivery after a crash, a recovery) records nothing again;
 * it makes the hand-over again unless that was completed ({@code duplicate-dropped}).
 */
public final class UpdateCase implements Processor {
    private final InboundRecorder recorder;
    private final AuditLog audit;

    public UpdateCase(InboundRecorder recorder, AuditLog audit) {
        this.recorder = recorder;
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        InboundMessage.Claim claim = recorder.claim(m);
        if (claim == InboundMessage.Claim.RESUMED) {
            audit.append(AuditEvent.ok("processing-resumed", "gateway", m.partnerId(), m.messageId(), m.caseId(),
                    "claimed before (" + m.nationalStatus() + "); the hand-over is made again, repeats are dropped by the broker")
                    .withDigest(m.digest()));
        } else if (claim == InboundMessage.Claim.DONE) {
            audit.append(AuditEvent.ok("duplicate-dropped", "gateway", m.partnerId(), m.messageId(), m.caseId(),
                    "already " + m.nationalStatus()).withDigest(m.digest()));
        }
    }
}
