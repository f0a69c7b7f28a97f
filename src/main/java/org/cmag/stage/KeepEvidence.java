package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.crypto.SecureXml;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.EvidenceItem;
import org.cmag.store.EvidenceStore;
import org.w3c.dom.Document;

/**
 * Stages {@code keep-signed-message} (outbound, between {@code sign} and {@code encrypt}: the message as we signed it) and
 * {@code keep-verified-message} (inbound, after {@code validate-message}: the decrypted message whose signature verified):
 * the whole signed document becomes an evidence item. Outbound it is stored by {@code record-outbound} in the transaction
 * that records the message, with its digest on {@code message-sealed}; inbound by {@code update-case} with the message's
 * first claim, with its digest on {@code signature-verified}.
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
        Message m = exchange.getMessage();
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        EvidenceItem item = EvidenceItem.of(m.getHeader(GatewayHeaders.MESSAGE_ID, String.class), m.getHeader(GatewayHeaders.CASE_ID, String.class),
                partner.id(), direction, EvidenceItem.Kind.MESSAGE, new String(xml.serialize(doc), StandardCharsets.UTF_8), clock.instant(),
                Headers.retentionUntil(doc));
        exchange.setProperty(GatewayHeaders.EVIDENCE, item);
        if (direction == EvidenceItem.Direction.OUT) {
            RecordOutbound.alsoInTransaction(exchange, c -> {
                EvidenceStore.insert(c, item);
                return null;
            });
        }
    }
}
