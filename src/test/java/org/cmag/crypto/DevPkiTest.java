package org.cmag.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class DevPkiTest {

    static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    static DevPki pki;

    @BeforeAll
    static void generate() {
        pki = new DevPki(dir, CLOCK, PASSWORD);
        pki.ensure(List.of("NL", "DE"));
    }

    static Map<String, byte[]> snapshot(Path directory) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void createsTheExpectedFiles() throws Exception {
        assertThat(snapshot(dir).keySet()).contains("ca.p12", "ca.crt", "NL.p12", "NL-signing.crt",
                "NL-encryption.crt", "DE.p12", "DE-signing.crt", "DE-encryption.crt");
        assertThat(snapshot(dir).keySet()).contains("NL-signing-ec-p256.crt", "NL-signing-ec-p384.crt", "NL-signing-ed25519.crt",
                "NL-encryption-ec-p256.crt", "NL-encryption-ec-p384.crt", "DE-signing-ec-p256.crt");
        assertThat(snapshot(dir).keySet()).noneMatch(name -> name.endsWith(".tmp"));
        assertThat(Files.readString(dir.resolve("NL-signing.crt"), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void ensureIsIdempotent() throws Exception {
        Map<String, byte[]> before = snapshot(dir);
        new DevPki(dir, CLOCK, PASSWORD).ensure(List.of("DE", "NL"));
        Map<String, byte[]> after = snapshot(dir);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String name : before.keySet()) {
            assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
        }
    }

    @Test
    void certificatesHaveTheAgreedShape() throws Exception {
        X509Certificate ca = pki.caCertificate();
        OwnKeys nl = pki.loadOwn("NL");
        X509Certificate signing = nl.signingCertificate();
        X509Certificate encryption = nl.encryptionCertificate();

        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(signing.getBasicConstraints()).isEqualTo(-1);
        assertThat(signing.getSubjectX500Principal().getName())
                .isEqualTo("CN=CMAG NL signing,O=CMAG development,C=NL");
        assertThat(encryption.getSubjectX500Principal().getName())
                .isEqualTo("CN=CMAG NL encryption,O=CMAG development,C=NL");
        assertThat(signing.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        signing.verify(ca.getPublicKey());
        encryption.verify(ca.getPublicKey());
        // keyUsage: digitalSignature(0), nonRepudiation(1) / keyEncipherment(2)
        assertThat(signing.getKeyUsage()).startsWith(true, true, false);
        assertThat(encryption.getKeyUsage()).startsWith(false, false, true);
        assertThat(signing.getNotAfter().toInstant()).isBetween(NOW.plusSeconds(729L * 86400), NOW.plusSeconds(732L * 86400));
        assertThat(ca.getNotAfter().toInstant()).isAfter(NOW.plusSeconds(3650L * 86400 - 86400));
        signing.checkValidity(java.util.Date.from(NOW));
    }

    @Test
    void ownKeysMatchPartnerCertificates() {
        OwnKeys nl = pki.loadOwn("NL");
        PartnerCertificates nlAsPartner = pki.loadPartner("NL");
        assertThat(nlAsPartner.partnerId()).isEqualTo("NL");
        assertThat(nlAsPartner.signingCertificate()).isEqualTo(nl.signingCertificate());
        assertThat(nlAsPartner.encryptionCertificate()).isEqualTo(nl.encryptionCertificate());
        assertThat(nl.toString()).doesNotContain("modulus").doesNotContain("exponent");

        SecureXml xml = new SecureXml();
        XmlSecurity security = new XmlSecurity(xml, CLOCK);
        Document doc = xml.parse("<a xmlns=\"urn:x\"><b>1</b><c>2</c></a>".getBytes(StandardCharsets.UTF_8));
        security.sign(doc, nl.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        security.encrypt(doc, (org.w3c.dom.Element) doc.getDocumentElement().getFirstChild(),
                nlAsPartner.encryptionCertificate(), SecurityProfile.DEFAULT);
        Document received = xml.parse(xml.serialize(doc));
        security.decrypt(received, nl.encryptionKey(), SecurityProfile.DEFAULT);
        security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT);
    }

    @Test
    void productionStyleLoadingUsesTheSameCode() {
        OwnKeys viaUtility = KeyStores.loadOwn(dir.resolve("DE.p12"), PASSWORD);
        assertThat(viaUtility.signingCertificate()).isEqualTo(pki.loadOwn("DE").signingCertificate());
        assertThat(KeyStores.readPem(dir.resolve("DE-encryption.crt"))).isEqualTo(viaUtility.encryptionCertificate());
    }

    @Test
    void missingOrUnreadableMaterialIsKeyMaterial() throws Exception {
        assertThatThrownBy(() -> pki.loadOwn("XX"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
                    assertThat(e.detail()).contains("XX.p12");
                });
        assertThatThrownBy(() -> pki.loadPartner("XX"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
                    assertThat(e.detail()).contains("XX-signing.crt");
                });
        assertThatThrownBy(() -> KeyStores.loadOwn(dir.resolve("NL.p12"), "wrong".toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
                    assertThat(e.detail()).contains("NL.p12");
                });
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
        assertThatThrownBy(() -> KeyStores.readPem(garbage))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
                    assertThat(e.detail()).contains("garbage.crt");
                });
        Files.delete(garbage);
    }

    @Test
    void everyKindOfKeyIsGeneratedWithACertificateOfTheRightShape() throws Exception {
        OwnKeys nl = pki.loadOwn("NL");
        X509Certificate ca = pki.caCertificate();
        assertThat(nl.signing().keySet()).containsExactlyInAnyOrder(KeyType.values());
        assertThat(nl.encryption().keySet()).containsExactlyInAnyOrder(KeyType.RSA, KeyType.EC_P256, KeyType.EC_P384);
        for (KeyType type : KeyType.values()) {
            OwnKeys.Entry e = nl.signing(type).orElseThrow();
            assertThat(e.alias()).isEqualTo(type.signingAlias());
            assertThat(KeyType.of(e.certificate().getPublicKey())).contains(type);
            assertThat(KeyStores.readPem(dir.resolve(DevPki.certificateFileName("NL", e.alias())))).isEqualTo(e.certificate());
            e.certificate().verify(ca.getPublicKey());
            assertThat(e.certificate().getKeyUsage()).startsWith(true, true, false);
        }
        OwnKeys.Entry ecdh = nl.encryption(KeyType.EC_P256).orElseThrow();
        assertThat(ecdh.certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=CMAG NL encryption EC P-256,O=CMAG development,C=NL");
        // keyUsage bit 4: keyAgreement, not keyEncipherment (2)
        assertThat(ecdh.certificate().getKeyUsage()).startsWith(false, false, false, false, true);
    }

    @Test
    void aKeystoreWithOnlyTheRsaKeysGetsTheMissingKindsAddedAndKeepsItsRsaKeys(@TempDir Path legacy) throws Exception {
        new DevPki(legacy, CLOCK, PASSWORD).ensure(List.of("NL"));
        // make NL.p12 and its files look like a data directory from before EC keys existed
        Path p12 = legacy.resolve("NL.p12");
        java.security.KeyStore store = KeyStores.loadPkcs12(p12, PASSWORD);
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (!alias.equals("signing") && !alias.equals("encryption")) {
                store.deleteEntry(alias);
            }
        }
        try (java.io.OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, PASSWORD);
        }
        try (Stream<Path> files = Files.list(legacy)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("NL-(signing|encryption)-.*\\.crt")).toList()) {
                Files.delete(f);
            }
        }
        OwnKeys before = KeyStores.loadOwn(p12, PASSWORD);
        assertThat(before.signing().keySet()).containsExactly(KeyType.RSA);
        byte[] signingPem = Files.readAllBytes(legacy.resolve("NL-signing.crt"));

        new DevPki(legacy, CLOCK, PASSWORD).ensure(List.of("NL"));

        OwnKeys after = KeyStores.loadOwn(p12, PASSWORD);
        assertThat(after.signing().keySet()).containsExactlyInAnyOrder(KeyType.values());
        assertThat(after.encryption().keySet()).containsExactlyInAnyOrder(KeyType.RSA, KeyType.EC_P256, KeyType.EC_P384);
        assertThat(after.signingCertificate()).isEqualTo(before.signingCertificate());
        assertThat(after.signingKey()).isEqualTo(before.signingKey());
        assertThat(after.encryptionCertificate()).isEqualTo(before.encryptionCertificate());
        assertThat(Files.readAllBytes(legacy.resolve("NL-signing.crt"))).isEqualTo(signingPem);
        assertThat(KeyStores.readPem(legacy.resolve("NL-signing-ec-p256.crt")))
                .isEqualTo(after.signing(KeyType.EC_P256).orElseThrow().certificate());
    }

    @Test
    void keystoresWithUnsupportedOrDuplicateKindsAreKeyMaterial(@TempDir Path other) throws Exception {
        OwnKeys nl = pki.loadOwn("NL");
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        java.security.KeyPair weak = rsa.generateKeyPair();
        X509Certificate weakCert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(new javax.security.auth.x500.X500Principal("CN=weak"),
                        java.math.BigInteger.TEN, java.util.Date.from(NOW.minusSeconds(60)), java.util.Date.from(NOW.plusSeconds(86400)),
                        new javax.security.auth.x500.X500Principal("CN=weak"), weak.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate())));

        java.security.KeyStore withWeak = java.security.KeyStore.getInstance("PKCS12");
        withWeak.load(null, null);
        withWeak.setKeyEntry("signing", weak.getPrivate(), PASSWORD, new java.security.cert.Certificate[] {weakCert});
        withWeak.setKeyEntry("encryption", nl.encryptionKey(), PASSWORD, new java.security.cert.Certificate[] {nl.encryptionCertificate()});
        Path weakStore = other.resolve("weak.p12");
        try (java.io.OutputStream out = Files.newOutputStream(weakStore)) {
            withWeak.store(out, PASSWORD);
        }
        assertThatThrownBy(() -> KeyStores.loadOwn(weakStore, PASSWORD)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
            assertThat(e.detail()).contains("weak.p12").contains("'signing'").contains("RSA-1024");
        });

        java.security.KeyStore twice = java.security.KeyStore.getInstance("PKCS12");
        twice.load(null, null);
        twice.setKeyEntry("signing", nl.signingKey(), PASSWORD, new java.security.cert.Certificate[] {nl.signingCertificate()});
        twice.setKeyEntry("encryption", nl.encryptionKey(), PASSWORD, new java.security.cert.Certificate[] {nl.encryptionCertificate()});
        twice.setKeyEntry("encryption-2", nl.encryptionKey(), PASSWORD, new java.security.cert.Certificate[] {nl.encryptionCertificate()});
        Path twiceStore = other.resolve("twice.p12");
        try (java.io.OutputStream out = Files.newOutputStream(twiceStore)) {
            twice.store(out, PASSWORD);
        }
        assertThatThrownBy(() -> KeyStores.loadOwn(twiceStore, PASSWORD)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
            assertThat(e.detail()).contains("twice.p12").contains("two RSA encryption keys, 'encryption' and 'encryption-2'");
        });

        twice.deleteEntry("encryption-2");
        twice.setKeyEntry("encryption-ed", nl.signing(KeyType.ED25519).orElseThrow().key(), PASSWORD,
                new java.security.cert.Certificate[] {nl.signing(KeyType.ED25519).orElseThrow().certificate()});
        Path edStore = other.resolve("ed.p12");
        try (java.io.OutputStream out = Files.newOutputStream(edStore)) {
            twice.store(out, PASSWORD);
        }
        assertThatThrownBy(() -> KeyStores.loadOwn(edStore, PASSWORD)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
            assertThat(e.detail()).contains("'encryption-ed'").contains("Ed25519 key, which cannot receive encrypted content");
        });

        java.security.KeyStore mismatched = java.security.KeyStore.getInstance("PKCS12");
        mismatched.load(null, null);
        mismatched.setKeyEntry("signing-ec-p256", nl.encryption(KeyType.EC_P256).orElseThrow().key(), PASSWORD,
                new java.security.cert.Certificate[] {nl.signing(KeyType.EC_P256).orElseThrow().certificate()});
        mismatched.setKeyEntry("encryption", nl.encryptionKey(), PASSWORD, new java.security.cert.Certificate[] {nl.encryptionCertificate()});
        Path mismatchedStore = other.resolve("mismatched.p12");
        try (java.io.OutputStream out = Files.newOutputStream(mismatchedStore)) {
            mismatched.store(out, PASSWORD);
        }
        assertThatThrownBy(() -> KeyStores.loadOwn(mismatchedStore, PASSWORD)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.KEY_MATERIAL);
            assertThat(e.detail()).contains("'signing-ec-p256' does not belong to its certificate");
        });
    }

    @Test
    void invalidAuthorityIdsAreRejected() {
        for (String bad : new String[] {"../x", "", "ca", "a b"}) {
            assertThatThrownBy(() -> pki.ensure(List.of(bad)))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION));
        }
    }

    @Test
    void twoGatewaysEnsuringOverlappingIdsConcurrently(@TempDir Path shared) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Void>> gateways = new ArrayList<>();
            for (List<String> ids : List.of(List.of("BE", "LU"), List.of("LU", "BE"))) {
                gateways.add(() -> {
                    start.await();
                    new DevPki(shared, CLOCK, PASSWORD).ensure(ids);
                    return null;
                });
            }
            List<Future<Void>> results = new ArrayList<>();
            for (Callable<Void> g : gateways) {
                results.add(pool.submit(g));
            }
            start.countDown();
            for (Future<Void> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        DevPki after = new DevPki(shared, CLOCK, PASSWORD);
        X509Certificate ca = after.caCertificate();
        for (String id : List.of("BE", "LU")) {
            OwnKeys own = after.loadOwn(id);
            assertThat(after.loadPartner(id).signingCertificate()).isEqualTo(own.signingCertificate());
            own.signingCertificate().verify(ca.getPublicKey());
        }
    }
}
