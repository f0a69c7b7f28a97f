package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.CertificateValidator;
import org.cmag.gateway.KeyRing;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;

/**
 * Stage {@code select-recipient-certificate}: before anything is signed, the partner's newest currently valid
 * encryption certificate is chosen and checked (path dates, revocation); an expired, revoked or unverifiable one
 * refuses the message here, so nothing is signed, recorded or queued.
 */
public final class SelectRecipientCertificate implements Processor {
    private final KeyRing keys;
    private final CertificateValidator validator;

    public SelectRecipientCertificate(KeyRing keys, CertificateValidator validator) {
        this.keys = keys;
        this.validator = validator;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        m.recipientCertificate(validator.encryptionCertificate(keys.partner(m.partner().id())));
    }
}
