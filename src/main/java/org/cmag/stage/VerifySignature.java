package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.XmlSecurity;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Stage {@code verify}: the signature must verify with the partner's registered certificate (never a key
 * from the message); from here on only the verified element is processed.
 */
public final class VerifySignature implements Processor {
    private final XmlSecurity security;
    private final KeyRing keys;

    public VerifySignature(XmlSecurity security, KeyRing keys) {
        this.security = security;
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        Element verified = security.verify(doc, keys.partner(partner.id()).signingCertificate(), partner.security());
        exchange.getMessage().setBody(verified);
    }
}
