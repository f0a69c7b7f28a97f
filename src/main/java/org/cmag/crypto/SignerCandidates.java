package org.cmag.crypto;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The certificates a signature may be verified with - the partner's registered signing certificates, never one taken
 * from the message - and the use-time check of the one chosen (dates, path, revocation).
 */
public interface SignerCandidates {
    /** The registered certificates, newest first. */
    List<X509Certificate> registered();

    /** Checks a registered certificate at use time; throws a coded {@link org.cmag.error.GatewayException}. */
    void check(X509Certificate certificate);

    /** One registered certificate, checked for its validity dates only (tools and tests). */
    static SignerCandidates of(X509Certificate certificate, java.time.Clock clock) {
        return new SignerCandidates() {
            @Override
            public List<X509Certificate> registered() {
                return List.of(certificate);
            }

            @Override
            public void check(X509Certificate c) {
                CertificateValidator.checkDates(c, "signer", clock.instant());
            }
        };
    }
}
