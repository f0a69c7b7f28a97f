package org.cmag.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.encryption.Serializer;
import org.apache.xml.security.encryption.XMLEncryptionException;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Turns the element to encrypt into octets and decrypted octets back into one element. Stateless and
 * thread-safe (Santuario's own serializers are neither, and look up a TransformerFactory per cipher).
 *
 * <p>Encryption uses Santuario's "physical" canonicalization, which writes the element exactly as it is in
 * the DOM (namespace declarations inherited from ancestors are not repeated). Decryption therefore parses
 * the octets inside a wrapper element that re-declares the namespaces in scope where the
 * {@code xenc:EncryptedData} sits, with the hardened parser of {@link SecureXml}.
 */
final class PlaintextSerializer implements Serializer {

    private static final String WRAPPER = "cmag-decrypted";

    private final SecureXml secureXml;

    PlaintextSerializer(SecureXml secureXml) {
        this.secureXml = secureXml;
    }

    @Override
    public byte[] serializeToByteArray(Element element) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        // Canonicalizer instances keep per-run state: one per call.
        Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_PHYSICAL).canonicalizeSubtree(element, out);
        return out.toByteArray();
    }

    @Override
    public byte[] serializeToByteArray(NodeList content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        Canonicalizer c14n = Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_PHYSICAL);
        for (int i = 0; i < content.getLength(); i++) {
            c14n.canonicalizeSubtree(content.item(i), out);
        }
        return out.toByteArray();
    }

    @Override
    public Node deserialize(byte[] source, Node ctx) throws XMLEncryptionException, IOException {
        try {
            return deserializeElement(source, ctx);
        } catch (GatewayException e) {
            throw new XMLEncryptionException(e);
        }
    }

    /**
     * Parses decrypted octets that must be exactly one element (whitespace around it is tolerated) and
     * returns it imported into {@code ctx}'s document, not yet attached.
     *
     * @throws GatewayException XML_MALFORMED / XML_FORBIDDEN_CONSTRUCT from the parser, or
     *         DECRYPTION_FAILED when the content is not exactly one element
     */
    Element deserializeElement(byte[] source, Node ctx) {
        Document target = ctx.getNodeType() == Node.DOCUMENT_NODE ? (Document) ctx : ctx.getOwnerDocument();
        Document parsed = secureXml.parse(wrap(source, ctx));
        Element wrapper = parsed.getDocumentElement();
        Element only = null;
        for (Node n = wrapper.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                if (only != null) {
                    throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                            "Decrypted content of xenc:EncryptedData holds more than one element (Type=Element requires exactly one)");
                }
                only = (Element) n;
            } else if (n.getNodeType() != Node.TEXT_NODE || !n.getNodeValue().isBlank()) {
                throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                        "Decrypted content of xenc:EncryptedData holds a " + n.getNodeName()
                                + " node outside the element (Type=Element requires exactly one element)");
            }
        }
        if (only == null) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                    "Decrypted content of xenc:EncryptedData holds no element (Type=Element requires exactly one)");
        }
        return (Element) target.importNode(only, true);
    }

    /** {@code <cmag-decrypted xmlns:..="..">source</cmag-decrypted>} with the namespaces in scope at ctx. */
    private static byte[] wrap(byte[] source, Node ctx) {
        StringBuilder open = new StringBuilder(256).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?><").append(WRAPPER);
        Set<String> seen = new HashSet<>();
        for (Node n = ctx; n != null && n.getNodeType() == Node.ELEMENT_NODE; n = n.getParentNode()) {
            NamedNodeMap attributes = n.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr a = (Attr) attributes.item(i);
                String name = a.getNodeName();
                if (("xmlns".equals(name) || name.startsWith("xmlns:")) && seen.add(name)) {
                    open.append(' ').append(name).append("=\"").append(escapeAttribute(a.getValue())).append('"');
                }
            }
        }
        open.append('>');
        byte[] head = open.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("</" + WRAPPER + ">").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + source.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(source, 0, all, head.length, source.length);
        System.arraycopy(tail, 0, all, head.length + source.length, tail.length);
        return all;
    }

    private static String escapeAttribute(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '"' -> sb.append("&quot;");
                case '\t' -> sb.append("&#9;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
