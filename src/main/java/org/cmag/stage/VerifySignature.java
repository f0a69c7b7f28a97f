package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.CertificateValidator;
import org.cmag.crypto.XmlSecurity;
import org.cmag.gateway.KeyRing;
import org.cmag.flow.InboundMessage;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Stage {@code verify}: the signature must verify with one of the partner's registered signing certificates (never a
 * key from the message; the KeyInfo only selects among them), and that certificate must be valid now, chain to the
 * partner's trust anchors and not be revoked; from here on only the verified element is processed.
 */
public final class VerifySignature implements Processor {
    private final XmlSecurity security;
    private final KeyRing keys;
    private final CertificateValidator validator;

    public VerifySignature(XmlSecurity security, KeyRing keys, CertificateValidator validator) {
        this.security = security;
        this.keys = keys;
        this.validator = validator;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        Partner partner = m.partner();
        m.verified(security.verify(m.document(), validator.signers(keys.partner(partner.id())), partner.security()));
    }
}
