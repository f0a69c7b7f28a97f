package org.cmag.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Every algorithm the enums can represent, in every combination, with development keys of every kind: round
 * trips, tampering after sealing, exact allow-list matching, weak algorithm identifiers and key-kind mismatches.
 */
class AlgorithmProfilesTest {

    static final String EX = "urn:cmag:exchange:1";
    static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final String XENC11 = "http://www.w3.org/2009/xmlenc11#";
    static final String DSIG11 = "http://www.w3.org/2009/xmldsig11#";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC);

    static final String MESSAGE = "<ex:ExchangeMessage xmlns:ex=\"urn:cmag:exchange:1\" Id=\"m1\">"
            + "<ex:Header><ex:MessageId>m1</ex:MessageId><ex:Sender>NL</ex:Sender><ex:Receiver>DE</ex:Receiver></ex:Header>"
            + "<ex:Body><ex:AssistanceRequest><ex:Subject>Secret Trader B.V.</ex:Subject></ex:AssistanceRequest></ex:Body>"
            + "</ex:ExchangeMessage>";

    static final SecurityProfile ECDSA_ECDH = new SecurityProfile(SignatureAlgorithm.ECDSA_SHA256, DigestAlgorithm.SHA256,
            ContentEncryptionAlgorithm.AES128_GCM, KeyTransportAlgorithm.ECDH_ES_KW_AES128);

    @TempDir
    static Path pkiDir;

    static DevPki pki;
    static OwnKeys nl;
    static OwnKeys de;
    static OwnKeys fr;

    final SecureXml xml = new SecureXml();
    final XmlSecurity security = new XmlSecurity(xml, CLOCK);

    @BeforeAll
    static void generateKeys() {
        pki = new DevPki(pkiDir, CLOCK, "changeit".toCharArray());
        pki.ensure(List.of("NL", "DE", "FR"));
        nl = pki.loadOwn("NL");
        de = pki.loadOwn("DE");
        fr = pki.loadOwn("FR");
    }

    static Stream<Arguments> everyProfile() {
        List<Arguments> all = new ArrayList<>();
        for (SignatureAlgorithm s : SignatureAlgorithm.values()) {
            for (DigestAlgorithm d : DigestAlgorithm.values()) {
                for (ContentEncryptionAlgorithm c : ContentEncryptionAlgorithm.values()) {
                    for (KeyTransportAlgorithm k : KeyTransportAlgorithm.values()) {
                        all.add(Arguments.of(new SecurityProfile(s, d, c, k)));
                    }
                }
            }
        }
        return all.stream();
    }

    static Stream<Arguments> signatureProfiles() {
        List<Arguments> all = new ArrayList<>();
        for (SignatureAlgorithm s : SignatureAlgorithm.values()) {
            for (DigestAlgorithm d : DigestAlgorithm.values()) {
                all.add(Arguments.of(new SecurityProfile(s, d, ContentEncryptionAlgorithm.AES256_GCM,
                        KeyTransportAlgorithm.RSA_OAEP_11)));
            }
        }
        return all.stream();
    }

    static Stream<Arguments> encryptionProfiles() {
        List<Arguments> all = new ArrayList<>();
        for (ContentEncryptionAlgorithm c : ContentEncryptionAlgorithm.values()) {
            for (KeyTransportAlgorithm k : KeyTransportAlgorithm.values()) {
                all.add(Arguments.of(new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256, c, k)));
            }
        }
        return all.stream();
    }

    Document message() {
        return xml.parse(MESSAGE.getBytes(StandardCharsets.UTF_8));
    }

    Document overTheWire(Document doc) {
        return xml.parse(xml.serialize(doc));
    }

    static Element first(Document doc, String ns, String localName) {
        Element e = (Element) doc.getElementsByTagNameNS(ns, localName).item(0);
        assertThat(e).as(localName).isNotNull();
        return e;
    }

    static Element body(Document doc) {
        return first(doc, EX, "Body");
    }

    static void assertFails(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).as(e.detail()).isEqualTo(code);
            assertThat(e.detail()).isNotBlank();
        });
    }

    /** NL signs with its key for the profile, then encrypts the body to DE's certificate for the profile. */
    Document sealed(SecurityProfile p) {
        Document doc = message();
        security.sign(doc, nl, p);
        security.encrypt(doc, body(doc), pki.loadPartner("DE", p).encryptionCertificate(), p);
        return overTheWire(doc);
    }

    Document signed(SecurityProfile p) {
        Document doc = message();
        security.sign(doc, nl, p);
        return overTheWire(doc);
    }

    // ------------------------------------------------------------------------------------ round trips

    @ParameterizedTest
    @MethodSource("everyProfile")
    void everyCombinationSealsAndOpens(SecurityProfile p) {
        Document received = sealed(p);
        String wire = new String(xml.serialize(received), StandardCharsets.UTF_8);
        assertThat(wire).doesNotContain("Secret Trader").contains(p.signature().uri()).contains(p.digest().uri())
                .contains(p.content().uri()).contains(p.keyTransport().uri());

        security.decrypt(received, de, p);
        Element covered = security.verify(overTheWire(received), pki.loadPartner("NL", p).signingCertificate(), p);

        assertThat(covered.getElementsByTagNameNS(EX, "Subject").item(0).getTextContent()).isEqualTo("Secret Trader B.V.");
    }

    @ParameterizedTest
    @MethodSource("signatureProfiles")
    void everySignatureIsBrokenByAChangeAfterSigning(SecurityProfile p) {
        Document changedContent = signed(p);
        first(changedContent, EX, "Receiver").setTextContent("FR");
        assertFails(() -> security.verify(changedContent, pki.loadPartner("NL", p).signingCertificate(), p),
                ErrorCode.SIGNATURE_INVALID);

        Document changedValue = signed(p);
        Element value = first(changedValue, DS, "SignatureValue");
        byte[] bytes = Base64.getMimeDecoder().decode(value.getTextContent());
        bytes[bytes.length / 2] ^= 0x01;
        value.setTextContent(Base64.getEncoder().encodeToString(bytes));
        assertFails(() -> security.verify(changedValue, pki.loadPartner("NL", p).signingCertificate(), p),
                ErrorCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @MethodSource("signatureProfiles")
    void everySignatureFromAnotherSignerOfTheSameKindIsRejected(SecurityProfile p) {
        Document doc = message();
        security.sign(doc, fr, p);
        Document received = overTheWire(doc);
        assertFails(() -> security.verify(received, pki.loadPartner("NL", p).signingCertificate(), p),
                ErrorCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @MethodSource("encryptionProfiles")
    void everyEncryptionIsBrokenByAChangedCiphertextOrWrappedKey(SecurityProfile p) {
        Document data = sealed(p);
        flipByte(first(data, XENC, "EncryptedData").getLastChild().getFirstChild());
        assertFails(() -> security.decrypt(data, de, p), ErrorCode.DECRYPTION_FAILED);

        Document key = sealed(p);
        Element keyCipherValue = (Element) first(key, XENC, "EncryptedKey").getElementsByTagNameNS(XENC, "CipherValue").item(0);
        flipByte(keyCipherValue);
        assertFails(() -> security.decrypt(key, de, p), ErrorCode.DECRYPTION_FAILED);

        Document other = sealed(p);
        assertFails(() -> security.decrypt(other, fr, p), ErrorCode.DECRYPTION_FAILED);
    }

    private static void flipByte(Node cipherValue) {
        byte[] bytes = Base64.getMimeDecoder().decode(cipherValue.getTextContent());
        bytes[bytes.length - 3] ^= 0x10;
        cipherValue.setTextContent(Base64.getEncoder().encodeToString(bytes));
    }

    @ParameterizedTest
    @MethodSource("encryptionProfiles")
    void theSendersMessageDigestEqualsTheReceiversForEveryEncryption(SecurityProfile p) {
        // the receipt names the receiver's canonical SHA-256 of the bytes received; the sender compares its own
        Document doc = message();
        security.sign(doc, nl, p);
        security.encrypt(doc, body(doc), pki.loadPartner("DE", p).encryptionCertificate(), p);
        assertThat(org.cmag.exchange.MessageDigests.canonicalSha256(overTheWire(doc).getDocumentElement()))
                .isEqualTo(org.cmag.exchange.MessageDigests.canonicalSha256(doc.getDocumentElement()));
    }

    @Test
    void ecdhEsWorksWithAP384RecipientKey() {
        SecurityProfile p = new SecurityProfile(SignatureAlgorithm.ECDSA_SHA384, DigestAlgorithm.SHA384,
                ContentEncryptionAlgorithm.AES256_GCM, KeyTransportAlgorithm.ECDH_ES_KW_AES256);
        Document doc = message();
        security.sign(doc, nl, p);
        security.encrypt(doc, body(doc), KeyStores.readPem(pkiDir.resolve("DE-encryption-ec-p384.crt")), p);
        Document received = overTheWire(doc);
        assertThat(first(received, DSIG11, "NamedCurve").getAttribute("URI")).isEqualTo("urn:oid:1.3.132.0.34");
        assertFails(() -> security.decrypt(overTheWire(received), de, p), ErrorCode.ALGORITHM_NOT_ALLOWED);

        security.decrypt(received, de.encryption(KeyType.EC_P384).orElseThrow().key(), p);
        security.verify(received, KeyStores.readPem(pkiDir.resolve("NL-signing-ec-p384.crt")), p);
    }

    // ---------------------------------------------------------------------- exact allow-list matching

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aSignatureMethodOtherThanTheAgreementsIsNotAllowed(SignatureAlgorithm used) {
        SecurityProfile sent = new SecurityProfile(used, DigestAlgorithm.SHA256, ContentEncryptionAlgorithm.AES256_GCM,
                KeyTransportAlgorithm.RSA_OAEP_11);
        Document doc = signed(sent);
        for (SignatureAlgorithm expected : SignatureAlgorithm.values()) {
            if (expected != used) {
                SecurityProfile agreed = new SecurityProfile(expected, DigestAlgorithm.SHA256, ContentEncryptionAlgorithm.AES256_GCM,
                        KeyTransportAlgorithm.RSA_OAEP_11);
                assertFails(() -> security.verify(doc, pki.loadPartner("NL", agreed).signingCertificate(), agreed),
                        ErrorCode.ALGORITHM_NOT_ALLOWED);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KeyTransportAlgorithm.class)
    void aKeyTransportOrAgreementOtherThanTheAgreementsIsNotAllowed(KeyTransportAlgorithm used) {
        SecurityProfile sent = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES256_GCM, used);
        for (KeyTransportAlgorithm expected : KeyTransportAlgorithm.values()) {
            if (expected != used) {
                SecurityProfile agreed = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                        ContentEncryptionAlgorithm.AES256_GCM, expected);
                Document doc = sealed(sent);
                assertFails(() -> security.decrypt(doc, de, agreed), ErrorCode.ALGORITHM_NOT_ALLOWED);
            }
        }
    }

    // ----------------------------------------------------------------------- weak algorithm identifiers

    @ParameterizedTest
    @CsvSource({
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
        "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
        "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
        "http://www.w3.org/2009/xmldsig11#dsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
        "http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1",
        "http://www.w3.org/2007/05/xmldsig-more#rsa-pss",
    })
    void weakOrParameterisedSignatureMethodsAreNotAllowed(String uri) {
        for (SecurityProfile p : List.of(SecurityProfile.DEFAULT, ECDSA_ECDH)) {
            Document doc = signed(p);
            first(doc, DS, "SignatureMethod").setAttribute("Algorithm", uri);
            assertFails(() -> security.verify(doc, pki.loadPartner("NL", p).signingCertificate(), p), ErrorCode.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Test
    void anHmacOutputLengthInTheSignatureMethodIsAStructureError() {
        Document doc = signed(SecurityProfile.DEFAULT);
        Element method = first(doc, DS, "SignatureMethod");
        Element length = doc.createElementNS(DS, "ds:HMACOutputLength");
        length.setTextContent("8");
        method.appendChild(length);
        assertFails(() -> security.verify(doc, pki.loadPartner("NL", SecurityProfile.DEFAULT).signingCertificate(),
                SecurityProfile.DEFAULT), ErrorCode.SIGNATURE_STRUCTURE);
    }

    @ParameterizedTest
    @CsvSource({
        "http://www.w3.org/2000/09/xmldsig#sha1",
        "http://www.w3.org/2001/04/xmldsig-more#md5",
        "http://www.w3.org/2001/04/xmldsig-more#sha224",
        "http://www.w3.org/2001/04/xmlenc#ripemd160",
    })
    void weakDigestMethodsAreNotAllowed(String uri) {
        for (SecurityProfile p : List.of(SecurityProfile.DEFAULT, ECDSA_ECDH)) {
            Document doc = signed(p);
            first(doc, DS, "DigestMethod").setAttribute("Algorithm", uri);
            assertFails(() -> security.verify(doc, pki.loadPartner("NL", p).signingCertificate(), p), ErrorCode.ALGORITHM_NOT_ALLOWED);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
        "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    })
    void cbcAndOtherContentAlgorithmsAreNotAllowed(String uri) {
        for (SecurityProfile p : List.of(SecurityProfile.DEFAULT, ECDSA_ECDH)) {
            Document doc = sealed(p);
            ((Element) first(doc, XENC, "EncryptedData").getFirstChild()).setAttribute("Algorithm", uri);
            assertFails(() -> security.decrypt(doc, de, p), ErrorCode.ALGORITHM_NOT_ALLOWED);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        "http://www.w3.org/2001/04/xmlenc#kw-tripledes",
        "http://www.w3.org/2001/04/xmlenc#kw-aes192",
        "http://www.w3.org/2001/04/xmlenc#kw-aes128",
        "http://www.w3.org/2009/xmlenc11#rsa-oaep",
    })
    void rsa15AndOtherKeyTransportsAreNotAllowed(String uri) {
        for (SecurityProfile p : List.of(SecurityProfile.DEFAULT,
                new SecurityProfile(SignatureAlgorithm.ECDSA_SHA256, DigestAlgorithm.SHA256, ContentEncryptionAlgorithm.AES128_GCM,
                        KeyTransportAlgorithm.ECDH_ES_KW_AES256))) {
            Document doc = sealed(p);
            ((Element) first(doc, XENC, "EncryptedKey").getFirstChild()).setAttribute("Algorithm", uri);
            assertFails(() -> security.decrypt(doc, de, p), ErrorCode.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Test
    void oaepWithASha1DigestIsNotAllowed() {
        Document doc = sealed(SecurityProfile.DEFAULT);
        Element digest = (Element) first(doc, XENC, "EncryptedKey").getElementsByTagNameNS(DS, "DigestMethod").item(0);
        digest.setAttribute("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1");
        assertFails(() -> security.decrypt(doc, de, SecurityProfile.DEFAULT), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    // --------------------------------------------------------------------------- ECDH-ES structure

    @Test
    void ecdhEsMessageHasTheExpectedShape() {
        Document doc = sealed(ECDSA_ECDH);
        Element agreement = first(doc, XENC, "AgreementMethod");
        assertThat(agreement.getParentNode().getParentNode()).isSameAs(first(doc, XENC, "EncryptedKey"));
        assertThat(agreement.getAttribute("Algorithm")).isEqualTo("http://www.w3.org/2009/xmlenc11#ECDH-ES");
        assertThat(first(doc, XENC11, "KeyDerivationMethod").getAttribute("Algorithm"))
                .isEqualTo("http://www.w3.org/2009/xmlenc11#ConcatKDF");
        assertThat(first(doc, DSIG11, "NamedCurve").getAttribute("URI")).isEqualTo("urn:oid:1.2.840.10045.3.1.7");
    }

    @Test
    void ecdhEsWithASha1KeyDerivationIsNotAllowed() {
        Document doc = sealed(ECDSA_ECDH);
        Element kdf = first(doc, XENC11, "ConcatKDFParams");
        ((Element) kdf.getElementsByTagNameNS(DS, "DigestMethod").item(0))
                .setAttribute("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1");
        assertFails(() -> security.decrypt(doc, de, ECDSA_ECDH), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @ParameterizedTest
    @CsvSource({
        "AgreementMethod, http://www.w3.org/2001/04/xmlenc#dh",
        "AgreementMethod, http://www.w3.org/2009/xmlenc11#dh-es",
        "KeyDerivationMethod, http://www.w3.org/2009/xmlenc11#pbkdf2",
        "KeyDerivationMethod, http://www.w3.org/2021/04/xmldsig-more#hkdf",
    })
    void otherKeyAgreementsAndDerivationsAreNotAllowed(String element, String uri) {
        Document doc = sealed(ECDSA_ECDH);
        first(doc, element.equals("AgreementMethod") ? XENC : XENC11, element).setAttribute("Algorithm", uri);
        assertFails(() -> security.decrypt(doc, de, ECDSA_ECDH), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void anOriginatorKeyOnAnotherCurveIsNotAllowed() {
        Document doc = sealed(ECDSA_ECDH);
        first(doc, DSIG11, "NamedCurve").setAttribute("URI", "urn:oid:1.3.132.0.35");
        assertFails(() -> security.decrypt(doc, de, ECDSA_ECDH), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void anOriginatorPointOffTheCurveIsRejected() {
        Document doc = sealed(ECDSA_ECDH);
        Element publicKey = first(doc, DSIG11, "PublicKey");
        byte[] point = Base64.getMimeDecoder().decode(publicKey.getTextContent());
        point[point.length - 1] ^= 0x01; // y changed: (x, y') is not on P-256
        publicKey.setTextContent(Base64.getEncoder().encodeToString(point));
        assertFails(() -> security.decrypt(doc, de, ECDSA_ECDH), ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void anOriginatorCertificateOrReferenceInsteadOfTheKeyValueIsRejected() {
        Document doc = sealed(ECDSA_ECDH);
        Element originator = first(doc, XENC, "OriginatorKeyInfo");
        Element retrieval = doc.createElementNS(DS, "ds:RetrievalMethod");
        retrieval.setAttribute("URI", "http://attacker.example/key");
        originator.appendChild(retrieval);
        assertFails(() -> security.decrypt(doc, de, ECDSA_ECDH), ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void anAgreementMethodUnderAnRsaOaepProfileIsNotAllowed() {
        Document ecdh = sealed(ECDSA_ECDH);
        Document doc = sealed(SecurityProfile.DEFAULT);
        Element keyInfo = (Element) first(doc, XENC, "EncryptedKey").getElementsByTagNameNS(DS, "KeyInfo").item(0);
        if (keyInfo == null) {
            keyInfo = doc.createElementNS(DS, "ds:KeyInfo");
            Element encryptedKey = first(doc, XENC, "EncryptedKey");
            encryptedKey.insertBefore(keyInfo, encryptedKey.getFirstChild().getNextSibling());
        }
        keyInfo.appendChild(doc.importNode(first(ecdh, XENC, "AgreementMethod"), true));
        assertFails(() -> security.decrypt(doc, de, SecurityProfile.DEFAULT), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    // --------------------------------------------------------------------------------- key kinds

    @Test
    void signingWithAKeyOfTheWrongKindIsKeyMaterial() {
        Document doc = message();
        assertFails(() -> security.sign(doc, nl.signingKey(), nl.signingCertificate(), ECDSA_ECDH), ErrorCode.KEY_MATERIAL);
        assertThat(doc.getElementsByTagNameNS(DS, "Signature").getLength()).isZero();
    }

    @Test
    void verifyingAgainstACertificateOfTheWrongKindIsKeyMaterial() {
        Document doc = signed(ECDSA_ECDH);
        assertFails(() -> security.verify(doc, pki.loadPartner("NL").signingCertificate(), ECDSA_ECDH), ErrorCode.KEY_MATERIAL);
        assertFails(() -> security.verify(doc, KeyStores.readPem(pkiDir.resolve("NL-signing-ec-p384.crt")), ECDSA_ECDH),
                ErrorCode.KEY_MATERIAL);
    }

    @Test
    void encryptingToACertificateOfTheWrongKindIsKeyMaterial() {
        Document doc = message();
        assertFails(() -> security.encrypt(doc, body(doc), pki.loadPartner("DE").encryptionCertificate(), ECDSA_ECDH),
                ErrorCode.KEY_MATERIAL);
        assertFails(() -> security.encrypt(doc, body(doc), pki.loadPartner("DE", ECDSA_ECDH).encryptionCertificate(),
                SecurityProfile.DEFAULT), ErrorCode.KEY_MATERIAL);
        assertThat(doc.getElementsByTagNameNS(EX, "Body").getLength()).isOne();
    }

    @Test
    void unsupportedKeyKindsAreNotRepresentable() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThat(KeyType.of(rsa.generateKeyPair().getPublic())).isEmpty();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        assertThat(KeyType.of(ec.generateKeyPair().getPublic())).isEmpty();
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048);
        assertThat(KeyType.of(dsa.generateKeyPair().getPublic())).isEmpty();
        KeyPairGenerator ed448 = KeyPairGenerator.getInstance("Ed448");
        assertThat(KeyType.of(ed448.generateKeyPair().getPublic())).isEmpty();
        for (KeyType t : KeyType.values()) {
            assertThat(KeyType.of(t.generate(new SecureRandom()).getPublic())).contains(t);
        }
    }

    @Test
    void everySignatureAlgorithmNamesItsKeyKindAndNoWeakIdentifierIsRepresentable() {
        assertThat(SignatureAlgorithm.ECDSA_SHA256.keyType()).isEqualTo(KeyType.EC_P256);
        assertThat(SignatureAlgorithm.ECDSA_SHA384.keyType()).isEqualTo(KeyType.EC_P384);
        assertThat(SignatureAlgorithm.ED25519.keyType()).isEqualTo(KeyType.ED25519);
        List<String> uris = new ArrayList<>();
        Stream.of(SignatureAlgorithm.values()).forEach(a -> uris.add(a.uri()));
        Stream.of(DigestAlgorithm.values()).forEach(a -> uris.add(a.uri()));
        Stream.of(ContentEncryptionAlgorithm.values()).forEach(a -> uris.add(a.uri()));
        Stream.of(KeyTransportAlgorithm.values()).forEach(a -> {
            uris.add(a.uri());
            uris.add(a.digestUri());
            a.mgfUri().ifPresent(uris::add);
        });
        assertThat(uris).noneMatch(u -> u.contains("sha1") && !u.endsWith("#rsa-oaep-mgf1p"))
                .noneMatch(u -> u.contains("md5")).noneMatch(u -> u.contains("cbc")).noneMatch(u -> u.contains("rsa-1_5"))
                .noneMatch(u -> u.contains("#dsa-")).noneMatch(u -> u.contains("hmac")).noneMatch(u -> u.endsWith("#rsa-pss"));
    }
}
