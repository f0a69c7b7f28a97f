package org.cmag.cases;

/** Which side of a case this gateway is on. */
public enum CaseRole {
    /** We asked for assistance (applicant authority). */
    REQUESTING,
    /** We were asked (requested authority). */
    REQUESTED
}
