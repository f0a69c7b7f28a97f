package org.cmag.stage;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.transfer.OnwardTransferCheck;
import org.w3c.dom.Document;

/**
 * Stage {@code check-onward-transfer}: the last check before anything is signed, passed by every outgoing message
 * (requests, national answers and actions, automatic replies). Declaration data received from another administration
 * leaves for a third one only under that administration's consent; otherwise {@code onward_transfer_not_permitted}.
 * The consents used are audited with the message.
 */
public final class CheckOnwardTransfer implements Processor {
    private final OnwardTransferCheck check;
    private final AuditLog audit;

    public CheckOnwardTransfer(OnwardTransferCheck check, AuditLog audit) {
        this.check = check;
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        List<OnwardTransferCheck.Permitted> permitted = check.check(exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class), partner.id());
        if (permitted.isEmpty()) {
            return;
        }
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        AuditEvent[] events = permitted.stream().map(p -> AuditEvent.ok("onward-transfer-consented", "gateway", partner.id(), id, caseId,
                p.describe())).toArray(AuditEvent[]::new);
        RecordOutbound.alsoInTransaction(exchange, c -> {
            audit.append(c, events);
            return null;
        });
    }
}
