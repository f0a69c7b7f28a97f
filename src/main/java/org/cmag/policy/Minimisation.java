package org.cmag.policy;

import java.util.ArrayList;
import java.util.List;
import org.cmag.exchange.ExchangeCodec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Applies the agreement's field rules, then the free-text guard, to every WCO Declaration and Response of an outgoing
 * message (requests and answers alike).
 */
public final class Minimisation {
    private final Minimiser minimiser;
    private final FreeTextGuard guard = new FreeTextGuard();

    public Minimisation(Minimiser minimiser) {
        this.minimiser = minimiser;
    }

    /** What minimisation did, and the free-text findings that hold the message for manual release (agreement {@code freeText: hold}). */
    public record Outcome(List<Minimiser.Decision> decisions, List<FreeTextGuard.Finding> held) {
        public boolean isHeld() {
            return !held.isEmpty();
        }
    }

    /**
     * Minimises every WCO Declaration and Response of an outgoing message in place, under the partner's rules for the
     * request type and purpose code of the message (or its case), then guards their free text; under
     * {@code freeText: hold} the findings are returned and the text left unchanged.
     */
    public Outcome minimise(Document message, Partner partner, String requestType, String purposeCode) {
        FieldPolicy.RuleSet rules = partner.fieldRules(requestType, purposeCode);
        List<Minimiser.Decision> decisions = new ArrayList<>();
        List<FreeTextGuard.Finding> held = new ArrayList<>();
        for (Element d : roots(message)) {
            decisions.addAll(minimiser.apply(d, rules, partner.agreementId()));
            if (d.getLocalName().equals("FullDeclaration")) {
                continue; // its free text is guarded with the response that carries it
            }
            for (FreeTextGuard.Finding f : guard.apply(d, partner.freeText())) {
                if (partner.freeText() == FreeTextGuard.Action.HOLD) {
                    held.add(f);
                } else {
                    decisions.add(new Minimiser.Decision("free-text:" + f.element(), f.element(),
                            partner.freeText() == FreeTextGuard.Action.DROP ? FieldAction.DROP : FieldAction.MASK, f.kind()));
                }
            }
        }
        return new Outcome(List.copyOf(decisions), List.copyOf(held));
    }

    /** For callers that cannot hold a message: minimises, and refuses (fail closed) what the agreement would hold. */
    public List<Minimiser.Decision> apply(Document message, Partner partner, String requestType, String purposeCode) {
        Outcome o = minimise(message, partner, requestType, purposeCode);
        if (o.isHeld()) {
            FreeTextGuard.Finding f = o.held().get(0);
            throw new org.cmag.error.GatewayException(org.cmag.error.ErrorCode.MANUAL_RELEASE_REQUIRED, "Free text in " + f.element()
                    + " contains personal data (" + f.kind() + "); the agreement holds such messages for manual release", f.pointer());
        }
        return o.decisions();
    }

    /** Masks the free-text findings of every declaration and response in {@code message} (a legal officer's release with masking). */
    public List<FreeTextGuard.Finding> mask(Document message) {
        List<FreeTextGuard.Finding> masked = new ArrayList<>();
        for (Element d : roots(message)) {
            if (!d.getLocalName().equals("FullDeclaration")) {
                masked.addAll(guard.apply(d, FreeTextGuard.Action.MASK));
            }
        }
        return masked;
    }

    /** The WCO Declarations (also a response's FullDeclaration) and Responses of a message; a response's own Declaration class is its part. */
    private static List<Element> roots(Document message) {
        List<Element> roots = new ArrayList<>();
        for (String name : new String[] {"Declaration", "FullDeclaration", "Response"}) {
            NodeList list = message.getElementsByTagNameNS(ExchangeCodec.NS, name);
            for (int i = 0; i < list.getLength(); i++) {
                Element e = (Element) list.item(i);
                if (!(name.equals("Declaration") && e.getParentNode() instanceof Element p && "Response".equals(p.getLocalName()))) {
                    roots.add(e);
                }
            }
        }
        return roots;
    }

    /** An audit line: counts per action and the pointers of what did not leave unchanged (never values). */
    public static String summary(List<Minimiser.Decision> decisions) {
        if (decisions.isEmpty()) {
            return "no declaration data";
        }
        java.util.Map<FieldAction, java.util.Map<String, Integer>> by = new java.util.EnumMap<>(FieldAction.class);
        for (Minimiser.Decision d : decisions) {
            by.computeIfAbsent(d.action(), a -> new java.util.TreeMap<>()).merge(d.pointer(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        for (var e : by.entrySet()) {
            int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            sb.append(sb.length() == 0 ? "" : "; ").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(n);
            if (e.getKey() != FieldAction.KEEP) {
                sb.append(' ').append(e.getValue().keySet());
            }
        }
        return sb.toString();
    }
}
