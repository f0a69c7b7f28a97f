package org.cmag.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a purpose travels in the signed header: {@code CODE: text}, the agreement's purpose code followed by the
 * requesting officer's statement (a purpose without a code is text only).
 */
public final class Purposes {
    private static final Pattern CODED = Pattern.compile("^([A-Z][A-Z0-9_]{1,39}): ");

    private Purposes() {}

    /** The header text for a purpose code and statement. */
    public static String header(String code, String text) {
        return code == null ? text : code + ": " + text;
    }

    /** The purpose code at the start of a header purpose, or null when it names none. */
    public static String code(String headerPurpose) {
        if (headerPurpose == null) {
            return null;
        }
        Matcher m = CODED.matcher(headerPurpose);
        return m.find() ? m.group(1) : null;
    }
}
