package org.cmag.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cmag.error.GatewayException;
import org.cmag.wco.WcoPaths;

/**
 * Compiles the {@code fieldRules} of an agreement file: per request type (and {@code default}) a list of
 * {@code {path: ..., action: ...}} or {@code {id: ..., action: ...}}. Every target must name a carried WCO element
 * (or subtree); every action must be known and fit the element; two rules may not decide one element with different
 * actions at the same specificity. Errors name the file, the line and the field.
 */
final class FieldRules {
    private static final WcoPaths PATHS = WcoPaths.load();

    private FieldRules() {}

    /** Compiles rules that come from no file with lines (errors then say line 1). */
    static Map<String, List<FieldRule>> compile(String file, Object raw, Set<String> requestTypes) {
        return compile(PolicyFile.of(file, null), raw, requestTypes);
    }

    static Map<String, List<FieldRule>> compile(PolicyFile file, Object raw, Set<String> requestTypes) {
        Map<String, List<FieldRule>> out = new LinkedHashMap<>();
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> byType)) {
            throw error(file, "fieldRules", "must be a mapping of request types (or 'default') to rule lists");
        }
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
            Set<String> targets = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String ruleAt = at + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> r)) {
                    throw error(file, ruleAt, "must be {path: ..., action: ...} or {id: ..., action: ...}");
                }
                for (Object k : r.keySet()) {
                    if (!Set.of("path", "id", "action").contains(String.valueOf(k))) {
                        throw error(file, ruleAt + "." + k, "is not a rule field (path, id, action)");
                    }
                }
                String target = target(file, ruleAt, r);
                FieldAction action = action(file, ruleAt, r.get("action"));
                if (!targets.add(target)) {
                    throw error(file, ruleAt, "names " + target + " a second time");
                }
                if (action == FieldAction.GENERALISE) {
                    checkGeneralisable(file, ruleAt, target);
                }
                rules.add(new FieldRule(target, action, file.name() + " " + ruleAt));
            }
            out.put(type, List.copyOf(rules));
        }
        // overlaps: for every request type's effective list, no element may be decided by two rules of equal weight
        for (String type : out.keySet()) {
            List<FieldRule> effective = new ArrayList<>(out.get(type));
            if (!type.equals("default")) {
                for (FieldRule d : out.getOrDefault("default", List.of())) {
                    if (effective.stream().noneMatch(r -> r.target().equals(d.target()))) {
                        effective.add(d);
                    }
                }
            }
            checkOverlaps(file, type, effective);
        }
        return Map.copyOf(out);
    }

    private static String target(PolicyFile file, String at, Map<?, ?> r) {
        Object path = r.get("path");
        Object id = r.get("id");
        if ((path == null) == (id == null)) {
            throw error(file, at, "needs exactly one of path or id");
        }
        if (id != null) {
            String v = String.valueOf(id);
            if (PATHS.all().stream().noneMatch(row -> row.carried() && row.wcoId().equals(v) && !row.isClass())) {
                throw error(file, at + ".id", "'" + v + "' is not the WCO ID of a carried data element");
            }
            return "id:" + v;
        }
        String p = String.valueOf(path);
        String base = p.endsWith("/**") ? p.substring(0, p.length() - 3) : p;
        WcoPaths.Row row = PATHS.find(base).orElseThrow(() -> error(file, at + ".path", "'" + p + "' is not a WCO path of the Declaration"
                + " (see docs/wco-mapping.md)"));
        if (!row.carried()) {
            throw error(file, at + ".path", "'" + p + "' is not carried by the gateway at all");
        }
        if (p.endsWith("/**") ? !row.isClass() : row.isClass()) {
            throw error(file, at + ".path", p.endsWith("/**") ? "'" + p + "': only a class has a subtree"
                    : "'" + p + "' is a class: name its elements or write " + p + "/**");
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
        for (WcoPaths.Row row : PATHS.all()) {
            if (row.carried() && !row.isClass() && new FieldRule(target, FieldAction.GENERALISE, "").specificity(row.path(), row.wcoId()) >= 0
                    && !Minimiser.canGeneralise(row)) {
                throw error(file, at + ".action", "generalise does not apply to " + row.path()
                        + " (dates, amounts, measures, quantities and street/postcode/city only)");
            }
        }
    }

    private static void checkOverlaps(PolicyFile file, String type, List<FieldRule> rules) {
        for (WcoPaths.Row row : PATHS.all()) {
            if (!row.carried() || row.isClass()) {
                continue;
            }
            FieldRule best = null;
            int bestScore = -1;
            for (FieldRule r : rules) {
                int s = r.specificity(row.path(), row.wcoId());
                if (s > bestScore) {
                    best = r;
                    bestScore = s;
                } else if (s == bestScore && s >= 0 && r.action() != best.action()) {
                    throw error(file, "fieldRules." + type, "rules " + best.target() + " (" + best.action() + ") and " + r.target() + " ("
                            + r.action() + ") overlap on " + row.path());
                }
            }
        }
    }

    private static GatewayException error(PolicyFile file, String field, String what) {
        return file.error(field, what);
    }
}
