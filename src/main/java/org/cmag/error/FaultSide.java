package org.cmag.error;

/** Who is at fault when a request fails: the caller, the partner administration, or this gateway. */
public enum FaultSide {
    CLIENT,
    PARTNER,
    SERVER
}
