package org.cmag.policy;

/** What a field rule does with a WCO data element that leaves the country. */
public enum FieldAction {
    KEEP(0),
    DROP(4),
    MASK(3),
    PSEUDONYMISE(2),
    GENERALISE(1);

    private final int protection;

    FieldAction(int protection) {
        this.protection = protection;
    }

    /** The more protective of two actions (keep < generalise < pseudonymise < mask < drop). */
    public FieldAction stricter(FieldAction other) {
        return other.protection > protection ? other : this;
    }
}
