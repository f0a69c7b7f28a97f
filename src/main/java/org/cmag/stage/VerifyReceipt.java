package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.crypto.CertificateValidator;
import org.cmag.exchange.Receipts;
import org.cmag.flow.OutboundMessage;
import org.cmag.gateway.KeyRing;

/**
 * Stage {@code verify-receipt}: the partner's signed receipt must verify with the partner's registered certificate and
 * name exactly our message id and the digest of what we sent.
 */
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
        OutboundMessage m = Flight.outbound(exchange);
        byte[] receipt = exchange.getMessage().getBody(byte[].class);
        receipts.verify(receipt, validator.signers(keys.partner(m.partnerId())), m.partner().security(), m.messageId(), m.sealedDigest());
        exchange.getMessage().setBody(receipt);
    }
}
