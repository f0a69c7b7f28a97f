package org.cmag.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/** Small digest helpers. */
public final class Digests {
    private static final HexFormat HEX = HexFormat.of();

    private Digests() {
    }

    /** SHA-256 of {@code data} as 64 lowercase hex characters. */
    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is mandatory in every Java platform
            throw new GatewayException(ErrorCode.INTERNAL, "SHA-256 is not available in this Java runtime", null, e);
        }
    }
}
