package org.cmag.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmag.exchange.ExchangeCodec;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Free-text guard: goods descriptions, additional information and marks can carry personal data that no field rule
 * sees (names, e-mail addresses, phone numbers, identifiers). Each free-text value that leaves is scanned for e-mail
 * addresses, phone numbers and identifiers of persons or operators (EORI/TIN-like codes); the agreement decides whether
 * such a value is dropped, masked (the finding replaced) or the whole message held for manual release (left unchanged
 * here; the caller stores the message for a legal officer instead of sending it).
 */
public final class FreeTextGuard {
    /** What the agreement does with a free-text value that contains personal data. */
    public enum Action {
        DROP,
        MASK,
        HOLD
    }

    /** One finding (kind, WCO element and its pointer in the message, never the value). */
    public record Finding(String element, String kind, String pointer) {}

    static final Set<String> FREE_TEXT = Set.of("Description", "StatementDescription", "MarksNumbersID", "Content");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern PHONE = Pattern.compile("(?<![A-Za-z0-9])\\+?[0-9][0-9 ()/-]{6,}[0-9](?![A-Za-z0-9])");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}[0-9]{8,15}(?![A-Za-z0-9])");

    /** Scans and treats every free-text element under {@code root}; returns the findings. */
    public List<Finding> apply(Element root, Action action) {
        List<Finding> findings = new ArrayList<>();
        List<Element> texts = new ArrayList<>();
        for (String name : FREE_TEXT) {
            NodeList list = root.getElementsByTagNameNS(ExchangeCodec.NS, name);
            for (int i = 0; i < list.getLength(); i++) {
                texts.add((Element) list.item(i));
            }
        }
        for (Element e : texts) {
            String v = e.getTextContent();
            String masked = v;
            for (var kind : new Object[][] {{EMAIL, "e-mail address"}, {PHONE, "phone number"}, {IDENTIFIER, "identifier"}}) {
                Pattern p = (Pattern) kind[0];
                if (p.matcher(masked).find()) {
                    findings.add(new Finding(e.getLocalName(), (String) kind[1], pointer(e)));
                    masked = p.matcher(masked).replaceAll("[" + ((String) kind[1]).toUpperCase(java.util.Locale.ROOT).replace(' ', '-') + "]");
                }
            }
            if (masked.equals(v)) {
                continue;
            }
            switch (action) {
                case MASK -> e.setTextContent(masked);
                case DROP -> {
                    Node parent = e.getParentNode();
                    parent.removeChild(e);
                }
                case HOLD -> { } // left as it is: the whole message waits for a legal officer
            }
        }
        return findings;
    }

    /**
     * Where an element is: {@code /ExchangeMessage/Body/AssistanceRequest/Declaration/GoodsShipment/...}, local names
     * from the root, with a 1-based {@code [n]} where an element has siblings of the same name.
     */
    public static String pointer(Element e) {
        StringBuilder sb = new StringBuilder();
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
            int index = 0;
            int same = 0;
            Node parent = el.getParentNode();
            for (Node s = parent == null ? el : parent.getFirstChild(); s != null; s = parent == null ? null : s.getNextSibling()) {
                if (s instanceof Element o && o.getLocalName().equals(el.getLocalName())) {
                    same++;
                    if (o == el) {
                        index = same;
                    }
                }
            }
            sb.insert(0, "/" + el.getLocalName() + (same > 1 ? "[" + index + "]" : ""));
        }
        return sb.toString();
    }

    /** The element a {@link #pointer} names in {@code doc}, if it is there. */
    public static java.util.Optional<Element> resolve(org.w3c.dom.Document doc, String pointer) {
        Element current = null;
        for (String step : pointer.substring(1).split("/")) {
            int bracket = step.indexOf('[');
            String name = bracket < 0 ? step : step.substring(0, bracket);
            int index = bracket < 0 ? 1 : Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
            Element found = null;
            if (current == null) {
                Element root = doc.getDocumentElement();
                found = root != null && root.getLocalName().equals(name) && index == 1 ? root : null;
            } else {
                int seen = 0;
                for (Node c = current.getFirstChild(); c != null && found == null; c = c.getNextSibling()) {
                    if (c instanceof Element ce && ce.getLocalName().equals(name) && ++seen == index) {
                        found = ce;
                    }
                }
            }
            if (found == null) {
                return java.util.Optional.empty();
            }
            current = found;
        }
        return java.util.Optional.ofNullable(current);
    }
}
