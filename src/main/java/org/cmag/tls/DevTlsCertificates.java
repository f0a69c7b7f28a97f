package org.cmag.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cmag.crypto.DevPki;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Development TLS certificates, next to the {@link DevPki} files and issued by its CA ({@code ca.p12}): per authority id
 * {@code <ID>-tls.p12} (entry {@value #ALIAS}, RSA-2048, 2 years, store and entry protected by the store password) and
 * {@code <ID>-tls.crt} (PEM). Each certificate serves both ends of a partner channel: extended key usage serverAuth and
 * clientAuth, subject alternative names {@code 127.0.0.1} and {@code localhost} (the demo gateways run on loopback),
 * subject {@code CN=<ID>, OU=CMAG TLS, O=CMAG development}. Existing files are kept; creation is serialised by a file
 * lock on {@code .devtls.lock}. Never for production keys.
 */
public final class DevTlsCertificates {
    /** The entry of the TLS key in {@code <ID>-tls.p12}. */
    public static final String ALIAS = "tls";
    private static final String LOCK_FILE = ".devtls.lock";
    private static final Object JVM_LOCK = new Object();

    private final Path dir;
    private final Clock clock;
    private final char[] password;

    public DevTlsCertificates(Path dir, Clock clock, char[] password) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.password = password.clone();
    }

    /** The development keystore of {@code id}'s TLS key. */
    public static String keystoreName(String id) {
        return id + "-tls.p12";
    }

    /** The development TLS certificate of {@code id} (PEM). */
    public static String certificateName(String id) {
        return id + "-tls.crt";
    }

    /** Creates the TLS keystore and certificate of every id that lacks them; the dev CA must exist ({@link DevPki#ensure}). */
    public void ensure(Collection<String> ids) {
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                KeyStore ca = null;
                for (String id : ids) {
                    DevPki.certificateFileName(id, ALIAS); // the same id rules as the signing and encryption keys
                    Path store = dir.resolve(keystoreName(id));
                    Path pem = dir.resolve(certificateName(id));
                    if (Files.exists(store) && Files.exists(pem)) {
                        continue;
                    }
                    if (ca == null) {
                        ca = load(dir.resolve("ca.p12"));
                    }
                    issue(id, ca, store, pem);
                }
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "Development TLS certificates in " + dir + " cannot be created: "
                        + e.getMessage(), null, e);
            }
        }
    }

    private void issue(String id, KeyStore caStore, Path store, Path pem) {
        try {
            PrivateKey caKey = (PrivateKey) caStore.getKey(DevPki.CA_ALIAS, password);
            X509Certificate caCert = (X509Certificate) caStore.getCertificate(DevPki.CA_ALIAS);
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            KeyPair pair = generator.generateKeyPair();
            Instant notBefore = clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(2).toInstant();
            if (notAfter.isAfter(caCert.getNotAfter().toInstant())) {
                notAfter = caCert.getNotAfter().toInstant();
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, new BigInteger(127, random).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal("CN=" + id + ", OU=CMAG TLS, O=CMAG development"),
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                        new GeneralName(GeneralName.dNSName, "localhost")}))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {cert, caCert});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            write(store, out.toByteArray());
            write(pem, org.cmag.crypto.DevCertificates.pem("CERTIFICATE", cert.getEncoded()));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Development TLS certificate of " + id + " cannot be issued: " + e.getMessage(),
                    null, e);
        }
    }

    private KeyStore load(Path p12) {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Development CA " + p12 + " cannot be read: " + e.getMessage(), null, e);
        }
    }

    private void write(Path target, byte[] content) throws IOException {
        org.cmag.crypto.AtomicFiles.write(target, content);
    }
}
