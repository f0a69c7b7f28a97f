package org.cmag.stage;

import java.security.cert.X509Certificate;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.MessageDigests;
import org.cmag.gateway.KeyRing;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Stage {@code encrypt}: the signed Body is encrypted for the partner's encryption certificate chosen and checked
 * by {@code select-recipient-certificate} (sign-then-encrypt). The sealed message becomes the body, with its canonical digest.
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
        OutboundMessage m = Flight.outbound(exchange);
        Document doc = m.document();
        Partner partner = m.partner();
        Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
        X509Certificate recipient = m.recipientCertificate();
        if (recipient == null || !keys.partner(partner.id()).encryptionCertificates().contains(recipient)) {
            throw new GatewayException(ErrorCode.INTERNAL, "No checked encryption certificate of " + partner.id()
                    + " was selected before encryption (select-recipient-certificate)");
        }
        security.encrypt(doc, body, recipient, partner.security());
        m.sealed(xml.serialize(doc), MessageDigests.canonicalSha256(doc.getDocumentElement()));
    }
}
