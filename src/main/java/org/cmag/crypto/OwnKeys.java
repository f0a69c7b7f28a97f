package org.cmag.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** This gateway's own key pairs: one for signing, one for receiving encrypted content. */
public record OwnKeys(
        PrivateKey signingKey,
        X509Certificate signingCertificate,
        PrivateKey encryptionKey,
        X509Certificate encryptionCertificate) {

    public OwnKeys {
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "OwnKeys[signing=" + signingCertificate.getSubjectX500Principal().getName()
                + ", encryption=" + encryptionCertificate.getSubjectX500Principal().getName() + "]";
    }
}
