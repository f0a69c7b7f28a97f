package org.cmag.stage;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.exchange.v1.HandlingType;
import org.cmag.flow.InboundMessage;
import org.cmag.store.AuditEvent;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.transfer.DeclarationReferences;

/**
 * Stage {@code register-received-data}: what a partner sent us of declarations and what it allowed us to pass on
 * (onward transfer, retention), noted on the message in flight and registered with its claim ({@code update-case}), before
 * national systems get it; a request the gateway refuses itself registers nothing.
 */
public final class NoteReceivedData implements Processor {
    private final Clock clock;

    public NoteReceivedData(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        List<DeclarationReferences.Reference> refs = DeclarationReferences.of(m.verified());
        if (refs.isEmpty() || m.refused()) {
            return;
        }
        HandlingType handling = m.message().getHeader().getHandling();
        Instant now = clock.instant();
        List<ReceivedDataRegister.Received> rows = new ArrayList<>();
        for (DeclarationReferences.Reference r : refs) {
            rows.add(new ReceivedDataRegister.Received(m.messageId(), m.partnerId(), m.caseId(), m.messageType(), r.pointer(), r.value(),
                    handling.getOnwardTransfer().value(), handling.getRetentionUntil(), now));
        }
        m.receivedData(rows, AuditEvent.ok("received-data-registered", "gateway", m.partnerId(), m.messageId(), m.caseId(), rows.size()
                + " declaration references " + refs.stream().map(DeclarationReferences.Reference::pointer).toList() + ", onward transfer "
                + handling.getOnwardTransfer().value() + ", retained until " + handling.getRetentionUntil()));
    }
}
