package org.cmag.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cmag.crypto.CertificateChains;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.RevocationChecker;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;

/** Our keys and each registered partner's certificates, loaded once at start-up. */
public record KeyRing(OwnKeys own, Map<String, PartnerCertificates> partners) {
    /** A partner's certificates; trust comes from here, never from a message. */
    public PartnerCertificates partner(String id) {
        PartnerCertificates c = partners.get(id);
        if (c == null) {
            throw new GatewayException(ErrorCode.UNKNOWN_SENDER, "No certificates registered for partner " + id);
        }
        return c;
    }

    /** {@link #partnerCertificates(Partner, Path, Instant)} now. */
    public static PartnerCertificates partnerCertificates(Partner p, Path pki) {
        return partnerCertificates(p, pki, Instant.now());
    }

    /**
     * The certificates an agreement names, from the key ring directory {@code pki}, checked as the gateway does at
     * start-up: each alias (certificates and trust anchors) must be there and match its pinned SHA-256; every signing
     * and encryption certificate must chain (PKIX, intermediates from the directory) to one of the partner's trust
     * anchors, allow its use (key usage), and have a revocation source (a configured CRL of its issuer, a CRL
     * distribution point, or OCSP). Any failure is a configuration error naming the agreement file, line and field,
     * and stops the gateway. Dates and revocation are checked at use, not here.
     */
    public static PartnerCertificates partnerCertificates(Partner p, Path pki, Instant now) {
        List<X509Certificate> anchors = new ArrayList<>();
        for (Partner.CertificateRef ref : p.trustAnchors()) {
            X509Certificate anchor = certificate(ref, pki);
            if (anchor.getBasicConstraints() < 0) {
                throw ref.problem("names '" + ref.alias() + "' (" + anchor.getSubjectX500Principal().getName()
                        + "), which is not a CA certificate and cannot be a trust anchor");
            }
            anchors.add(anchor);
        }
        List<X509Certificate> intermediates = CertificateChains.caCertificatesIn(pki).stream()
                .filter(c -> !CertificateChains.selfSigned(c)).toList();
        List<X509CRL> crls = new ArrayList<>();
        for (String name : p.revocation().crlFiles()) {
            try {
                crls.add(RevocationChecker.readCrl(pki.resolve(name)));
            } catch (IOException | GeneralSecurityException e) {
                // a missing or unreadable CRL leaves its issuer's certificates without this source (checked below)
            }
        }
        Map<X509Certificate, List<X509Certificate>> chains = new HashMap<>();
        List<X509Certificate> signing = new ArrayList<>();
        for (Partner.CertificateRef ref : p.signingCertificates()) {
            signing.add(checked(p, ref, pki, anchors, intermediates, crls, now, chains, true));
        }
        List<X509Certificate> encryption = new ArrayList<>();
        for (Partner.CertificateRef ref : p.encryptionCertificates()) {
            encryption.add(checked(p, ref, pki, anchors, intermediates, crls, now, chains, false));
        }
        return new PartnerCertificates(p.id(), signing, encryption, chains, p.revocation());
    }

    private static X509Certificate checked(Partner p, Partner.CertificateRef ref, Path pki, List<X509Certificate> anchors,
            List<X509Certificate> intermediates, List<X509CRL> crls, Instant now, Map<X509Certificate, List<X509Certificate>> chains,
            boolean signing) {
        X509Certificate cert = certificate(ref, pki);
        String subject = cert.getSubjectX500Principal().getName();
        List<X509Certificate> chain;
        try {
            chain = CertificateChains.build(cert, anchors, intermediates, now);
        } catch (GeneralSecurityException e) {
            throw ref.problem("names certificate '" + ref.alias() + "' (" + subject + ", issued by " + cert.getIssuerX500Principal().getName()
                    + "), which does not chain to the partner's trust anchors " + p.trustAnchors().stream().map(Partner.CertificateRef::alias).toList()
                    + ": " + CertificateChains.reason(e));
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null) {
            // encryption: keyEncipherment for RSA key transport, keyAgreement for ECDH-ES
            boolean allowed = signing ? usage[0] || usage[1] : usage[2] || usage.length > 4 && usage[4];
            if (!allowed) {
                throw ref.problem("names certificate '" + ref.alias() + "' (" + subject + "), whose key usage does not allow "
                        + (signing ? "digitalSignature or nonRepudiation" : "keyEncipherment or keyAgreement"));
            }
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!RevocationChecker.hasSource(chain.get(i), p.revocation(), crls)) {
                throw ref.problem("names certificate '" + ref.alias() + "' whose " + (i == 0 ? "" : "issuing CA ") + "certificate "
                        + chain.get(i).getSubjectX500Principal().getName() + " has no revocation source: no CRL of its issuer "
                        + chain.get(i).getIssuerX500Principal().getName() + " in security.revocation.crls " + p.revocation().crlFiles()
                        + ", no CRL distribution point" + (p.revocation().distributionPoints() ? "" : " (distributionPoints: false)")
                        + " and no OCSP responder");
            }
        }
        chains.put(cert, chain);
        return cert;
    }

    private static X509Certificate certificate(Partner.CertificateRef ref, Path pki) {
        Path file = pki.resolve(ref.alias());
        if (!Files.isRegularFile(file)) {
            throw ref.problem("names certificate '" + ref.alias() + "', which is not in the key ring (" + pki + ")");
        }
        X509Certificate cert = KeyStores.readPem(file);
        if (ref.sha256() != null) {
            String actual = sha256(cert);
            if (!actual.equals(ref.sha256())) {
                throw ref.problem("pins SHA-256 " + ref.sha256() + " but certificate '" + ref.alias() + "' (" + cert.getSubjectX500Principal()
                        .getName() + ") has " + actual);
            }
        }
        return cert;
    }

    /** The SHA-256 fingerprint (lower-case hex) of a certificate's DER encoding. */
    public static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Cannot compute the fingerprint of " + cert.getSubjectX500Principal(), null, e);
        }
    }
}
