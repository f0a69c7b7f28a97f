package org.cmag.policy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.wco.WcoPaths;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Applies an agreement's compiled field rules ({@link FieldPolicy}) to a WCO-aligned Declaration or Response before it
 * leaves the country: every data element is kept, dropped, masked, pseudonymised (keyed HMAC, stable within one
 * agreement) or generalised as its verdict says; an element no rule decides is dropped (default deny). Returns every decision as a WCO
 * pointer, never a value. Pure DOM work.
 */
public final class Minimiser {
    /** One decision: which element, where, and what happened to it. */
    public record Decision(String pointer, String path, FieldAction action, String rule) {}

    private final WcoPaths paths;
    private final WcoPaths responses = WcoPaths.responses();
    private final byte[] pseudonymKey;

    public Minimiser(WcoPaths paths, byte[] pseudonymKey) {
        this.paths = paths;
        this.pseudonymKey = pseudonymKey.clone();
    }

    /**
     * Minimises {@code root} in place under {@code rules} of {@code agreementId}: a WCO Declaration (also a response's
     * FullDeclaration) or a WCO Response. A response's FullDeclaration is left to its own pass as a Declaration.
     */
    public List<Decision> apply(Element root, FieldPolicy.RuleSet rules, String agreementId) {
        List<Decision> decisions = new ArrayList<>();
        boolean response = root.getLocalName().equals("Response");
        walk(root, response ? "Response" : "Declaration", response ? responses : paths, rules, agreementId, decisions);
        return decisions;
    }

    private void walk(Element e, String path, WcoPaths table, FieldPolicy.RuleSet rules, String agreementId, List<Decision> decisions) {
        List<Element> children = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && ExchangeCodec.NS.equals(c.getNamespaceURI())) {
                children.add(c);
            }
        }
        for (Element c : children) {
            String childPath = path + "/" + c.getLocalName();
            WcoPaths.Row row = table.find(childPath).orElse(null);
            if (row == null) {
                e.removeChild(c);
                decisions.add(new Decision("?", childPath, FieldAction.DROP, "not a carried WCO element"));
                continue;
            }
            if (row.kind().equals("declaration")) {
                continue; // a response's full DEC declaration: minimised as a Declaration of its own
            }
            if (row.isClass()) {
                walk(c, childPath, table, rules, agreementId, decisions);
                if (!hasElementChildren(c)) {
                    e.removeChild(c);
                }
                continue;
            }
            FieldPolicy.Verdict verdict = rules.verdict(childPath).orElse(null);
            FieldAction action = verdict == null ? FieldAction.DROP : verdict.action();
            String ruleText = verdict == null ? "default deny" : verdict.rule();
            switch (action) {
                case KEEP -> { }
                case DROP -> e.removeChild(c);
                case MASK -> setValue(c, row, "MASKED");
                case PSEUDONYMISE -> setValue(c, row, pseudonym(agreementId, value(c, row)));
                case GENERALISE -> {
                    String general = generalise(c, row);
                    if (general == null) {
                        e.removeChild(c);
                    } else {
                        setValue(c, row, general);
                    }
                }
            }
            decisions.add(new Decision(row.pointer(), childPath, action, ruleText));
        }
    }

    private static boolean hasElementChildren(Element e) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                return true;
            }
        }
        return false;
    }

    private static Element valueElement(Element c, WcoPaths.Row row) {
        if (row.isDateTime()) {
            for (Node n = c.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element s) {
                    return s;
                }
            }
        }
        return c;
    }

    private static String value(Element c, WcoPaths.Row row) {
        return valueElement(c, row).getTextContent().strip();
    }

    private static void setValue(Element c, WcoPaths.Row row, String v) {
        Element target = valueElement(c, row);
        target.setTextContent(v);
        target.removeAttribute("listName");
    }

    /** A stable pseudonym within one agreement: HMAC-SHA256(key, agreement id, value). */
    String pseudonym(String agreementId, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pseudonymKey, "HmacSHA256"));
            mac.update(agreementId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return "PSN-" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8))).substring(0, 20);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Pseudonymisation key unusable", null, e);
        }
    }

    /** Whether an element of this kind can be generalised (checked when the policy is loaded). */
    public static boolean canGeneralise(WcoPaths.Row row) {
        String n = row.element();
        return row.isDateTime() || n.endsWith("Amount") || n.endsWith("Measure") || n.endsWith("Quantity") || n.equals("Line")
                || n.equals("PostcodeID") || n.equals("CityName");
    }

    /** Dates to month, amounts and measures to bands, street/postcode/city away (the country stays). Null: remove. */
    private static String generalise(Element c, WcoPaths.Row row) {
        String v = value(c, row);
        if (row.isDateTime()) {
            Element dts = valueElement(c, row);
            dts.setAttribute("formatCode", "610"); // CCYYMM
            return v.length() >= 6 ? v.substring(0, 6) : v;
        }
        String n = row.element();
        if (n.endsWith("Amount") || n.endsWith("Measure") || n.endsWith("Quantity")) {
            try {
                double d = Double.parseDouble(v);
                if (d < 1000) {
                    return "<1000";
                }
                long magnitude = (long) Math.pow(10, Math.floor(Math.log10(d)));
                return ">=" + magnitude;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null; // address details: the country and region elements carry the generalised place
    }
}
