package org.cmag.crypto;

import java.util.Optional;

/**
 * XML Signature methods the gateway can produce and accept. Deliberately closed: SHA-1, MD5, DSA and
 * HMAC signature methods are not representable.
 */
public enum SignatureAlgorithm {
    RSA_SHA256("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
    RSA_SHA512("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512");

    private final String uri;

    SignatureAlgorithm(String uri) {
        this.uri = uri;
    }

    /** The XML Signature algorithm identifier. */
    public String uri() {
        return uri;
    }

    public static Optional<SignatureAlgorithm> fromUri(String uri) {
        for (SignatureAlgorithm a : values()) {
            if (a.uri.equals(uri)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
