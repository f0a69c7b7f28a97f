package org.cmag.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The field rules of one agreement, compiled at start-up: for every request type and purpose of the agreement, the
 * decision for every WCO element the gateway carries (declarations and responses). Applying them is a map lookup per
 * element.
 *
 * <p>Which rules apply to a message of request type T and purpose P: T's own rules, then the {@code default} rules on
 * targets T does not name (a target T names is T's to decide for every purpose); only rules whose purpose condition
 * admits P; on one target a purpose-bound rule beats an
 * unconditional one. For an element, the most specific path or ID rule decides; a category rule decides an element no
 * path or ID rule names, and caps one that does (the more protective action wins: keep &lt; generalise &lt;
 * pseudonymise &lt; mask &lt; drop). An element no rule decides is dropped (default deny).
 */
public final class FieldPolicy {
    /** The decision for one element: the action and the rule(s) that decided it, for explanations and the audit. */
    public record Verdict(FieldAction action, String rule) {}

    /** The decisions for one request type and purpose, by element path. */
    public static final class RuleSet {
        private final Map<String, Verdict> byPath;

        RuleSet(Map<String, Verdict> byPath) {
            this.byPath = Map.copyOf(byPath);
        }

        /** The verdict for a carried element, or empty when no rule decides it (default deny). */
        public Optional<Verdict> verdict(String path) {
            return Optional.ofNullable(byPath.get(path));
        }

        /** Compiles a plain rule list (every rule for every purpose); overlaps are refused. */
        public static RuleSet of(List<FieldRule> rules) {
            return FieldRules.ruleSet(PolicyFile.of("rules", null), "rules", rules);
        }
    }

    private static final String NO_PURPOSE = "";

    private final Map<String, List<FieldRule>> declared;
    private final Map<String, RuleSet> compiled;

    FieldPolicy(Map<String, List<FieldRule>> declared, Map<String, RuleSet> compiled) {
        this.declared = Map.copyOf(declared);
        this.compiled = Map.copyOf(compiled);
    }

    static String key(String requestType, String purpose) {
        return requestType + "|" + (purpose == null ? NO_PURPOSE : purpose);
    }

    /**
     * The compiled rules for a message of {@code requestType} sent for {@code purposeCode} (null, or a code the agreement
     * does not list: the rules that are not bound to a purpose).
     */
    public RuleSet forMessage(String requestType, String purposeCode) {
        RuleSet s = compiled.get(key(requestType, purposeCode));
        if (s == null) {
            s = compiled.get(key(requestType, null));
        }
        if (s == null) {
            throw new IllegalArgumentException("No field rules compiled for request type " + requestType);
        }
        return s;
    }

    /** The rules as written, per request type (and {@code default}). */
    public Map<String, List<FieldRule>> declared() {
        return declared;
    }
}
