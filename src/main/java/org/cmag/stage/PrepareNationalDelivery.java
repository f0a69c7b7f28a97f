package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.messaging.GatewayHeaders;
import org.w3c.dom.Element;

/**
 * Stage {@code prepare-national}: the verified, decrypted message for the national queue, with our
 * routing headers and the broker's duplicate-detection id (a repeat after an interrupted delivery is dropped).
 */
public final class PrepareNationalDelivery implements Processor {
    private final SecureXml xml;

    public PrepareNationalDelivery(SecureXml xml) {
        this.xml = xml;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        m.setBody(xml.serialize(m.getBody(Element.class)));
        m.setHeader(GatewayHeaders.ARTEMIS_DUPLICATE_ID, m.getHeader(GatewayHeaders.MESSAGE_ID, String.class));
        m.removeHeaders("*", "Gw*", GatewayHeaders.ARTEMIS_DUPLICATE_ID);
    }
}
