package org.cmag.exchange;

import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.xml.security.c14n.Canonicalizer;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Node;

/**
 * Digest of an exchange message as both sides see it: SHA-256 over the exclusive canonical form (without
 * comments) of the message element. Canonical, so a SOAP stack that re-serialises the payload (namespace
 * declarations, attribute order) does not change it; the receipt's ReceivedDigest is this value.
 */
public final class MessageDigests {
    static {
        org.apache.xml.security.Init.init();
    }

    private MessageDigests() {}

    public static String canonicalSha256(Node element) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
                Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS).canonicalizeSubtree(element, out);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | java.io.IOException | org.apache.xml.security.exceptions.XMLSecurityException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "Cannot canonicalise message for its digest", null, e);
        }
    }
}
