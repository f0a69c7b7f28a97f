package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.MessageDigests;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Stage {@code encrypt}: the signed Body is encrypted for the partner's registered encryption certificate
 * (sign-then-encrypt). The sealed message becomes the body, with its canonical digest.
 */
public final class EncryptMessage implements Processor {
    private final XmlSecurity security;
    private final KeyRing keys;
    private final SecureXml xml;

    public EncryptMessage(XmlSecurity security, KeyRing keys, SecureXml xml) {
        this.security = security;
        this.keys = keys;
        this.xml = xml;
    }

    @Override
    public void process(Exchange exchange) {
        Document doc = exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class);
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
        security.encrypt(doc, body, keys.partner(partner.id()).encryptionCertificate(), partner.security());
        exchange.getMessage().setHeader(GatewayHeaders.DIGEST, MessageDigests.canonicalSha256(doc.getDocumentElement()));
        exchange.getMessage().setBody(xml.serialize(doc));
        exchange.removeProperty(GatewayHeaders.DOCUMENT);
    }
}
