package org.cmag.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class XmlSecurityTest {

    static final String EX = "urn:cmag:exchange:1";
    static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final String MESSAGE = "<ex:ExchangeMessage xmlns:ex=\"urn:cmag:exchange:1\" Id=\"m1\">"
            + "<ex:Header><ex:MessageId>m1</ex:MessageId><ex:Sender>NL</ex:Sender><ex:Receiver>DE</ex:Receiver>"
            + "<ex:Amount currency=\"EUR\">1200.50</ex:Amount></ex:Header>"
            + "<ex:Body><ex:AssistanceRequest Id=\"r1\">\n  <ex:Subject>Secret Trader B.V. \u00e9\u20ac</ex:Subject>\n"
            + "  <!-- note -->\n  <ex:Goods>HS 8703</ex:Goods>\n</ex:AssistanceRequest></ex:Body></ex:ExchangeMessage>";

    @TempDir
    static Path pkiDir;

    static OwnKeys nl;
    static OwnKeys de;
    static OwnKeys fr;
    static PartnerCertificates nlAsPartner;
    static PartnerCertificates deAsPartner;

    final SecureXml xml = new SecureXml();
    final XmlSecurity security = new XmlSecurity(xml, CLOCK);

    static DevPki pki;

    @BeforeAll
    static void generateKeys() {
        pki = new DevPki(pkiDir, CLOCK, "changeit".toCharArray());
        pki.ensure(List.of("NL", "DE", "FR"));
        nl = pki.loadOwn("NL");
        de = pki.loadOwn("DE");
        fr = pki.loadOwn("FR");
        nlAsPartner = pki.loadPartner("NL");
        deAsPartner = pki.loadPartner("DE");
    }

    Document message() {
        return xml.parse(MESSAGE.getBytes(StandardCharsets.UTF_8));
    }

    static Element child(Element parent, String ns, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        throw new AssertionError("no " + localName + " in " + parent.getNodeName());
    }

    static Element first(Document doc, String ns, String localName) {
        Element e = (Element) doc.getElementsByTagNameNS(ns, localName).item(0);
        assertThat(e).as(localName).isNotNull();
        return e;
    }

    static Element body(Document doc) {
        return child(doc.getDocumentElement(), EX, "Body");
    }

    static void assertFails(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).as(e.detail()).isEqualTo(code);
            assertThat(e.detail()).isNotBlank();
        });
    }

    /** NL signs for DE, then encrypts the body to DE. */
    Document sealedNlToDe(SecurityProfile p) {
        Document doc = message();
        security.sign(doc, nl, p);
        security.encrypt(doc, body(doc), pki.loadPartner("DE", p).encryptionCertificate(), p);
        return doc;
    }

    Document overTheWire(Document doc) {
        return xml.parse(xml.serialize(doc));
    }

    // ------------------------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(KeyTransportAlgorithm.class)
    void signEncryptDecryptVerifyInMemory(KeyTransportAlgorithm transport) {
        SecurityProfile p = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES256_GCM, transport);
        Document doc = sealedNlToDe(p);
        assertThat(doc.getElementsByTagNameNS(EX, "Body").getLength()).isZero();

        security.decrypt(doc, de, p);
        Element covered = security.verify(doc, nlAsPartner.signingCertificate(), p);

        assertThat(covered).isSameAs(doc.getDocumentElement());
        assertThat(first(doc, EX, "Subject").getTextContent()).isEqualTo("Secret Trader B.V. \u00e9\u20ac");
    }

    @ParameterizedTest
    @EnumSource(KeyTransportAlgorithm.class)
    void signEncryptDecryptVerifyAcrossTheWire(KeyTransportAlgorithm transport) {
        SecurityProfile p = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES256_GCM, transport);
        byte[] wire = xml.serialize(sealedNlToDe(p));
        String wireText = new String(wire, StandardCharsets.UTF_8);
        assertThat(wireText).doesNotContain("Secret Trader").contains(transport.uri())
                .contains("http://www.w3.org/2009/xmlenc11#aes256-gcm");
        if (transport == KeyTransportAlgorithm.RSA_OAEP_11) {
            assertThat(wireText).contains("http://www.w3.org/2009/xmlenc11#mgf1sha256");
        } else if (transport.isKeyAgreement()) {
            assertThat(wireText).contains(KeyTransportAlgorithm.ECDH_ES).contains(KeyTransportAlgorithm.CONCAT_KDF)
                    .doesNotContain("MGF").doesNotContain("rsa-oaep");
        } else {
            assertThat(wireText).doesNotContain("MGF");
        }

        Document received = xml.parse(wire);
        security.decrypt(received, de, p);
        // the decrypted document crosses another hop before verification
        Document again = overTheWire(received);
        Element covered = security.verify(again, nlAsPartner.signingCertificate(), p);

        assertThat(covered.getAttribute("Id")).isEqualTo("m1");
        assertThat(first(again, EX, "Subject").getTextContent()).isEqualTo("Secret Trader B.V. \u00e9\u20ac");
        assertThat(first(again, EX, "AssistanceRequest").getAttribute("Id")).isEqualTo("r1");
    }

    @Test
    void otherAlgorithmsOfTheEnumsWork() {
        SecurityProfile p = new SecurityProfile(SignatureAlgorithm.RSA_SHA512, DigestAlgorithm.SHA512,
                ContentEncryptionAlgorithm.AES128_GCM, KeyTransportAlgorithm.RSA_OAEP_11);
        Document received = overTheWire(sealedNlToDe(p));
        security.decrypt(received, de.encryptionKey(), p);
        security.verify(received, nlAsPartner.signingCertificate(), p);
    }

    @Test
    void signatureIsLastChildWithExpectedShape() {
        Document doc = message();
        security.sign(doc, nl.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        Node last = doc.getDocumentElement().getLastChild();
        assertThat(last.getNamespaceURI()).isEqualTo(DS);
        assertThat(last.getLocalName()).isEqualTo("Signature");
        assertThat(first(doc, DS, "Reference").getAttribute("URI")).isEmpty();
        assertThat(first(doc, DS, "X509Certificate").getTextContent()).isNotBlank();
    }

    @Test
    void encryptedDataReplacesTheElementWithKeyInside() {
        Document doc = message();
        security.encrypt(doc, body(doc), deAsPartner.encryptionCertificate(), SecurityProfile.DEFAULT);
        Element encryptedData = first(doc, XENC, "EncryptedData");
        assertThat(encryptedData.getParentNode()).isSameAs(doc.getDocumentElement());
        assertThat(encryptedData.getAttribute("Type")).isEqualTo("http://www.w3.org/2001/04/xmlenc#Element");
        Element keyInfo = child(encryptedData, DS, "KeyInfo");
        child(keyInfo, XENC, "EncryptedKey");
    }

    @Test
    void concurrentUseOfOneInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tasks.add(() -> {
                    Document received = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
                    security.decrypt(received, de.encryptionKey(), SecurityProfile.DEFAULT);
                    return security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT)
                            .getAttribute("Id");
                });
            }
            for (Future<String> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isEqualTo("m1");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------ decryption failures

    @Test
    void tamperedCipherValueFailsDecryption() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        Element encryptedData = first(doc, XENC, "EncryptedData");
        Element cipherValue = child(child(encryptedData, XENC, "CipherData"), XENC, "CipherValue");
        byte[] bytes = Base64.getMimeDecoder().decode(cipherValue.getTextContent());
        bytes[bytes.length / 2] ^= 0x01;
        cipherValue.setTextContent(Base64.getEncoder().encodeToString(bytes));

        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void tamperedEncryptedKeyFailsDecryption() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        Element cipherValue = child(child(first(doc, XENC, "EncryptedKey"), XENC, "CipherData"), XENC, "CipherValue");
        byte[] bytes = Base64.getMimeDecoder().decode(cipherValue.getTextContent());
        bytes[7] ^= 0x40;
        cipherValue.setTextContent(Base64.getEncoder().encodeToString(bytes));

        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void wrongPrivateKeyFailsDecryption() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        assertFails(() -> security.decrypt(doc, fr.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void missingEncryptedData() {
        Document doc = message();
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.ENCRYPTION_MISSING);
    }

    @Test
    void encryptedDataNotDirectlyUnderTheRootIsRejected() {
        Document doc = message();
        Element request = first(doc, EX, "AssistanceRequest");
        security.encrypt(doc, request, deAsPartner.encryptionCertificate(), SecurityProfile.DEFAULT);
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void twoEncryptedDataAreRejected() {
        Document doc = message();
        security.encrypt(doc, body(doc), deAsPartner.encryptionCertificate(), SecurityProfile.DEFAULT);
        security.encrypt(doc, child(doc.getDocumentElement(), EX, "Header"), deAsPartner.encryptionCertificate(),
                SecurityProfile.DEFAULT);
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void keyTransportOtherThanTheProfileIsRejected() {
        SecurityProfile oaep11 = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES256_GCM, KeyTransportAlgorithm.RSA_OAEP_11);
        Document doc = overTheWire(sealedNlToDe(oaep11));
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
        Document doc2 = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        assertFails(() -> security.decrypt(doc2, de.encryptionKey(), oaep11), ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void oaepDigestOtherThanTheProfileIsRejected() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        Element digest = child(child(first(doc, XENC, "EncryptedKey"), XENC, "EncryptionMethod"), DS, "DigestMethod");
        digest.getParentNode().removeChild(digest); // i.e. the SHA-1 default
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void contentAlgorithmOtherThanTheProfileIsRejected() {
        SecurityProfile aes128 = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES128_GCM, KeyTransportAlgorithm.RSA_OAEP_MGF1P);
        Document doc = overTheWire(sealedNlToDe(aes128));
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void contentKeyShorterThanTheAlgorithmIsRejected() {
        // an AES-128 key under an EncryptionMethod that claims aes256-gcm
        SecurityProfile aes128 = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES128_GCM, KeyTransportAlgorithm.RSA_OAEP_MGF1P);
        Document doc = overTheWire(sealedNlToDe(aes128));
        child(first(doc, XENC, "EncryptedData"), XENC, "EncryptionMethod")
                .setAttribute("Algorithm", ContentEncryptionAlgorithm.AES256_GCM.uri());
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void retrievalMethodInKeyInfoIsRejected() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        Element keyInfo = child(first(doc, XENC, "EncryptedData"), DS, "KeyInfo");
        Element retrieval = doc.createElementNS(DS, "ds:RetrievalMethod");
        retrieval.setAttribute("URI", "http://attacker.example/key");
        keyInfo.appendChild(retrieval);
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void cipherReferenceIsRejected() {
        Document doc = overTheWire(sealedNlToDe(SecurityProfile.DEFAULT));
        Element cipherData = child(first(doc, XENC, "EncryptedData"), XENC, "CipherData");
        Element value = child(cipherData, XENC, "CipherValue");
        Element reference = doc.createElementNS(XENC, "xenc:CipherReference");
        reference.setAttribute("URI", "file:///etc/passwd");
        cipherData.replaceChild(reference, value);
        assertFails(() -> security.decrypt(doc, de.encryptionKey(), SecurityProfile.DEFAULT),
                ErrorCode.DECRYPTION_FAILED);
    }

    // ---------------------------------------------------------------------------- verification failures

    Document signedByNl(SecurityProfile p) {
        Document doc = message();
        security.sign(doc, nl.signingKey(), nl.signingCertificate(), p);
        return overTheWire(doc);
    }

    @Test
    void changedHeaderValueInvalidatesTheSignature() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        first(doc, EX, "Receiver").setTextContent("FR");
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void changedAttributeInvalidatesTheSignature() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        first(doc, EX, "Amount").setAttribute("currency", "USD");
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void removedSignature() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Element signature = first(doc, DS, "Signature");
        signature.getParentNode().removeChild(signature);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_MISSING);
    }

    @Test
    void twoSignatures() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Element signature = first(doc, DS, "Signature");
        doc.getDocumentElement().appendChild(signature.cloneNode(true));
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void signatureMovedIntoTheBody() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Element signature = first(doc, DS, "Signature");
        body(doc).appendChild(signature);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void referenceToAnIdInsteadOfTheWholeDocument() throws Exception {
        // a cryptographically valid signature whose Reference is URI="#m1"
        Document doc = message();
        Element root = doc.getDocumentElement();
        root.setIdAttributeNS(null, "Id", true);
        XMLSignature signature = new XMLSignature(doc, "", SignatureAlgorithm.RSA_SHA256.uri(),
                "http://www.w3.org/2001/10/xml-exc-c14n#");
        root.appendChild(signature.getElement());
        Transforms transforms = new Transforms(doc);
        transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
        transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
        signature.addDocument("#m1", transforms, DigestAlgorithm.SHA256.uri());
        signature.sign(nl.signingKey());

        Document received = overTheWire(doc);
        assertFails(() -> security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void extraTransformIsRejected() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Element transforms = first(doc, DS, "Transforms");
        Element xslt = doc.createElementNS(DS, "ds:Transform");
        xslt.setAttribute("Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116");
        transforms.appendChild(xslt);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void objectInsideTheSignatureIsRejected() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Element object = doc.createElementNS(DS, "ds:Object");
        object.appendChild(doc.createElementNS(EX, "ex:Body"));
        first(doc, DS, "Signature").appendChild(object);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void signedByAThirdAdministration() {
        // FR signs a message and even puts NL's certificate into KeyInfo; we expect NL
        Document doc = message();
        security.sign(doc, fr.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        Document received = overTheWire(doc);
        assertFails(() -> security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void keyInfoIsNeverTrustedAndMustNotContradictTheRegisteredCertificate() {
        // signed by NL, but the KeyInfo claims DE: never used for trust, and refused because it contradicts the registration
        Document doc = message();
        security.sign(doc, nl.signingKey(), deAsPartner.signingCertificate(), SecurityProfile.DEFAULT);
        Document received = overTheWire(doc);
        assertThatThrownBy(() -> security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.detail()).contains("KeyInfo carries a certificate that is not the registered certificate");
                });
        assertFails(() -> security.verify(received, deAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void aRetrievalMethodInKeyInfoIsRefused() {
        Document doc = message();
        security.sign(doc, nl.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        Element keyInfo = (Element) doc.getElementsByTagNameNS(XmlSecurity.DSIG_NS, "KeyInfo").item(0);
        Element retrieval = doc.createElementNS(XmlSecurity.DSIG_NS, "ds:RetrievalMethod");
        retrieval.setAttributeNS(null, "URI", "http://attacker.example/key");
        keyInfo.appendChild(retrieval);
        Document received = overTheWire(doc);
        assertFails(() -> security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void aJunkCharacterInABase64ValueIsRefusedNotSkipped() {
        Document doc = message();
        security.sign(doc, nl.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        Element value = (Element) doc.getElementsByTagNameNS(XmlSecurity.DSIG_NS, "SignatureValue").item(0);
        value.setTextContent("!" + value.getTextContent());
        Document received = overTheWire(doc);
        assertFails(() -> security.verify(received, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.SIGNATURE_STRUCTURE);
    }

    @Test
    void signatureAlgorithmOtherThanTheProfile() {
        SecurityProfile sha512 = new SecurityProfile(SignatureAlgorithm.RSA_SHA512, DigestAlgorithm.SHA256,
                ContentEncryptionAlgorithm.AES256_GCM, KeyTransportAlgorithm.RSA_OAEP_MGF1P);
        Document doc = signedByNl(sha512);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void digestAlgorithmOtherThanTheProfile() {
        SecurityProfile sha512 = new SecurityProfile(SignatureAlgorithm.RSA_SHA256, DigestAlgorithm.SHA512,
                ContentEncryptionAlgorithm.AES256_GCM, KeyTransportAlgorithm.RSA_OAEP_MGF1P);
        Document doc = signedByNl(sha512);
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void canonicalizationOtherThanExclusive() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        first(doc, DS, "CanonicalizationMethod")
                .setAttribute("Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments");
        assertFails(() -> security.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void expiredExpectedCertificate() {
        Document doc = signedByNl(SecurityProfile.DEFAULT);
        Instant afterExpiry = nlAsPartner.signingCertificate().getNotAfter().toInstant().plusSeconds(1);
        XmlSecurity later = new XmlSecurity(xml, Clock.fixed(afterExpiry, ZoneOffset.UTC));
        assertFails(() -> later.verify(doc, nlAsPartner.signingCertificate(), SecurityProfile.DEFAULT),
                ErrorCode.CERTIFICATE_EXPIRED);
    }

    @Test
    void sha256HexIsLowercase() {
        assertThat(Digests.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
