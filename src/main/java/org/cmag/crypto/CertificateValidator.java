package org.cmag.crypto;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Use-time checks of a partner's registered certificates: every certificate of its path (built to a trust anchor at
 * start-up) valid now, and none revoked. Chooses the certificate to encrypt to (the newest valid one) and offers the
 * signing certificates to {@link XmlSecurity#verify(org.w3c.dom.Document, SignerCandidates, SecurityProfile)}.
 * Built once per gateway; thread-safe; per message only date comparisons and cached revocation answers.
 */
public final class CertificateValidator {
    private static final Comparator<X509Certificate> NEWEST_FIRST =
            Comparator.comparing(X509Certificate::getNotBefore).reversed();

    private final RevocationChecker revocation;
    private final Clock clock;

    public CertificateValidator(RevocationChecker revocation, Clock clock) {
        this.revocation = Objects.requireNonNull(revocation, "revocation");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks a registered certificate of {@code partner} now: its path's dates, then revocation of every certificate
     * in the path below the anchor.
     *
     * @param use what the certificate is used for, for the error detail ("signing", "encryption")
     */
    public void check(PartnerCertificates partner, X509Certificate certificate, String use) {
        Instant now = clock.instant();
        List<X509Certificate> chain = partner.chain(certificate);
        checkDates(certificate, partner.partnerId() + "'s " + use, now);
        for (int i = 1; i < chain.size(); i++) {
            checkDates(chain.get(i), "issuing CA of " + partner.partnerId() + "'s " + use, now);
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            revocation.check(partner.partnerId(), chain.get(i), chain.get(i + 1), partner.revocation());
        }
    }

    /**
     * The certificate to encrypt to now: the partner's newest encryption certificate (latest notBefore) that is
     * within its validity dates, checked by {@link #check}. A revoked newest certificate is refused, never silently
     * replaced by an older one.
     */
    public X509Certificate encryptionCertificate(PartnerCertificates partner) {
        Date now = Date.from(clock.instant());
        List<X509Certificate> sorted = partner.encryptionCertificates().stream().sorted(NEWEST_FIRST).toList();
        X509Certificate chosen = sorted.stream().filter(c -> !now.before(c.getNotBefore()) && !now.after(c.getNotAfter()))
                .findFirst().orElse(sorted.get(0));
        check(partner, chosen, "encryption certificate");
        return chosen;
    }

    /** The partner's signing certificates as candidates for a signature, each checked when chosen. */
    public SignerCandidates signers(PartnerCertificates partner) {
        List<X509Certificate> sorted = partner.signingCertificates().stream().sorted(NEWEST_FIRST).toList();
        return new SignerCandidates() {
            @Override
            public List<X509Certificate> registered() {
                return sorted;
            }

            @Override
            public void check(X509Certificate c) {
                CertificateValidator.this.check(partner, c, "signing certificate");
            }
        };
    }

    /** CERTIFICATE_EXPIRED or CERTIFICATE_NOT_YET_VALID unless {@code cert} is valid at {@code now}. */
    public static void checkDates(X509Certificate cert, String what, Instant now) {
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new GatewayException(ErrorCode.CERTIFICATE_EXPIRED, "The " + what + " '" + cert.getSubjectX500Principal().getName()
                    + "' (serial " + cert.getSerialNumber().toString(16) + ") expired at " + cert.getNotAfter().toInstant() + " (now " + now + ")",
                    null, e);
        } catch (CertificateNotYetValidException e) {
            throw new GatewayException(ErrorCode.CERTIFICATE_NOT_YET_VALID, "The " + what + " '" + cert.getSubjectX500Principal().getName()
                    + "' (serial " + cert.getSerialNumber().toString(16) + ") is not valid before " + cert.getNotBefore().toInstant()
                    + " (now " + now + ")", null, e);
        }
    }
}
