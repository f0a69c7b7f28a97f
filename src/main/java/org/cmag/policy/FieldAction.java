package org.cmag.policy;

/** What a field rule does with a WCO data element that leaves the country. */
public enum FieldAction {
    KEEP,
    DROP,
    MASK,
    PSEUDONYMISE,
    GENERALISE
}
