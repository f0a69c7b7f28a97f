package org.cmag.crypto;

import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A partner administration's registered certificates: the signers to trust and the recipients to encrypt to (several
 * of each during a key rotation, with overlapping validity), each with its path to one of the partner's trust
 * anchors (built and checked at start-up), and how their revocation is checked.
 *
 * @param chains per registered certificate, its path: the certificate first, the trust anchor last
 */
public record PartnerCertificates(
        String partnerId,
        List<X509Certificate> signingCertificates,
        List<X509Certificate> encryptionCertificates,
        Map<X509Certificate, List<X509Certificate>> chains,
        RevocationSettings revocation) {

    public PartnerCertificates {
        Objects.requireNonNull(partnerId, "partnerId");
        signingCertificates = List.copyOf(signingCertificates);
        encryptionCertificates = List.copyOf(encryptionCertificates);
        if (signingCertificates.isEmpty() || encryptionCertificates.isEmpty()) {
            throw new IllegalArgumentException("a partner needs at least one signing and one encryption certificate");
        }
        Map<X509Certificate, List<X509Certificate>> all = new HashMap<>();
        for (X509Certificate c : signingCertificates) {
            all.put(c, List.of(c));
        }
        for (X509Certificate c : encryptionCertificates) {
            all.put(c, List.of(c));
        }
        all.putAll(chains);
        chains = Map.copyOf(all);
        Objects.requireNonNull(revocation, "revocation");
    }

    /** One signing and one encryption certificate, without a configured trust path (tools and tests). */
    public PartnerCertificates(String partnerId, X509Certificate signingCertificate, X509Certificate encryptionCertificate) {
        this(partnerId, List.of(Objects.requireNonNull(signingCertificate, "signingCertificate")),
                List.of(Objects.requireNonNull(encryptionCertificate, "encryptionCertificate")), Map.of(), RevocationSettings.DEFAULT);
    }

    /** The first registered signing certificate (the only one unless the partner rotates keys). */
    public X509Certificate signingCertificate() {
        return signingCertificates.get(0);
    }

    /** The first registered encryption certificate (the only one unless the partner rotates keys). */
    public X509Certificate encryptionCertificate() {
        return encryptionCertificates.get(0);
    }

    /** The path of a registered certificate: itself first, its trust anchor last. */
    public List<X509Certificate> chain(X509Certificate registered) {
        List<X509Certificate> chain = chains.get(registered);
        if (chain == null) {
            throw new IllegalArgumentException("not a registered certificate of " + partnerId);
        }
        return chain;
    }

    @Override
    public String toString() {
        return "PartnerCertificates[" + partnerId
                + ", signing=" + signingCertificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList()
                + ", encryption=" + encryptionCertificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList() + "]";
    }
}
