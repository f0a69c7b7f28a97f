package org.cmag.wco;

/**
 * An input element or attribute the translation did not carry, with where it was and why. No values: the report
 * may be logged and audited.
 *
 * @param inputPath position in the input, e.g. {@code /MetaData/Declaration/Authentication/Authenticator/Name}
 * @param pointer WCO pointer: class IDs, then {@code :} and the element ID, e.g. {@code 42A/61B/12A:R007}
 */
public record Unmapped(String inputPath, String pointer, String reason) {
    @Override
    public String toString() {
        return pointer + " " + inputPath + " (" + reason + ")";
    }
}
