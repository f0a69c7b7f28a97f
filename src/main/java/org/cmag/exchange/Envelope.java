package org.cmag.exchange;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The routing claims of a received, still unverified exchange message: message id, sender, receiver.
 * They only select the partner whose registered keys are then used, and name the receipt; every
 * decision after verification uses the verified header instead.
 */
public record Envelope(String messageId, String senderId, String senderCountry, String receiverId, String digest) {
    private static final String IDENTIFIER = "[A-Za-z0-9._:\\-]{1,70}";

    /** Reads the envelope from a parsed message root. */
    public static Envelope read(Element root) {
        if (!ExchangeCodec.NS.equals(root.getNamespaceURI()) || !"ExchangeMessage".equals(root.getLocalName())) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "The document element must be {" + ExchangeCodec.NS
                    + "}ExchangeMessage, not " + root.getNodeName(), "/" + root.getNodeName());
        }
        Element header = child(root, "Header", "/ExchangeMessage");
        String messageId = text(child(header, "MessageID", "/ExchangeMessage/Header"), "/ExchangeMessage/Header/MessageID");
        if (!messageId.matches(IDENTIFIER)) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "MessageID has characters other than letters, digits and . _ : -",
                    "/ExchangeMessage/Header/MessageID");
        }
        Element sender = child(header, "Sender", "/ExchangeMessage/Header");
        Element receiver = child(header, "Receiver", "/ExchangeMessage/Header");
        return new Envelope(messageId,
                text(child(sender, "AuthorityID", "/ExchangeMessage/Header/Sender"), "/ExchangeMessage/Header/Sender/AuthorityID"),
                text(child(sender, "CountryCode", "/ExchangeMessage/Header/Sender"), "/ExchangeMessage/Header/Sender/CountryCode"),
                text(child(receiver, "AuthorityID", "/ExchangeMessage/Header/Receiver"), "/ExchangeMessage/Header/Receiver/AuthorityID"),
                MessageDigests.canonicalSha256(root));
    }

    private static Element child(Element parent, String name, String at) {
        Element found = null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ExchangeCodec.NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                if (found != null) {
                    throw new GatewayException(ErrorCode.HEADER_INVALID, "Element " + name + " occurs more than once", at + "/" + name);
                }
                found = e;
            }
        }
        if (found == null) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "Element " + name + " is missing", at + "/" + name);
        }
        return found;
    }

    private static String text(Element e, String at) {
        String v = e.getTextContent().strip();
        if (v.isEmpty() || v.length() > 70) {
            throw new GatewayException(ErrorCode.HEADER_INVALID, "Element " + e.getLocalName() + " must have 1 to 70 characters", at);
        }
        return v;
    }
}
