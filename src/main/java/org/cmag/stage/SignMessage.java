package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.SigningKey;
import org.cmag.crypto.XmlSecurity;
import org.cmag.gateway.KeyRing;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;

/**
 * Stage {@code sign}: enveloped XML Signature over the whole exchange message with our signing key of the kind the
 * agreement's signature algorithm needs.
 */
public final class SignMessage implements Processor {
    private final XmlSecurity security;
    private final KeyRing keys;
    private final java.time.Clock clock;

    public SignMessage(XmlSecurity security, KeyRing keys, java.time.Clock clock) {
        this.security = security;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        security.sign(m.document(), keys.own(), m.partner().security());
    }
}
