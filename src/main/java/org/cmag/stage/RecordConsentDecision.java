package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.exchange.v1.ConsentDecisionType;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.ReceivedDataRegister;

/**
 * Stage {@code record-consent-decision}: a partner's ConsentDecision on one of our ONWARD_TRANSFER consent requests is
 * recorded against it (GRANTED and GRANTED_WITH_CONDITIONS then let the data named go to the recipient named). A decision
 * on anything else is delivered to national systems as usual and audited as not matching.
 */
public final class RecordConsentDecision implements Processor {
    private final ReceivedDataRegister register;
    private final Clock clock;

    public RecordConsentDecision(ReceivedDataRegister register, Clock clock) {
        this.register = register;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        ConsentDecisionType d = exchange.getProperty(ValidateMessage.MESSAGE, ExchangeMessageType.class).getBody().getConsentDecision();
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String partner = m.getHeader(GatewayHeaders.PARTNER_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String decision = d.getDecision().value();
        register.consentDecided(d.getRequestRef(), partner, decision, id, clock.instant(),
                AuditEvent.ok("consent-decided", partner, partner, id, caseId, decision + " on onward-transfer consent request "
                        + d.getRequestRef() + (d.getCondition().isEmpty() ? "" : " with " + d.getCondition().size() + " conditions")),
                AuditEvent.ok("consent-decision-unmatched", "gateway", partner, id, caseId, decision + " on " + d.getRequestRef()
                        + ", which is no open onward-transfer consent request of ours to " + partner));
    }
}
