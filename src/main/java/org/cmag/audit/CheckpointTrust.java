package org.cmag.audit;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.cmag.crypto.CertificateChains;

/** Whose checkpoint signatures count: the gateway's own signing certificates, or a path to a trust anchor (offline). */
@FunctionalInterface
public interface CheckpointTrust {
    /** Why {@code certificate} may not sign checkpoints at {@code signedAt}, or empty when it may. */
    Optional<String> problem(X509Certificate certificate, Instant signedAt);

    /** Exactly the gateway's own signing certificates (current and rolled-over ones in its key store). */
    static CheckpointTrust ownCertificates(Collection<X509Certificate> own) {
        List<X509Certificate> certificates = List.copyOf(own);
        return (certificate, signedAt) -> certificates.contains(certificate)
                ? Optional.empty()
                : Optional.of("its certificate (" + certificate.getSubjectX500Principal().getName() + ") is not one of the gateway's signing certificates");
    }

    /** Any certificate with a valid path to {@code anchor}, valid when the checkpoint was signed (revocation not checked). */
    static CheckpointTrust anchor(X509Certificate anchor) {
        return (certificate, signedAt) -> {
            try {
                CertificateChains.build(certificate, List.of(anchor), List.of(), signedAt);
                if (signedAt.isBefore(certificate.getNotBefore().toInstant()) || signedAt.isAfter(certificate.getNotAfter().toInstant())) {
                    return Optional.of("its certificate was not valid when it was signed (" + signedAt + ")");
                }
                return Optional.empty();
            } catch (GeneralSecurityException e) {
                return Optional.of("its certificate (" + certificate.getSubjectX500Principal().getName()
                        + ") does not chain to the trust anchor: " + CertificateChains.reason(e));
            }
        };
    }
}
