package org.cmag.stage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.exchange.v1.HeaderType;
import org.cmag.flow.InboundMessage;
import org.cmag.policy.Partner;

/**
 * Stage {@code validate}: the verified element against the exchange schema, then the verified header
 * against what the transport claimed: same sender (the signer's administration), addressed to us, same
 * message id, and fresh (created within the window, not expired).
 */
public final class ValidateMessage implements Processor {
    private final ExchangeCodec codec;
    private final String ownId;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration maxSkew;

    public ValidateMessage(ExchangeCodec codec, String ownId, Clock clock, Duration maxAge, Duration maxSkew) {
        this.codec = codec;
        this.ownId = ownId;
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxSkew = maxSkew;
    }

    @Override
    public void process(Exchange exchange) {
        InboundMessage m = Flight.inbound(exchange);
        // deliver what was signed: exclusive c14n leaves comments and processing instructions out of the signature, so
        // text split by one (<AuthorityID>D<!---->E</AuthorityID>) would reach national systems unsigned - refused
        requireNoUnsignedNodes(m.verified(), "/ExchangeMessage");
        ExchangeMessageType message = codec.readMessage(m.verified());
        HeaderType h = message.getHeader();
        Partner partner = m.partner();
        if (!partner.id().equals(h.getSender().getAuthorityID())) {
            throw new GatewayException(ErrorCode.SENDER_MISMATCH, "Signed header names sender " + h.getSender().getAuthorityID()
                    + " but the message was signed by " + partner.id(), "/ExchangeMessage/Header/Sender/AuthorityID");
        }
        if (!partner.country().equals(h.getSender().getCountryCode())) {
            throw new GatewayException(ErrorCode.SENDER_MISMATCH, "Signed header names sender country " + h.getSender().getCountryCode()
                    + " but the signer " + partner.id() + " is registered for " + partner.country(), "/ExchangeMessage/Header/Sender/CountryCode");
        }
        if (!ownId.equals(h.getReceiver().getAuthorityID())) {
            throw new GatewayException(ErrorCode.WRONG_RECEIVER, "Signed header names receiver " + h.getReceiver().getAuthorityID(),
                    "/ExchangeMessage/Header/Receiver/AuthorityID");
        }
        if (!h.getMessageID().equals(m.messageId())) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "Signed MessageID differs from the one the receipt was issued for",
                    "/ExchangeMessage/Header/MessageID");
        }
        Instant now = clock.instant();
        Instant created = h.getCreated().toInstant();
        if (created.isAfter(now.plus(maxSkew)) || created.isBefore(now.minus(maxAge))) {
            throw new GatewayException(ErrorCode.MESSAGE_STALE, "Created " + created + " is outside the accepted window around " + now,
                    "/ExchangeMessage/Header/Created");
        }
        if (h.getExpiresAt() != null && h.getExpiresAt().toInstant().isBefore(now.minus(maxSkew))) {
            throw new GatewayException(ErrorCode.MESSAGE_STALE, "The message expired at " + h.getExpiresAt(), "/ExchangeMessage/Header/ExpiresAt");
        }
        var inBody = org.cmag.protocol.MessageTypes.inBody(message.getBody());
        if (inBody.size() != 1 || inBody.get(0) != h.getMessageType()) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "Header MessageType " + h.getMessageType().value()
                    + " does not match the body " + inBody, "/ExchangeMessage/Header/MessageType");
        }
        m.validated(message, h.getConversationID(), h.getMessageType().value(),
                message.getBody().getAssistanceRequest() == null ? null : message.getBody().getAssistanceRequest().getRequestType().value(),
                Headers.legalBasis(h.getLegalBasis().getInstrument(), h.getLegalBasis().getArticle()), String.join("; ", h.getPurpose()));
    }

    /** Refuses a comment or processing instruction anywhere in the signed content (the signature does not cover them). */
    static void requireNoUnsignedNodes(org.w3c.dom.Node node, String path) {
        for (org.w3c.dom.Node n = node.getFirstChild(); n != null; n = n.getNextSibling()) {
            short type = n.getNodeType();
            if (type == org.w3c.dom.Node.COMMENT_NODE || type == org.w3c.dom.Node.PROCESSING_INSTRUCTION_NODE) {
                throw new GatewayException(ErrorCode.XML_FORBIDDEN_CONSTRUCT, "The signed message contains a "
                        + (type == org.w3c.dom.Node.COMMENT_NODE ? "comment" : "processing instruction")
                        + ", which its signature does not cover; it is not delivered", path);
            }
            if (type == org.w3c.dom.Node.ELEMENT_NODE) {
                requireNoUnsignedNodes(n, path + "/" + n.getLocalName());
            }
        }
    }
}
