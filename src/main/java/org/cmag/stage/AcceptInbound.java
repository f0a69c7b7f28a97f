package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.Envelope;
import org.cmag.flow.InboundMessage;
import org.cmag.policy.PartnerRegistry;

/**
 * Stage {@code check-envelope}: size limit, hardened parse, and the routing claims (registered sender, addressed to us):
 * the inbound message in flight starts here. Nothing here is trusted beyond choosing which partner's keys to use later.
 */
public final class AcceptInbound implements Processor {
    private final SecureXml xml;
    private final PartnerRegistry registry;
    private final String ownId;
    private final int maxBytes;

    public AcceptInbound(SecureXml xml, PartnerRegistry registry, String ownId, int maxBytes) {
        this.xml = xml;
        this.registry = registry;
        this.ownId = ownId;
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        byte[] raw = m.getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw new GatewayException(ErrorCode.XML_MALFORMED, "The message is empty");
        }
        if (raw.length > maxBytes) {
            throw new GatewayException(ErrorCode.MESSAGE_TOO_LARGE, "The message has " + raw.length + " bytes; the limit is " + maxBytes);
        }
        Envelope env = Envelope.read(xml.parse(raw).getDocumentElement());
        InboundMessage in = Flight.startInbound(exchange).received(env.messageId(), null, env.digest(), raw);
        if (registry.find(env.senderId()).isEmpty()) {
            throw new GatewayException(ErrorCode.UNKNOWN_SENDER, "Sender '" + env.senderId() + "' is not a registered partner",
                    "/ExchangeMessage/Header/Sender/AuthorityID");
        }
        in.received(env.messageId(), env.senderId(), env.digest(), raw);
        if (!ownId.equals(env.receiverId())) {
            throw new GatewayException(ErrorCode.WRONG_RECEIVER, "The message is addressed to '" + env.receiverId() + "', this gateway is "
                    + ownId, "/ExchangeMessage/Header/Receiver/AuthorityID");
        }
    }
}
