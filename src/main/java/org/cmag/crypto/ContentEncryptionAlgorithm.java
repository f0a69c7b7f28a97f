package org.cmag.crypto;

import java.util.Optional;

/** Block ciphers for the encrypted body. Authenticated (GCM) only: CBC modes are not representable. */
public enum ContentEncryptionAlgorithm {
    AES256_GCM("http://www.w3.org/2009/xmlenc11#aes256-gcm", 256),
    AES128_GCM("http://www.w3.org/2009/xmlenc11#aes128-gcm", 128);

    private final String uri;
    private final int keyBits;

    ContentEncryptionAlgorithm(String uri, int keyBits) {
        this.uri = uri;
        this.keyBits = keyBits;
    }

    public String uri() {
        return uri;
    }

    /** Length of the content-encryption key in bits. */
    public int keyBits() {
        return keyBits;
    }

    public static Optional<ContentEncryptionAlgorithm> fromUri(String uri) {
        for (ContentEncryptionAlgorithm a : values()) {
            if (a.uri.equals(uri)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
