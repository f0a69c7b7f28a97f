package org.cmag.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cmag.error.GatewayException;
import org.cmag.wco.WcoPaths;

/**
 * Compiles the {@code fieldRules} of an agreement file: per request type (and {@code default}) a list of rules
 * {@code {path|id|category: ..., action: ..., purposes: [...] | exceptPurposes: [...]}}. Every target must name a
 * carried WCO element, subtree or data category; every action must be known and fit its elements; purposes must be
 * the agreement's; no element may be decided by two rules of equal weight with different actions, for any request
 * type and purpose. Errors name the file and the field. The result is a {@link FieldPolicy} with every request type
 * and purpose decided in advance.
 */
final class FieldRules {
    private static final WcoPaths DEC = WcoPaths.load();
    private static final WcoPaths RES = WcoPaths.responses();
    /** Every carried data element of declarations and responses: what a rule set decides. */
    private static final List<WcoPaths.Row> LEAVES = Stream.concat(DEC.all().stream(), RES.all().stream())
            .filter(r -> r.carried() && r.kind().equals("leaf") || r.carried() && r.isDateTime()).toList();
    static final Set<String> CATEGORIES = new TreeSet<>(LEAVES.stream().map(WcoPaths.Row::category).filter(c -> !c.isEmpty()).toList());
    private static final Set<String> RULE_FIELDS = Set.of("path", "id", "category", "action", "purposes", "exceptPurposes");

    private FieldRules() {}

    static FieldPolicy compile(String file, Object raw, Set<String> requestTypes, Set<String> purposes) {
        return compile(PolicyFile.of(file, null), raw, requestTypes, purposes);
    }

    static FieldPolicy compile(PolicyFile file, Object raw, Set<String> requestTypes, Set<String> purposes) {
        Map<String, List<FieldRule>> declared = new LinkedHashMap<>();
        if (raw != null && !(raw instanceof Map<?, ?>)) {
            throw error(file, "fieldRules", "must be a mapping of request types (or 'default') to rule lists");
        }
        Map<?, ?> byType = raw == null ? Map.of() : (Map<?, ?>) raw;
        for (Map.Entry<?, ?> e : byType.entrySet()) {
            String type = String.valueOf(e.getKey());
            String at = "fieldRules." + type;
            if (!type.equals("default") && !requestTypes.contains(type)) {
                throw error(file, at, "is not a request type or 'default'");
            }
            if (!(e.getValue() instanceof List<?> list)) {
                throw error(file, at, "must be a list of rules");
            }
            List<FieldRule> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                rules.add(rule(file, at + "[" + i + "]", list.get(i), purposes));
            }
            checkRepeats(file, at, rules);
            declared.put(type, List.copyOf(rules));
        }
        Map<String, FieldPolicy.RuleSet> compiled = new HashMap<>();
        List<String> purposeKeys = new ArrayList<>();
        purposeKeys.add(null);
        purposeKeys.addAll(purposes);
        for (String type : new TreeSet<>(requestTypes)) {
            for (String purpose : purposeKeys) {
                List<FieldRule> effective = effective(file, declared.getOrDefault(type, List.of()),
                        declared.getOrDefault("default", List.of()), purpose, type);
                String where = "fieldRules." + (declared.containsKey(type) ? type : "default")
                        + (purpose == null ? "" : " (purpose " + purpose + ")");
                compiled.put(FieldPolicy.key(type, purpose), ruleSet(file, where, effective));
            }
        }
        return new FieldPolicy(declared, compiled);
    }

    private static FieldRule rule(PolicyFile file, String at, Object raw, Set<String> purposes) {
        if (!(raw instanceof Map<?, ?> r)) {
            throw error(file, at, "must be {path|id|category: ..., action: ...}");
        }
        for (Object k : r.keySet()) {
            if (!RULE_FIELDS.contains(String.valueOf(k))) {
                throw error(file, at + "." + k, "is not a rule field (path, id, category, action, purposes, exceptPurposes)");
            }
        }
        String target = target(file, at, r);
        FieldAction action = action(file, at, r.get("action"));
        if (action == FieldAction.GENERALISE) {
            if (target.startsWith("category:")) {
                throw error(file, at + ".action", "generalise needs element paths; a category rule can keep, drop, mask or pseudonymise");
            }
            checkGeneralisable(file, at, target);
        }
        Set<String> only = purposeList(file, at + ".purposes", r.get("purposes"), purposes);
        Set<String> except = purposeList(file, at + ".exceptPurposes", r.get("exceptPurposes"), purposes);
        if (!only.isEmpty() && !except.isEmpty()) {
            throw error(file, at, "has both purposes and exceptPurposes; use one");
        }
        return new FieldRule(target, action, only, except, file.name() + ":" + file.line(at) + " " + at);
    }

    private static Set<String> purposeList(PolicyFile file, String at, Object raw, Set<String> purposes) {
        if (raw == null) {
            return Set.of();
        }
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw error(file, at, "must be a non-empty list of purpose codes");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list) {
            String code = String.valueOf(o);
            if (!purposes.contains(code)) {
                throw error(file, at, "names '" + code + "', which is not a purpose of agreement.purposes " + new TreeSet<>(purposes));
            }
            out.add(code);
        }
        return out;
    }

    private static String target(PolicyFile file, String at, Map<?, ?> r) {
        Object path = r.get("path");
        Object id = r.get("id");
        Object category = r.get("category");
        if (Stream.of(path, id, category).filter(o -> o != null).count() != 1) {
            throw error(file, at, "needs exactly one of path, id or category");
        }
        if (category != null) {
            String c = String.valueOf(category).toUpperCase(Locale.ROOT).replace('_', '-');
            if (!CATEGORIES.contains(c)) {
                throw error(file, at + ".category", "'" + category + "' is not a data category; known: " + CATEGORIES);
            }
            return "category:" + c;
        }
        if (id != null) {
            String v = String.valueOf(id);
            if (LEAVES.stream().noneMatch(row -> row.wcoId().equals(v))) {
                throw error(file, at + ".id", "'" + v + "' is not the WCO ID of a carried data element");
            }
            return "id:" + v;
        }
        String p = String.valueOf(path);
        String base = p.endsWith("/**") ? p.substring(0, p.length() - 3) : p;
        WcoPaths table = base.equals("Response") || base.startsWith("Response/") ? RES : DEC;
        WcoPaths.Row row = table.find(base).orElseThrow(() -> error(file, at + ".path", "'" + p
                + "' is not a WCO path of the Declaration or Response (see docs/wco-mapping.md)"));
        if (!row.carried()) {
            throw error(file, at + ".path", "'" + p + "' is not carried by the gateway at all");
        }
        boolean isClass = row.isClass() || row.kind().equals("declaration");
        if (p.endsWith("/**") ? !isClass : isClass) {
            throw error(file, at + ".path", p.endsWith("/**") ? "'" + p + "': only a class has a subtree"
                    : "'" + p + "' is a class: name its elements or write " + p + "/**");
        }
        if (row.kind().equals("declaration")) {
            throw error(file, at + ".path", "'" + p + "' is a full DEC declaration inside a response: its elements follow the"
                    + " Declaration/... rules");
        }
        return p;
    }

    private static FieldAction action(PolicyFile file, String at, Object raw) {
        if (raw == null) {
            throw error(file, at + ".action", "is missing; one of keep, drop, mask, pseudonymise, generalise");
        }
        try {
            return FieldAction.valueOf(String.valueOf(raw).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(file, at + ".action", "'" + raw + "' is not one of keep, drop, mask, pseudonymise, generalise");
        }
    }

    private static void checkGeneralisable(PolicyFile file, String at, String target) {
        FieldRule probe = new FieldRule(target, FieldAction.GENERALISE, "");
        for (WcoPaths.Row row : LEAVES) {
            if (probe.specificity(row.path(), row.wcoId()) >= 0 && !Minimiser.canGeneralise(row)) {
                throw error(file, at + ".action", "generalise does not apply to " + row.path()
                        + " (dates, amounts, measures, quantities and street/postcode/city only)");
            }
        }
    }

    /** One list may name a target twice only when purpose conditions tell the rules apart. */
    private static void checkRepeats(PolicyFile file, String at, List<FieldRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            for (int j = 0; j < i; j++) {
                FieldRule a = rules.get(j);
                FieldRule b = rules.get(i);
                if (a.target().equals(b.target()) && !a.isPurposeBound() && !b.isPurposeBound()) {
                    throw error(file, at + "[" + i + "]", "names " + b.target() + " a second time");
                }
            }
        }
    }

    /**
     * The rules that apply to {@code type} and {@code purpose}: the type's own rules, then the default rules on targets the
     * type does not name; within a list, purpose-bound over unconditional.
     */
    private static List<FieldRule> effective(PolicyFile file, List<FieldRule> own, List<FieldRule> defaults, String purpose, String type) {
        List<FieldRule> out = new ArrayList<>(resolve(file, "fieldRules." + type, own, purpose, type));
        // a target the request type names is the type's to decide, for every purpose (even where none of its rules applies)
        for (FieldRule d : resolve(file, "fieldRules.default", defaults, purpose, type)) {
            if (own.stream().noneMatch(r -> r.target().equals(d.target()))) {
                out.add(d);
            }
        }
        return out;
    }

    private static List<FieldRule> resolve(PolicyFile file, String list, List<FieldRule> rules, String purpose, String type) {
        Map<String, FieldRule> byTarget = new LinkedHashMap<>();
        for (FieldRule r : rules) {
            if (!r.appliesTo(purpose)) {
                continue;
            }
            FieldRule other = byTarget.get(r.target());
            if (other == null || r.isPurposeBound() && !other.isPurposeBound()) {
                byTarget.put(r.target(), r);
            } else if (r.isPurposeBound() == other.isPurposeBound() && r.action() != other.action()) {
                throw error(file, list, "rules " + other.describe() + " and " + r.describe() + " both decide " + r.target() + " for "
                        + type + (purpose == null ? " without a purpose" : " purpose " + purpose));
            }
        }
        return List.copyOf(byTarget.values());
    }

    /** Decides every carried element under {@code rules}; two rules of equal weight with different actions are refused. */
    static FieldPolicy.RuleSet ruleSet(PolicyFile file, String where, Collection<FieldRule> rules) {
        Map<String, FieldRule> byCategory = new HashMap<>();
        List<FieldRule> paths = new ArrayList<>();
        for (FieldRule r : rules) {
            if (r.isCategory()) {
                byCategory.put(r.category(), r);
            } else {
                paths.add(r);
            }
        }
        Map<String, FieldPolicy.Verdict> out = new HashMap<>();
        for (WcoPaths.Row row : LEAVES) {
            FieldRule best = null;
            int bestScore = -1;
            for (FieldRule r : paths) {
                int s = r.specificity(row.path(), row.wcoId());
                if (s > bestScore) {
                    best = r;
                    bestScore = s;
                } else if (s == bestScore && s >= 0 && r.action() != best.action()) {
                    throw error(file, where, "rules " + best.target() + " (" + best.action() + ") and " + r.target() + " ("
                            + r.action() + ") overlap on " + row.path());
                }
            }
            FieldRule cap = byCategory.get(row.category());
            if (best == null && cap == null) {
                continue;
            }
            if (best == null) {
                out.put(row.path(), new FieldPolicy.Verdict(cap.action(), cap.describe()));
            } else if (cap == null || best.action().stricter(cap.action()) == best.action()) {
                out.put(row.path(), new FieldPolicy.Verdict(best.action(), best.describe()));
            } else {
                out.put(row.path(), new FieldPolicy.Verdict(cap.action(), cap.describe() + ", over " + best.describe()));
            }
        }
        return new FieldPolicy.RuleSet(out);
    }

    private static GatewayException error(PolicyFile file, String field, String what) {
        return file.error(field, what);
    }
}
