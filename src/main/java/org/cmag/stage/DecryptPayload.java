package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.GatewayHeaders;
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
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        exchange.setProperty(GatewayHeaders.RAW, raw);
        Partner partner = registry.require(exchange.getMessage().getHeader(GatewayHeaders.PARTNER_ID, String.class), ErrorCode.UNKNOWN_SENDER);
        exchange.setProperty(GatewayHeaders.PARTNER, partner);
        Document doc = xml.parse(raw);
        security.decrypt(doc, keys.own(), partner.security());
        exchange.setProperty(GatewayHeaders.DOCUMENT, doc);
    }
}
