package org.cmag.crypto;

import java.util.Optional;

/** Reference digest methods the gateway can produce and accept. SHA-1 and MD5 are not representable. */
public enum DigestAlgorithm {
    SHA256("http://www.w3.org/2001/04/xmlenc#sha256"),
    SHA384("http://www.w3.org/2001/04/xmldsig-more#sha384"),
    SHA512("http://www.w3.org/2001/04/xmlenc#sha512");

    private final String uri;

    DigestAlgorithm(String uri) {
        this.uri = uri;
    }

    public String uri() {
        return uri;
    }

    public static Optional<DigestAlgorithm> fromUri(String uri) {
        for (DigestAlgorithm a : values()) {
            if (a.uri.equals(uri)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
