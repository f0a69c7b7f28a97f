package org.cmag.evidence;

/** The first reason an evidence bundle does not verify, in words for the person checking it (no stack trace). */
final class BundleProblem extends Exception {
    private static final long serialVersionUID = 1L;

    BundleProblem(String message) {
        super(message, null, false, false);
    }
}
