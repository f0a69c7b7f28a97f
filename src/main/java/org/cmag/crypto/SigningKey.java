package org.cmag.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** One of our signing keys with its certificate (a keystore entry {@code signing} or {@code signing-*}). */
public record SigningKey(String alias, PrivateKey key, X509Certificate certificate) {
    public SigningKey {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "SigningKey[" + alias + ", " + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16) + "]";
    }
}
