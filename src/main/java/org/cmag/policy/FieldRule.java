package org.cmag.policy;

/**
 * One field rule of an agreement: a WCO path of the exchange Declaration ({@code Declaration/GoodsShipment/Importer/Name}),
 * a subtree ({@code Declaration/GoodsShipment/**}) or a WCO element ID ({@code id:R037}), and its action.
 *
 * @param source where the rule is written (file and field), for errors and explanations
 */
public record FieldRule(String target, FieldAction action, String source) {
    public boolean isSubtree() {
        return target.endsWith("/**");
    }

    public boolean isId() {
        return target.startsWith("id:");
    }

    /** How specific the rule is for {@code path} (higher wins), or -1 when it does not apply. */
    public int specificity(String path, String wcoId) {
        if (isId()) {
            return target.substring(3).equals(wcoId) ? 2 * depth(path) + 1 : -1;
        }
        if (isSubtree()) {
            String base = target.substring(0, target.length() - 3);
            return path.equals(base) || path.startsWith(base + "/") ? 2 * depth(base) : -1;
        }
        return target.equals(path) ? 2 * depth(path) + 1 : -1;
    }

    private static int depth(String path) {
        return path.split("/").length;
    }
}
