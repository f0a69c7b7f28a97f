package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.flow.InboundMessage;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code prepare-national}: the verified, decrypted message for national systems (the element the signature covers,
 * serialised), with our routing headers only and the broker's duplicate-detection id: a hand-over made again after an
 * interruption is dropped by the broker as a repeat, and it carries the same bytes.
 */
public final class PrepareNationalDelivery implements Processor {
    private final SecureXml xml;

    public PrepareNationalDelivery(SecureXml xml) {
        this.xml = xml;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        m.nationalPayload(xml.serialize(m.verified()));
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(m.nationalPayload());
        out.setHeader(GatewayHeaders.MESSAGE_ID, m.messageId());
        out.setHeader(GatewayHeaders.CASE_ID, m.caseId());
        out.setHeader(GatewayHeaders.PARTNER_ID, m.partnerId());
        out.setHeader(GatewayHeaders.MESSAGE_TYPE, m.messageType());
        if (m.requestType() != null) {
            out.setHeader(GatewayHeaders.REQUEST_TYPE, m.requestType());
        }
        out.setHeader(GatewayHeaders.LEGAL_BASIS, m.legalBasis());
        out.setHeader(GatewayHeaders.PURPOSE, m.purpose());
        out.setHeader(GatewayHeaders.ARTEMIS_DUPLICATE_ID, m.duplicateId());
    }
}
