package org.cmag.stage;

/** Small formatting helpers shared by stages. */
final class Headers {
    private Headers() {}

    /** Legal basis as stored and audited: {@code INSTRUMENT art. N}. */
    static String legalBasis(String instrument, String article) {
        return article == null ? instrument : instrument + " art. " + article;
    }

    /** The RetentionUntil of the message's Header (Handling), or null; the purge removes evidence content after it. */
    static java.time.LocalDate retentionUntil(org.w3c.dom.Document doc) {
        org.w3c.dom.NodeList headers = doc.getDocumentElement().getElementsByTagNameNS(org.cmag.exchange.ExchangeCodec.NS, "Header");
        if (headers.getLength() == 0) {
            return null;
        }
        org.w3c.dom.NodeList r = ((org.w3c.dom.Element) headers.item(0)).getElementsByTagNameNS(org.cmag.exchange.ExchangeCodec.NS, "RetentionUntil");
        return r.getLength() == 0 ? null : java.time.LocalDate.parse(r.item(0).getTextContent().trim());
    }
}
