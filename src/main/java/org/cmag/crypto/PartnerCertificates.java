package org.cmag.crypto;

import java.security.cert.X509Certificate;
import java.util.Objects;

/** A partner administration's registered certificates: the signer to trust and the recipient to encrypt to. */
public record PartnerCertificates(
        String partnerId,
        X509Certificate signingCertificate,
        X509Certificate encryptionCertificate) {

    public PartnerCertificates {
        Objects.requireNonNull(partnerId, "partnerId");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
    }

    @Override
    public String toString() {
        return "PartnerCertificates[" + partnerId
                + ", signing=" + signingCertificate.getSubjectX500Principal().getName()
                + ", encryption=" + encryptionCertificate.getSubjectX500Principal().getName() + "]";
    }
}
