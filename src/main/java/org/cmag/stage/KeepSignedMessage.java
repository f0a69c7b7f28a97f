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
 * Stage {@code keep-signed-message} (between {@code sign} and {@code encrypt}): the signed exchange message, as we signed
 * it, becomes an evidence item, stored by {@code record-outbound} in the transaction that records the message; its digest
 * is the {@code message-sealed} audit record's digest.
 */
public final class KeepSignedMessage implements org.apache.camel.Processor {
    private final SecureXml xml;
    private final Clock clock;

    public KeepSignedMessage(SecureXml xml, Clock clock) {
        this.xml = xml;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        EvidenceItem item = EvidenceItem.of(m.getHeader(GatewayHeaders.MESSAGE_ID, String.class), m.getHeader(GatewayHeaders.CASE_ID, String.class),
                partner.id(), EvidenceItem.Direction.OUT, EvidenceItem.Kind.MESSAGE, new String(xml.serialize(doc), StandardCharsets.UTF_8),
                clock.instant(), Headers.retentionUntil(doc));
        exchange.setProperty(GatewayHeaders.EVIDENCE, item);
        RecordOutbound.alsoInTransaction(exchange, c -> {
            EvidenceStore.insert(c, item);
            return null;
        });
    }
}
