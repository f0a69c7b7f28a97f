package org.cmag.transfer;

import java.util.ArrayList;
import java.util.List;
import org.cmag.exchange.ExchangeCodec;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The references that identify declaration data in an exchange message: the {@code ID} and {@code FunctionalReferenceID}
 * of every WCO {@code Declaration} (and {@code FullDeclaration} of an attached WCO response), each with the pointer of
 * the element in the message. The received-data register and the onward-transfer check both key on them.
 */
public final class DeclarationReferences {
    private static final String[] DECLARATIONS = {"Declaration", "FullDeclaration"};
    private static final String[] REFERENCES = {"ID", "FunctionalReferenceID"};

    private DeclarationReferences() {}

    /** One reference: where it is ({@code /ExchangeMessage/Body/PartialResponse/Declaration[1]/ID}) and its value. */
    public record Reference(String pointer, String value) {}

    /** The references carried under {@code root} (an exchange message element or document), in document order. */
    public static List<Reference> of(Node root) {
        List<Reference> out = new ArrayList<>();
        for (String name : DECLARATIONS) {
            NodeList list = root instanceof org.w3c.dom.Document d ? d.getElementsByTagNameNS(ExchangeCodec.NS, name)
                    : ((Element) root).getElementsByTagNameNS(ExchangeCodec.NS, name);
            for (int i = 0; i < list.getLength(); i++) {
                Element declaration = (Element) list.item(i);
                for (Node n = declaration.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e && ExchangeCodec.NS.equals(e.getNamespaceURI()) && isReference(e.getLocalName())) {
                        String value = e.getTextContent().trim();
                        if (!value.isEmpty()) {
                            out.add(new Reference(pointer(e), value));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean isReference(String name) {
        for (String r : REFERENCES) {
            if (r.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /A/B[2]/C}: element names from the root, with the position among same-named siblings where there are several. */
    static String pointer(Element e) {
        StringBuilder sb = new StringBuilder();
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
            int index = 0;
            int count = 0;
            for (Node s = el.getParentNode() == null ? null : el.getParentNode().getFirstChild(); s != null; s = s.getNextSibling()) {
                if (s instanceof Element se && se.getLocalName().equals(el.getLocalName())) {
                    count++;
                    if (se == el) {
                        index = count;
                    }
                }
            }
            sb.insert(0, count > 1 || el.getLocalName().endsWith("Declaration") && el.getParentNode() instanceof Element
                    ? "/" + el.getLocalName() + "[" + index + "]" : "/" + el.getLocalName());
        }
        return sb.toString();
    }
}
