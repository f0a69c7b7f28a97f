package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.exchange.v1.ConsentDecisionType;
import org.cmag.flow.InboundMessage;
import org.cmag.store.AuditEvent;

/**
 * Stage {@code record-consent-decision}: a partner's ConsentDecision on one of our ONWARD_TRANSFER consent requests, noted on
 * the message in flight and recorded against the request with its claim ({@code update-case}): GRANTED and
 * GRANTED_WITH_CONDITIONS then let the data named go to the recipient named. A decision on anything else is delivered to
 * national systems as usual and audited as not matching.
 */
public final class NoteConsentDecision implements Processor {
    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        ConsentDecisionType d = m.message().getBody().getConsentDecision();
        if (d == null) {
            return;
        }
        String decision = d.getDecision().value();
        m.consentDecision(new InboundMessage.ConsentDecision(d.getRequestRef(), decision,
                AuditEvent.ok("consent-decided", m.partnerId(), m.partnerId(), m.messageId(), m.caseId(), decision
                        + " on onward-transfer consent request " + d.getRequestRef()
                        + (d.getCondition().isEmpty() ? "" : " with " + d.getCondition().size() + " conditions")),
                AuditEvent.ok("consent-decision-unmatched", "gateway", m.partnerId(), m.messageId(), m.caseId(), decision + " on "
                        + d.getRequestRef() + ", which is no open onward-transfer consent request of ours to " + m.partnerId())));
    }
}
