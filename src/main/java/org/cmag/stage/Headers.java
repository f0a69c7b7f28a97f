package org.cmag.stage;

/** Small formatting helpers shared by stages. */
final class Headers {
    private Headers() {}

    /** Legal basis as stored and audited: {@code INSTRUMENT art. N}. */
    static String legalBasis(String instrument, String article) {
        return article == null ? instrument : instrument + " art. " + article;
    }
}
