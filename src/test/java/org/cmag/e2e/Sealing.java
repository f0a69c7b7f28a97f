package org.cmag.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.gateway.Gateway;
import org.cmag.mapping.RequestTranslator;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Builds sealed NL→DE messages the way NL's gateway does, so tests can tamper with them before sending. */
final class Sealing {
    private final Gateway nl;
    private final SecureXml xml = new SecureXml();
    private final XmlSecurity security;
    private final ExchangeCodec codec = new ExchangeCodec();
    private final Clock clock;

    Sealing(Gateway nl) {
        this(nl, Clock.systemUTC());
    }

    /** Seals messages created at {@code clock}'s time (for gateways that run on a moved clock). */
    Sealing(Gateway nl, Clock clock) {
        this.nl = nl;
        this.clock = clock;
        this.security = new XmlSecurity(clock);
    }

    /** An unsealed exchange message NL would send to DE for the given national JSON. */
    ExchangeMessageType message(byte[] nationalJson) {
        Partner de = nl.registry().find("DE").orElseThrow();
        return new RequestTranslator("NL", "NL", clock).translate(new NationalRequestParser().parse(nationalJson), de);
    }

    /** Signs with NL's key and encrypts the body for DE, returning the sealed document. */
    Document seal(ExchangeMessageType message) {
        var signer = nl.keys().own().signer(nl.registry().find("DE").orElseThrow().security().signature(), java.time.Instant.now());
        return seal(message, signer.key(), signer.certificate());
    }

    /** Signs with the given key (its certificate referenced in KeyInfo) and encrypts the body for DE. */
    Document seal(ExchangeMessageType message, java.security.PrivateKey key, java.security.cert.X509Certificate certificate) {
        Partner de = nl.registry().find("DE").orElseThrow();
        Document doc = codec.toDocument(message, xml.newDocument());
        security.sign(doc, key, certificate, de.security());
        Element body = (Element) doc.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
        security.encrypt(doc, body, nl.keys().partner("DE").encryptionCertificate(), de.security());
        return doc;
    }

    String serialize(Document doc) {
        return new String(xml.serialize(doc), StandardCharsets.UTF_8);
    }
}
