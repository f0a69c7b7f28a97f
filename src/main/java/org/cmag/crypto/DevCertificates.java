package org.cmag.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Development and test certificates beyond what {@link DevPki} generates: certificates with any validity (expired,
 * not yet valid, overlapping for key rotation), other CAs (an unknown issuer), CRL distribution points and OCSP
 * responders, CRLs that revoke, and extra signing entries in a development keystore. Never for production keys.
 */
public final class DevCertificates {
    /** The CRL {@link DevPki} keeps for its CA, {@code <dir>/ca.crl}. */
    public static final String CA_CRL = "ca.crl";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a certificate is for. */
    public enum Usage {
        SIGNING,
        ENCRYPTION,
        CA,
        OCSP_RESPONDER
    }

    /** A certificate with its private key. */
    public record Issued(PrivateKey key, X509Certificate certificate) {
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    /** What to issue; {@code crlDistributionPoint} and {@code ocspResponder} may be null. */
    public record Spec(String subject, Usage usage, Instant notBefore, Instant notAfter, URI crlDistributionPoint, URI ocspResponder) {
        public static Spec of(String subject, Usage usage, Instant notBefore, Instant notAfter) {
            return new Spec(subject, usage, notBefore, notAfter, null, null);
        }
    }

    private DevCertificates() {
    }

    /** The CA of the development PKI in {@code dir} ({@code ca.p12}, entry {@value DevPki#CA_ALIAS}). */
    public static Issued devCa(Path dir, char[] storePassword) {
        Path p12 = dir.resolve("ca.p12");
        KeyStore store = KeyStores.loadPkcs12(p12, storePassword);
        return new Issued(KeyStores.privateKey(store, p12, DevPki.CA_ALIAS, storePassword), KeyStores.certificate(store, p12, DevPki.CA_ALIAS));
    }

    /** A new self-signed CA (RSA-2048). */
    public static Issued newCa(String subject, Instant notBefore, Instant notAfter) {
        KeyPair pair = keyPair();
        return new Issued(pair.getPrivate(), build(null, Spec.of(subject, Usage.CA, notBefore, notAfter), pair));
    }

    /** A certificate issued by {@code ca} for a new RSA-2048 key. */
    public static Issued issue(Issued ca, Spec spec) {
        KeyPair pair = keyPair();
        return new Issued(pair.getPrivate(), build(ca, spec, pair));
    }

    /** A CRL of {@code ca} revoking the given serial numbers at the given instants. */
    public static X509CRL crl(Issued ca, Instant thisUpdate, Instant nextUpdate, Map<BigInteger, Instant> revoked) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.certificate(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (Map.Entry<BigInteger, Instant> e : revoked.entrySet()) {
                builder.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "CRL cannot be built: " + e.getMessage(), null, e);
        }
    }

    /**
     * Revokes {@code serial} in the development CA's CRL {@code <dir>/ca.crl} (kept entries, new thisUpdate and a
     * nextUpdate one year on), rewritten atomically.
     */
    public static X509CRL revokeInDevCrl(Path dir, char[] storePassword, BigInteger serial, Instant at) {
        Issued ca = devCa(dir, storePassword);
        Map<BigInteger, Instant> revoked = revokedIn(dir.resolve(CA_CRL));
        revoked.putIfAbsent(serial, at);
        X509CRL crl = crl(ca, at.minus(Duration.ofMinutes(1)), at.plus(Duration.ofDays(365)), revoked);
        write(dir.resolve(CA_CRL), pem("X509 CRL", encoded(crl)));
        return crl;
    }

    /** The revoked serials (with their dates) of a CRL file; empty when there is none. */
    public static Map<BigInteger, Instant> revokedIn(Path crlFile) {
        Map<BigInteger, Instant> out = new LinkedHashMap<>();
        if (!Files.exists(crlFile)) {
            return out;
        }
        try {
            X509CRL crl = RevocationChecker.readCrl(crlFile);
            if (crl.getRevokedCertificates() != null) {
                for (X509CRLEntry e : crl.getRevokedCertificates()) {
                    out.put(e.getSerialNumber(), e.getRevocationDate().toInstant());
                }
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "CRL " + crlFile + " cannot be read: " + e.getMessage(), null, e);
        }
    }

    /** Writes a certificate as PEM, atomically. */
    public static void writeCertificate(Path file, X509Certificate certificate) {
        write(file, pem("CERTIFICATE", encoded(certificate)));
    }

    /** Writes a CRL as PEM, atomically. */
    public static void writeCrl(Path file, X509CRL crl) {
        write(file, pem("X509 CRL", encoded(crl)));
    }

    /** Adds (or replaces) a private-key entry {@code alias} in the keystore {@code p12}, e.g. {@code signing-2027}. */
    public static void addKeyEntry(Path p12, char[] storePassword, String alias, Issued issued, X509Certificate issuer) {
        KeyStore store = KeyStores.loadPkcs12(p12, storePassword);
        try {
            store.setKeyEntry(alias, issued.key(), storePassword, new Certificate[] {issued.certificate(), issuer});
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            store.store(out, storePassword);
            write(p12, out.toByteArray());
        } catch (GeneralSecurityException | IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Keystore " + p12 + " cannot be updated: " + e.getMessage(), null, e);
        }
    }

    /** PEM text of DER bytes. */
    public static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Certificate cannot be encoded", null, e);
        }
    }

    private static byte[] encoded(X509CRL c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "CRL cannot be encoded", null, e);
        }
    }

    private static X509Certificate build(Issued ca, Spec spec, KeyPair pair) {
        try {
            X500Principal subject = new X500Principal(spec.subject());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder b = ca == null
                    ? new JcaX509v3CertificateBuilder(subject, serial, Date.from(spec.notBefore()), Date.from(spec.notAfter()), subject, pair.getPublic())
                    : new JcaX509v3CertificateBuilder(ca.certificate(), serial, Date.from(spec.notBefore()), Date.from(spec.notAfter()), subject,
                            pair.getPublic());
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            if (ca != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            }
            switch (spec.usage()) {
                case CA -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SIGNING -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
                }
                case ENCRYPTION -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment));
                }
                case OCSP_RESPONDER -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
                }
                default -> throw new IllegalStateException();
            }
            if (spec.crlDistributionPoint() != null) {
                GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spec.crlDistributionPoint().toString()));
                b.addExtension(Extension.cRLDistributionPoints, false,
                        new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(new DistributionPointName(names), null, null)}));
            }
            if (spec.ocspResponder() != null) {
                b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(AccessDescription.id_ad_ocsp,
                        new GeneralName(GeneralName.uniformResourceIdentifier, spec.ocspResponder().toString())));
            }
            PrivateKey signer = ca == null ? pair.getPrivate() : ca.key();
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Certificate " + spec.subject() + " cannot be issued: " + e.getMessage(), null, e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "RSA key generation is not available", null, e);
        }
    }

    private static void write(Path target, byte[] content) {
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "File " + target + " cannot be written: " + e.getMessage(), null, e);
        }
    }
}
