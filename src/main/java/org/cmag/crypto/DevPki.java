package org.cmag.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Development PKI, generated on first start into a directory that must never be committed:
 * <ul>
 *   <li>{@code ca.p12} (entry {@value #CA_ALIAS}) and {@code ca.crt}: a self-signed RSA-2048 CA, 10 years;</li>
 *   <li>{@code ca.crl}: the CA's CRL (PEM), reissued when it is less than 30 days from its nextUpdate (one year);</li>
 *   <li>per authority id: {@code <ID>.p12} with one signing key of every {@link KeyType} (entries
 *       {@code signing} = RSA-2048, {@code signing-ec-p256}, {@code signing-ec-p384}, {@code signing-ed25519}) and
 *       one encryption key of every kind that can receive content keys ({@code encryption} = RSA-2048,
 *       {@code encryption-ec-p256}, {@code encryption-ec-p384}), all issued by the CA for 2 years, and each
 *       certificate as {@code <ID>-<alias>.crt} (PEM), e.g. {@code <ID>-signing.crt},
 *       {@code <ID>-signing-ec-p256.crt}.</li>
 * </ul>
 * A keystore from before a kind existed (e.g. only the two RSA entries) gets the missing entries added on the
 * next {@link #ensure}; existing entries and files are kept as they are.
 * All keystores and entries use the store password given to the constructor. Files are written atomically
 * (temporary file, then move) and {@link #ensure} is safe for several gateways in one JVM (a lock per
 * directory) and across processes (a file lock on {@code .devpki.lock}).
 */
public final class DevPki {

    public static final String CA_ALIAS = "ca";

    private static final Pattern AUTHORITY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
    private static final int KEY_BITS = 2048;
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String LOCK_FILE = ".devpki.lock";

    /** One lock per (real) directory, shared by all DevPki instances of this JVM. */
    private static final ConcurrentMap<Path, ReentrantLock> DIRECTORY_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Clock clock;
    private final char[] storePassword;

    public DevPki(Path dir, Clock clock, char[] storePassword) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.storePassword = Objects.requireNonNull(storePassword, "storePassword").clone();
    }

    /**
     * Creates whatever is missing: the CA, and for each authority id its keystore and PEM certificates.
     * Existing files are never rewritten, so calling this again is a no-op.
     */
    public void ensure(Collection<String> authorityIds) {
        Objects.requireNonNull(authorityIds, "authorityIds");
        Set<String> ids = new LinkedHashSet<>();
        for (String id : authorityIds) {
            ids.add(validId(id));
        }
        Path realDir;
        try {
            Files.createDirectories(dir);
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL,
                    "Development PKI directory " + dir + " cannot be created: " + e.getMessage(), null, e);
        }
        ReentrantLock lock = DIRECTORY_LOCKS.computeIfAbsent(realDir, d -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(realDir.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            new Generation(realDir).run(ids);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL,
                    "Development PKI in " + dir + " cannot be locked: " + e.getMessage(), null, e);
        } finally {
            lock.unlock();
        }
    }

    /** Own keys of {@code id} from {@code <dir>/<ID>.p12}. */
    public OwnKeys loadOwn(String id) {
        return KeyStores.loadOwn(dir.resolve(validId(id) + ".p12"), storePassword);
    }

    /** Registered certificates of partner {@code id} from {@code <dir>/<ID>-signing.crt} and {@code -encryption.crt}. */
    public PartnerCertificates loadPartner(String id) {
        String valid = validId(id);
        return new PartnerCertificates(valid,
                KeyStores.readPem(dir.resolve(valid + "-signing.crt")),
                KeyStores.readPem(dir.resolve(valid + "-encryption.crt")));
    }

    /**
     * Registered certificates of partner {@code id} of the kinds {@code profile} needs: the signing certificate
     * for its signature algorithm and the encryption certificate for its key transport or agreement.
     */
    public PartnerCertificates loadPartner(String id, SecurityProfile profile) {
        String valid = validId(id);
        return new PartnerCertificates(valid,
                KeyStores.readPem(dir.resolve(certificateFileName(valid, profile.signature().keyType().signingAlias()))),
                KeyStores.readPem(dir.resolve(certificateFileName(valid,
                        profile.keyTransport().keyTypes().get(0).encryptionAlias().orElseThrow()))));
    }

    /** The development CA certificate from {@code <dir>/ca.crt}. */
    public X509Certificate caCertificate() {
        return KeyStores.readPem(dir.resolve("ca.crt"));
    }

    private static String validId(String id) {
        if (id == null || !AUTHORITY_ID.matcher(id).matches() || CA_ALIAS.equalsIgnoreCase(id)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Invalid authority id '" + id
                    + "': use 1-32 letters, digits, '_' or '-' (and not 'ca')");
        }
        return id;
    }

    /** One ensure() run: key generation state is created lazily and shared by all keys of the run. */
    private final class Generation {
        private final Path dir;
        private SecureRandom random;
        private KeyPairGenerator keyPairGenerator;

        Generation(Path dir) {
            this.dir = dir;
        }

        void run(Set<String> ids) {
            Path caStore = dir.resolve("ca.p12");
            Issuer ca = null;
            if (!Files.exists(caStore)) {
                ca = createCa(caStore);
            }
            exportPemIfMissing(caStore, CA_ALIAS, dir.resolve("ca.crt"));
            Path crl = dir.resolve(DevCertificates.CA_CRL);
            if (crlDue(crl)) {
                if (ca == null) {
                    ca = loadCa(caStore);
                }
                writeCrl(crl, ca);
            }
            for (String id : ids) {
                Path store = dir.resolve(id + ".p12");
                KeyStore existing = Files.exists(store) ? KeyStores.loadPkcs12(store, storePassword) : null;
                List<EntrySpec> missing = new ArrayList<>();
                for (EntrySpec spec : ENTRIES) {
                    if (existing == null || !containsKey(existing, store, spec.alias())) {
                        missing.add(spec);
                    }
                }
                if (!missing.isEmpty()) {
                    if (ca == null) {
                        ca = loadCa(caStore);
                    }
                    addEntries(id, store, existing, missing, ca);
                }
                for (EntrySpec spec : ENTRIES) {
                    exportPemIfMissing(store, spec.alias(), dir.resolve(certificateFileName(id, spec.alias())));
                }
            }
        }

        private Issuer createCa(Path caStore) {
            Instant notBefore = notBefore();
            Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
            X500Principal subject = new X500Principal("CN=CMAG development CA, O=CMAG development, C=XX");
            KeyPair pair = newKeyPair();
            try {
                JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                        Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(Extension.subjectKeyIdentifier, false,
                                extensions.createSubjectKeyIdentifier(pair.getPublic()));
                X509Certificate certificate = sign(builder, pair.getPrivate());
                KeyStore store = emptyStore();
                store.setKeyEntry(CA_ALIAS, pair.getPrivate(), storePassword, new Certificate[] {certificate});
                writeAtomically(caStore, toBytes(store));
                return new Issuer(pair.getPrivate(), certificate);
            } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL,
                        "Development CA " + caStore + " cannot be created: " + e.getMessage(), null, e);
            }
        }

        /** The CA's CRL is (re)issued when missing or when its nextUpdate is less than 30 days away. */
        private boolean crlDue(Path crl) {
            if (!Files.exists(crl)) {
                return true;
            }
            try {
                java.security.cert.X509CRL current = RevocationChecker.readCrl(crl);
                return current.getNextUpdate() == null
                        || current.getNextUpdate().toInstant().isBefore(clock.instant().plus(Duration.ofDays(30)));
            } catch (IOException | GeneralSecurityException e) {
                return true;
            }
        }

        /** The CA's CRL, keeping the serials the previous one revoked; nextUpdate one year on. */
        private void writeCrl(Path crl, Issuer ca) {
            java.util.Map<BigInteger, Instant> revoked = Files.exists(crl) ? safeRevoked(crl) : new java.util.LinkedHashMap<>();
            java.security.cert.X509CRL issued = DevCertificates.crl(new DevCertificates.Issued(ca.privateKey, ca.certificate), notBefore(),
                    clock.instant().plus(Duration.ofDays(365)), revoked);
            try {
                writeAtomically(crl, DevCertificates.pem("X509 CRL", issued.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "CRL " + crl + " cannot be written: " + e.getMessage(), null, e);
            }
        }

        private java.util.Map<BigInteger, Instant> safeRevoked(Path crl) {
            try {
                return DevCertificates.revokedIn(crl);
            } catch (GatewayException e) {
                return new java.util.LinkedHashMap<>();
            }
        }

        private Issuer loadCa(Path caStore) {
            KeyStore store = KeyStores.loadPkcs12(caStore, storePassword);
            return new Issuer(KeyStores.privateKey(store, caStore, CA_ALIAS, storePassword),
                    KeyStores.certificate(store, caStore, CA_ALIAS));
        }

        /** Adds the {@code missing} entries to the keystore (a new one when {@code existing} is null), atomically. */
        private void addEntries(String id, Path target, KeyStore existing, List<EntrySpec> missing, Issuer ca) {
            String country = COUNTRY.matcher(id).matches() ? id.toUpperCase(Locale.ROOT) : "XX";
            Instant notBefore = notBefore();
            Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(2).toInstant();
            if (notAfter.isAfter(ca.certificate.getNotAfter().toInstant())) {
                notAfter = ca.certificate.getNotAfter().toInstant();
            }
            try {
                KeyStore store = existing != null ? existing : emptyStore();
                for (EntrySpec spec : missing) {
                    KeyPair pair = newKeyPair(spec.type());
                    String role = spec.signing() ? "signing" : "encryption";
                    String kind = spec.type() == KeyType.RSA ? "" : " " + spec.type().label();
                    int usage = spec.signing() ? KeyUsage.digitalSignature | KeyUsage.nonRepudiation
                            : spec.type() == KeyType.RSA ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement;
                    X509Certificate certificate = issue(ca, "CN=CMAG " + id + " " + role + kind + ", O=CMAG development, C="
                            + country, pair, new KeyUsage(usage), notBefore, notAfter);
                    store.setKeyEntry(spec.alias(), pair.getPrivate(), storePassword,
                            new Certificate[] {certificate, ca.certificate});
                }
                writeAtomically(target, toBytes(store));
            } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL,
                        "Development keystore " + target + " cannot be created: " + e.getMessage(), null, e);
            }
        }

        private boolean containsKey(KeyStore store, Path file, String alias) {
            try {
                return store.isKeyEntry(alias);
            } catch (GeneralSecurityException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "Keystore " + file + " cannot be read: " + e.getMessage(), null, e);
            }
        }

        private X509Certificate issue(Issuer ca, String subject, KeyPair pair, KeyUsage usage,
                Instant notBefore, Instant notAfter)
                throws GeneralSecurityException, CertIOException, OperatorCreationException {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate, serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subject), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, usage)
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(ca.certificate));
            return sign(builder, ca.privateKey);
        }

        private X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
                throws GeneralSecurityException, OperatorCreationException {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        }

        private void exportPemIfMissing(Path store, String alias, Path pem) {
            if (Files.exists(pem)) {
                return;
            }
            X509Certificate certificate =
                    KeyStores.certificate(KeyStores.loadPkcs12(store, storePassword), store, alias);
            try {
                writeAtomically(pem, toPem(certificate));
            } catch (GeneralSecurityException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL,
                        "Certificate " + pem + " cannot be written: " + e.getMessage(), null, e);
            }
        }

        private KeyPair newKeyPair() {
            return newKeyPair(KeyType.RSA);
        }

        private KeyPair newKeyPair(KeyType type) {
            if (type != KeyType.RSA) {
                if (random == null) {
                    random = new SecureRandom();
                }
                return type.generate(random);
            }
            try {
                if (keyPairGenerator == null) {
                    random = new SecureRandom();
                    keyPairGenerator = KeyPairGenerator.getInstance("RSA");
                    keyPairGenerator.initialize(KEY_BITS, random);
                }
                return keyPairGenerator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "RSA key generation is not available: " + e.getMessage(), null, e);
            }
        }

        private BigInteger serial() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new BigInteger(127, random).add(BigInteger.ONE);
        }

        private Instant notBefore() {
            return clock.instant().minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
        }

        private KeyStore emptyStore() throws GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            return store;
        }

        private byte[] toBytes(KeyStore store) throws GeneralSecurityException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                store.store(out, storePassword);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            return out.toByteArray();
        }

        /** Temporary file in the same directory (owner-only permissions on POSIX), then an atomic rename. */
        private void writeAtomically(Path target, byte[] content) {
            try {
                AtomicFiles.write(target, content);
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "File " + target + " cannot be written: " + e.getMessage(), null, e);
            }
        }
    }

    static byte[] toPem(X509Certificate certificate) throws GeneralSecurityException {
        return DevCertificates.pem("CERTIFICATE", certificate.getEncoded());
    }

    private record Issuer(PrivateKey privateKey, X509Certificate certificate) {
    }

    /** One keystore entry every authority gets. */
    private record EntrySpec(String alias, KeyType type, boolean signing) {
    }

    private static final List<EntrySpec> ENTRIES = entries();

    private static List<EntrySpec> entries() {
        List<EntrySpec> list = new ArrayList<>();
        for (KeyType type : KeyType.values()) {
            list.add(new EntrySpec(type.signingAlias(), type, true));
        }
        for (KeyType type : KeyType.values()) {
            type.encryptionAlias().ifPresent(alias -> list.add(new EntrySpec(alias, type, false)));
        }
        return List.copyOf(list);
    }

    /** {@code <ID>-<alias>.crt}: the PEM certificate of one of an authority's keystore entries. */
    public static String certificateFileName(String id, String alias) {
        return validId(id) + "-" + alias + ".crt";
    }
}
