package org.cmag.crypto;

import java.util.Optional;

/**
 * XML Signature methods the gateway can produce and accept, each with the one kind of key it signs with.
 * Deliberately closed: SHA-1, MD5, DSA and HMAC signature methods, and the parameterised
 * {@code xmldsig-more#rsa-pss} (whose parameters could name SHA-1), are not representable.
 */
public enum SignatureAlgorithm {
    RSA_SHA256("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", KeyType.RSA),
    RSA_SHA384("http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", KeyType.RSA),
    RSA_SHA512("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", KeyType.RSA),
    /** RSASSA-PSS, SHA-256 for message digest and MGF1, salt length 32 (RFC 6931 §2.3.10). */
    RSA_PSS_SHA256("http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", KeyType.RSA),
    RSA_PSS_SHA384("http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1", KeyType.RSA),
    RSA_PSS_SHA512("http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1", KeyType.RSA),
    ECDSA_SHA256("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", KeyType.EC_P256),
    ECDSA_SHA384("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", KeyType.EC_P384),
    ED25519("http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519", KeyType.ED25519);

    private final String uri;
    private final KeyType keyType;

    SignatureAlgorithm(String uri, KeyType keyType) {
        this.uri = uri;
        this.keyType = keyType;
    }

    /** The XML Signature algorithm identifier. */
    public String uri() {
        return uri;
    }

    /** The kind of key (and curve) this algorithm signs with; the signer's certificate must hold one. */
    public KeyType keyType() {
        return keyType;
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
