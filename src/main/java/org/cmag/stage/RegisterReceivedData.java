package org.cmag.stage;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HandlingType;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.transfer.DeclarationReferences;
import org.w3c.dom.Element;

/**
 * Stage {@code register-received-data}: before a verified message with declaration data reaches national systems, the
 * received-data register notes which declaration references it carried, from whom, with its onward-transfer label and
 * retention date, so that nothing of it leaves for a third administration without the supplier's consent.
 */
public final class RegisterReceivedData implements Processor {
    private final ReceivedDataRegister register;
    private final Clock clock;

    public RegisterReceivedData(ReceivedDataRegister register, Clock clock) {
        this.register = register;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        List<DeclarationReferences.Reference> refs = DeclarationReferences.of(m.getBody(Element.class));
        if (refs.isEmpty()) {
            return;
        }
        HandlingType handling = exchange.getProperty(ValidateMessage.MESSAGE, ExchangeMessageType.class).getHeader().getHandling();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String type = m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class);
        Instant now = clock.instant();
        List<ReceivedDataRegister.Received> rows = new ArrayList<>();
        for (DeclarationReferences.Reference r : refs) {
            rows.add(new ReceivedDataRegister.Received(id, partner, caseId, type, r.pointer(), r.value(), handling.getOnwardTransfer().value(),
                    handling.getRetentionUntil(), now));
        }
        register.register(id, rows, AuditEvent.ok("received-data-registered", "gateway", partner, id, caseId, rows.size()
                + " declaration references " + refs.stream().map(DeclarationReferences.Reference::pointer).toList() + ", onward transfer "
                + handling.getOnwardTransfer().value() + ", retained until " + handling.getRetentionUntil()));
    }
}
