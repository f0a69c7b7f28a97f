package org.cmag.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
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

    /**
     * The certificates an agreement names, from the key ring directory {@code pki}: each alias must be there and, when
     * the agreement pins a SHA-256 fingerprint, the certificate must have it. Either failure is a configuration error
     * naming the agreement file, line and field, and stops the gateway.
     */
    public static PartnerCertificates partnerCertificates(Partner p, Path pki) {
        return new PartnerCertificates(p.id(), certificate(p.signingCertificate(), pki), certificate(p.encryptionCertificate(), pki));
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
