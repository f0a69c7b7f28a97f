package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.AgreementTerms;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/**
 * Stage {@code check-outbound-agreement}, the first step of sealing: every message we send — a national request, a
 * national answer or action, or one of the gateway's own (acknowledgement, refusal, reminder) — must be sent while the
 * agreement is in force and be of a type the agreement permits outbound. Checked on the message that is about to be
 * signed (its Header/MessageType), so nothing outside the agreement is signed, recorded or queued.
 */
public final class CheckOutboundAgreement implements Processor {
    private final Clock clock;

    public CheckOutboundAgreement(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        Partner partner = m.partner();
        Document doc = m.document();
        if (partner == null || doc == null) {
            throw new GatewayException(ErrorCode.INTERNAL, "Nothing to seal: no partner or message on the exchange");
        }
        AgreementTerms.requireOutbound(partner, messageType(doc), clock.instant());
    }

    /** The Header/MessageType of a built exchange message. */
    static String messageType(Document doc) {
        Node n = doc.getElementsByTagNameNS(ExchangeCodec.NS, "MessageType").item(0);
        return n == null ? null : n.getTextContent().strip();
    }
}
