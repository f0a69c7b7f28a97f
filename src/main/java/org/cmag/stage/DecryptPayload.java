package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.gateway.KeyRing;
import org.cmag.flow.InboundMessage;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.w3c.dom.Document;

/** Stage {@code decrypt}: the body is decrypted with our key, under the partner's algorithm allow-list. */
public final class DecryptPayload implements Processor {
    private final XmlSecurity security;
    private final SecureXml xml;
    private final PartnerRegistry registry;
    private final KeyRing keys;

    public DecryptPayload(XmlSecurity security, SecureXml xml, PartnerRegistry registry, KeyRing keys) {
        this.security = security;
        this.xml = xml;
        this.registry = registry;
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Partner partner = registry.require(m.partnerId(), ErrorCode.UNKNOWN_SENDER);
        m.partner(partner);
        Document doc = xml.parse(m.raw());
        security.decrypt(doc, keys.own(), partner.security());
        m.document(doc);
    }
}
