package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.crypto.SecureXml;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.EvidenceItem;
import org.w3c.dom.Document;

/**
 * Stage {@code keep-verified-message} (after {@code validate-message}): the decrypted message whose signature verified,
 * whole, becomes an evidence item; {@code update-case} stores it with the claim of the message (a first claim only) and
 * puts its digest on the {@code signature-verified} audit record.
 */
public final class KeepVerifiedMessage implements org.apache.camel.Processor {
    private final SecureXml xml;
    private final Clock clock;

    public KeepVerifiedMessage(SecureXml xml, Clock clock) {
        this.xml = xml;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        exchange.setProperty(GatewayHeaders.EVIDENCE, EvidenceItem.of(m.getHeader(GatewayHeaders.MESSAGE_ID, String.class),
                m.getHeader(GatewayHeaders.CASE_ID, String.class), partner.id(), EvidenceItem.Direction.IN, EvidenceItem.Kind.MESSAGE,
                new String(xml.serialize(doc), StandardCharsets.UTF_8), clock.instant(), Headers.retentionUntil(doc)));
    }
}
