package org.cmag.stage;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.cmag.store.AuditEvent;
import org.cmag.transfer.OnwardTransferCheck;

/**
 * Stage {@code check-onward-transfer}: the last check before anything is signed, passed by every outgoing message
 * (requests, national answers and actions, automatic replies). Declaration data received from another administration
 * leaves for a third one only under that administration's consent; otherwise {@code onward_transfer_not_permitted}.
 * The consents used are audited with the message.
 */
public final class CheckOnwardTransfer implements Processor {
    private final OnwardTransferCheck check;

    public CheckOnwardTransfer(OnwardTransferCheck check) {
        this.check = check;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        Partner partner = m.partner();
        List<OnwardTransferCheck.Permitted> permitted = check.check(m.document(), partner.id());
        for (OnwardTransferCheck.Permitted p : permitted) {
            m.onwardTransfers().add(AuditEvent.ok("onward-transfer-consented", "gateway", partner.id(), m.messageId(), m.caseId(),
                    p.describe()));
        }
    }
}
