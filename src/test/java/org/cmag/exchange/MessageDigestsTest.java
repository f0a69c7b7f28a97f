package org.cmag.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmag.exchange.TestMessages.XML;
import static org.cmag.exchange.TestMessages.at;
import static org.cmag.exchange.TestMessages.exampleDocument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** The canonical message digest: insensitive to serialisation details, sensitive to content. */
class MessageDigestsTest {

    private static Element reparsed(Node node) {
        return XML.parse(XML.serialize(node)).getDocumentElement();
    }

    /** A deep copy of {@code source} into a new document with every exchange element under {@code prefix}. */
    private static Document withPrefix(Element source, String prefix) {
        Document target = XML.newDocument();
        target.appendChild(copy(source, target, prefix));
        return target;
    }

    private static Node copy(Node n, Document target, String prefix) {
        if (!(n instanceof Element e)) {
            return target.importNode(n, false);
        }
        String qname = ExchangeCodec.NS.equals(e.getNamespaceURI()) ? prefix + ":" + e.getLocalName() : e.getNodeName();
        Element out = target.createElementNS(e.getNamespaceURI(), qname);
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                out.setAttributeNS(a.getNamespaceURI(), a.getName(), a.getValue());
            }
        }
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            out.appendChild(copy(c, target, prefix));
        }
        return out;
    }

    @Test
    void digestIsStableAcrossSerializeAndParse() {
        Element root = exampleDocument().getDocumentElement();
        String digest = MessageDigests.canonicalSha256(root);
        assertThat(MessageDigests.canonicalSha256(reparsed(root))).isEqualTo(digest);
        assertThat(MessageDigests.canonicalSha256(reparsed(reparsed(root)))).isEqualTo(digest);
    }

    /**
     * Exclusive C14N keeps prefixes (C14N 1.0 section 4.5 / exc-c14n section 3): the same element under
     * another prefix is a different canonical form, so a relay must not re-prefix a message - the XML
     * signature over it would break in the same way. Where and how often the namespace is declared
     * does not matter (next tests).
     */
    @Test
    void digestChangesWithTheNamespacePrefixBecauseExclusiveC14nKeepsPrefixes() {
        Element root = exampleDocument().getDocumentElement();
        assertThat(root.getPrefix()).as("example uses the default namespace").isNull();
        Element prefixed = reparsed(withPrefix(root, "cmag"));
        assertThat(prefixed.getPrefix()).isEqualTo("cmag");
        assertThat(prefixed.getNamespaceURI()).isEqualTo(ExchangeCodec.NS);

        assertThat(MessageDigests.canonicalSha256(prefixed)).isNotEqualTo(MessageDigests.canonicalSha256(root));
        assertThat(MessageDigests.canonicalSha256(reparsed(withPrefix(root, "other"))))
                .isNotEqualTo(MessageDigests.canonicalSha256(prefixed));
    }

    @Test
    void digestIsStableUnderAPrefixAcrossSerializeAndParse() {
        Element prefixed = reparsed(withPrefix(exampleDocument().getDocumentElement(), "cmag"));
        assertThat(MessageDigests.canonicalSha256(reparsed(prefixed))).isEqualTo(MessageDigests.canonicalSha256(prefixed));
    }

    @Test
    void digestIgnoresRedundantNamespaceDeclarationsOnChildren() {
        Element prefixed = reparsed(withPrefix(exampleDocument().getDocumentElement(), "cmag"));
        String text = new String(XML.serialize(prefixed), StandardCharsets.UTF_8);
        String declaration = " xmlns:cmag=\"" + ExchangeCodec.NS + "\"";
        String redeclaredText = text.replace("<cmag:Header>", "<cmag:Header" + declaration + ">")
                .replace("<cmag:Body>", "<cmag:Body" + declaration + " xmlns:x=\"urn:unused\">");
        assertThat(redeclaredText).isNotEqualTo(text);
        Element redeclared = XML.parse(redeclaredText.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        assertThat(MessageDigests.canonicalSha256(redeclared)).isEqualTo(MessageDigests.canonicalSha256(prefixed));
    }

    @Test
    void digestIsStableWhenWrappedInAnotherDocumentWithExtraNamespaces() {
        Element root = exampleDocument().getDocumentElement();
        Document soap = XML.newDocument();
        Element env = soap.createElementNS("http://schemas.xmlsoap.org/soap/envelope/", "soap:Envelope");
        env.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:unused", "urn:unused");
        Element body = soap.createElementNS("http://schemas.xmlsoap.org/soap/envelope/", "soap:Body");
        soap.appendChild(env).appendChild(body).appendChild(soap.importNode(root, true));
        Element wrapped = (Element) reparsed(soap).getElementsByTagNameNS(ExchangeCodec.NS, "ExchangeMessage").item(0);
        assertThat(wrapped.getParentNode().getLocalName()).isEqualTo("Body");
        assertThat(MessageDigests.canonicalSha256(wrapped)).isEqualTo(MessageDigests.canonicalSha256(root));
    }

    @Test
    void digestIgnoresCommentsAndUnusedNamespaceDeclarations() {
        Element root = exampleDocument().getDocumentElement();
        String digest = MessageDigests.canonicalSha256(root);
        root.insertBefore(root.getOwnerDocument().createComment("relayed by a SOAP stack"), root.getFirstChild());
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:extra", "urn:extra");
        assertThat(MessageDigests.canonicalSha256(reparsed(root))).isEqualTo(digest);
    }

    @Test
    void digestChangesWhenATextValueChanges() {
        Element root = exampleDocument().getDocumentElement();
        String digest = MessageDigests.canonicalSha256(root);
        Element facts = at(root, "Body/AssistanceRequest/FactsSummary");
        facts.setTextContent(facts.getTextContent() + "x");
        assertThat(MessageDigests.canonicalSha256(root)).isNotEqualTo(digest);
    }

    @Test
    void digestChangesWhenWhitespaceInContentChanges() {
        Element root = exampleDocument().getDocumentElement();
        String digest = MessageDigests.canonicalSha256(root);
        Element purpose = at(root, "Header/Purpose");
        purpose.setTextContent(purpose.getTextContent() + " ");
        assertThat(MessageDigests.canonicalSha256(root)).isNotEqualTo(digest);
    }

    @Test
    void digestChangesWhenAnAttributeChanges() {
        Element root = exampleDocument().getDocumentElement();
        String digest = MessageDigests.canonicalSha256(root);
        root.setAttribute("Id", root.getAttribute("Id") + "0");
        assertThat(MessageDigests.canonicalSha256(root)).isNotEqualTo(digest);
    }

    @Test
    void digestIsSha256OfTheExclusiveCanonicalForm() throws Exception {
        String input = "<x:a xmlns:x=\"urn:t\" xmlns:u=\"urn:unused\" z='2'   b=\"1\"><!-- c --><x:b/>t&amp;<x:c>&#65;</x:c></x:a>";
        String canonical = "<x:a xmlns:x=\"urn:t\" b=\"1\" z=\"2\"><x:b></x:b>t&amp;<x:c>A</x:c></x:a>";
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(MessageDigests.canonicalSha256(XML.parse(input.getBytes(StandardCharsets.UTF_8)).getDocumentElement()))
                .isEqualTo(expected);
    }
}
