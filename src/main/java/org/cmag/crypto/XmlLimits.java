package org.cmag.crypto;

import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Structural limits every parsed XML document must stay within (checked by {@link SecureXml} while streaming,
 * before any DOM is built). Each limit is named by its configuration key, which is what a violation reports.
 *
 * @param maxDepth           element nesting depth ({@code gateway.xml.max-depth})
 * @param maxElements        elements in the whole document ({@code gateway.xml.max-elements})
 * @param maxAttributes      attributes of one element, namespace declarations included ({@code gateway.xml.max-attributes})
 * @param maxNameLength      characters of an element or attribute name, prefix included ({@code gateway.xml.max-name-length})
 * @param maxTextLength      characters of one text node or attribute value ({@code gateway.xml.max-text-length}); it must
 *                           allow the base64 ciphertext of the largest accepted message
 */
public record XmlLimits(int maxDepth, int maxElements, int maxAttributes, int maxNameLength, int maxTextLength) {
    public static final String DEPTH = "gateway.xml.max-depth";
    public static final String ELEMENTS = "gateway.xml.max-elements";
    public static final String ATTRIBUTES = "gateway.xml.max-attributes";
    public static final String NAME_LENGTH = "gateway.xml.max-name-length";
    public static final String TEXT_LENGTH = "gateway.xml.max-text-length";

    /** The safe defaults, also those of {@code config/application.properties}. */
    public static final XmlLimits DEFAULTS = new XmlLimits(64, 200_000, 64, 256, 8_388_608);

    public XmlLimits {
        positive(DEPTH, maxDepth);
        positive(ELEMENTS, maxElements);
        positive(ATTRIBUTES, maxAttributes);
        positive(NAME_LENGTH, maxNameLength);
        positive(TEXT_LENGTH, maxTextLength);
    }

    /** The limits configured under {@code gateway.xml.*}; a missing or non-positive value fails start-up. */
    public static XmlLimits from(GatewayConfig config) {
        return new XmlLimits(config.getInt(DEPTH), config.getInt(ELEMENTS), config.getInt(ATTRIBUTES),
                config.getInt(NAME_LENGTH), config.getInt(TEXT_LENGTH));
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key " + key + " must be at least 1, not " + value);
        }
    }
}
