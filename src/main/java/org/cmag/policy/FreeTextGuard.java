package org.cmag.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Free-text guard: goods descriptions, additional information and marks can carry personal data that no field rule
 * sees (names, e-mail addresses, phone numbers, identifiers). Each free-text value that leaves is scanned for e-mail
 * addresses, phone numbers and identifiers of persons or operators (EORI/TIN-like codes); the agreement decides whether
 * such a value is dropped, masked (the finding replaced) or the whole message held for manual release.
 */
public final class FreeTextGuard {
    /** What the agreement does with a free-text value that contains personal data. */
    public enum Action {
        DROP,
        MASK,
        HOLD
    }

    /** One finding (kind and WCO element, never the value). */
    public record Finding(String element, String kind) {}

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
                    findings.add(new Finding(e.getLocalName(), (String) kind[1]));
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
                case HOLD -> throw new GatewayException(ErrorCode.MANUAL_RELEASE_REQUIRED, "Free text in " + e.getLocalName()
                        + " contains personal data (" + findings.get(findings.size() - 1).kind() + "); the agreement holds such messages"
                        + " for manual release");
            }
        }
        return findings;
    }
}
