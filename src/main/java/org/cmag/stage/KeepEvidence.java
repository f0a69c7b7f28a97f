package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.cmag.crypto.SecureXml;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.OutboundMessage;
import org.cmag.store.EvidenceItem;
import org.w3c.dom.Document;

/**
 * Stages {@code keep-signed-message} (outbound, between {@code sign} and {@code encrypt}: the message as we signed it) and
 * {@code keep-verified-message} (inbound, after {@code validate-message}: the decrypted message whose signature verified):
 * the whole signed document becomes an evidence item of the message in flight. Outbound it is stored by
 * {@code record-outbound} in the transaction that records the message, with its digest on {@code message-sealed}; inbound
 * by {@code update-case} with the message's first claim, with its digest on {@code signature-verified}.
 */
public final class KeepEvidence implements org.apache.camel.Processor {
    private final SecureXml xml;
    private final Clock clock;
    private final EvidenceItem.Direction direction;

    public KeepEvidence(SecureXml xml, Clock clock, EvidenceItem.Direction direction) {
        this.xml = xml;
        this.clock = clock;
        this.direction = direction;
    }

    @Override
    public void process(Exchange exchange) {
        if (direction == EvidenceItem.Direction.OUT) {
            OutboundMessage m = Flight.outbound(exchange);
            m.evidence(item(m.document(), m.messageId(), m.caseId(), m.partnerId()));
        } else {
            InboundMessage m = Flight.inbound(exchange);
            m.evidence(item(m.document(), m.messageId(), m.caseId(), m.partnerId()));
        }
    }

    private EvidenceItem item(Document doc, String messageId, String caseId, String partnerId) {
        return EvidenceItem.of(messageId, caseId, partnerId, direction, EvidenceItem.Kind.MESSAGE,
                new String(xml.serialize(doc), StandardCharsets.UTF_8), clock.instant(), Headers.retentionUntil(doc));
    }
}
