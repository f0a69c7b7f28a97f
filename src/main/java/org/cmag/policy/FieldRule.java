package org.cmag.policy;

import java.util.Set;

/**
 * One field rule of an agreement: a WCO path of the exchange Declaration or Response
 * ({@code Declaration/GoodsShipment/Importer/Name}), a subtree ({@code Declaration/GoodsShipment/**}), a WCO element ID
 * ({@code id:R037}) or a data category of the field catalogue ({@code category:PERSONAL-DIRECT}), and its action; it
 * may be bound to purposes (applies only for them) or exclude purposes (applies for all others).
 *
 * @param purposes purpose codes the rule is limited to (empty: every purpose)
 * @param exceptPurposes purpose codes the rule does not apply to
 * @param source where the rule is written (file and field), for errors and explanations
 */
public record FieldRule(String target, FieldAction action, Set<String> purposes, Set<String> exceptPurposes, String source) {
    public FieldRule {
        purposes = Set.copyOf(purposes);
        exceptPurposes = Set.copyOf(exceptPurposes);
    }

    /** A rule for every purpose. */
    public FieldRule(String target, FieldAction action, String source) {
        this(target, action, Set.of(), Set.of(), source);
    }

    public boolean isSubtree() {
        return target.endsWith("/**");
    }

    public boolean isId() {
        return target.startsWith("id:");
    }

    public boolean isCategory() {
        return target.startsWith("category:");
    }

    /** The data category a category rule names. */
    public String category() {
        return isCategory() ? target.substring("category:".length()) : null;
    }

    /** Whether the rule is limited by purpose (it then beats an unconditional rule on the same target). */
    public boolean isPurposeBound() {
        return !purposes.isEmpty() || !exceptPurposes.isEmpty();
    }

    /** Whether the rule applies to a message for {@code purpose} (null: no or an unknown purpose). */
    public boolean appliesTo(String purpose) {
        if (!purposes.isEmpty()) {
            return purpose != null && purposes.contains(purpose);
        }
        return purpose == null || !exceptPurposes.contains(purpose);
    }

    /**
     * How specific a path or ID rule is for {@code path} (higher wins), or -1 when it does not apply. Category rules are
     * not ranked here: they decide what no path rule decides and cap what one does (see {@link FieldPolicy}).
     */
    public int specificity(String path, String wcoId) {
        if (isCategory()) {
            return -1;
        }
        if (isId()) {
            return target.substring(3).equals(wcoId) ? 2 * depth(path) + 1 : -1;
        }
        if (isSubtree()) {
            String base = target.substring(0, target.length() - 3);
            return path.equals(base) || path.startsWith(base + "/") ? 2 * depth(base) : -1;
        }
        return target.equals(path) ? 2 * depth(path) + 1 : -1;
    }

    /** How the rule reads in explanations: its target, purpose condition and where it is written. */
    public String describe() {
        String cond = !purposes.isEmpty() ? " for purposes " + new java.util.TreeSet<>(purposes)
                : !exceptPurposes.isEmpty() ? " except purposes " + new java.util.TreeSet<>(exceptPurposes) : "";
        return target + cond + " (" + source + ")";
    }

    private static int depth(String path) {
        int n = 1;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
