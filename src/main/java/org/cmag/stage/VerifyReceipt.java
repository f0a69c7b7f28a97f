package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.CertificateValidator;
import org.cmag.exchange.Receipts;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;

/** Stage {@code verify-receipt}: the partner's signed receipt must verify and name our message and digest. */
public final class VerifyReceipt implements Processor {
    private final Receipts receipts;
    private final KeyRing keys;
    private final CertificateValidator validator;

    public VerifyReceipt(Receipts receipts, KeyRing keys, CertificateValidator validator) {
        this.receipts = receipts;
        this.keys = keys;
        this.validator = validator;
    }

    @Override
    public void process(Exchange exchange) {
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        byte[] receipt = exchange.getMessage().getBody(byte[].class);
        receipts.verify(receipt, validator.signers(keys.partner(partner.id())), partner.security(),
                exchange.getProperty(GatewayHeaders.MESSAGE_ID, String.class), exchange.getProperty(GatewayHeaders.DIGEST, String.class));
        exchange.getMessage().setBody(receipt);
    }
}
