package org.cmag.e2e;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.XmlSecurity;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.gateway.Gateway;
import org.cmag.mapping.RequestTranslator;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.Partner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The forger's workbench for the attack corpus: NL's keys (as NL's gateway seals), the keys of a third registered
 * partner (FR), of an outsider (another CA), DE's own keys, test certificates of the PKI cases (expired, revoked,
 * from other CAs, by name: {@link #certificate}), and raw Santuario signing/encryption with any algorithm.
 */
final class Forge {
    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";

    final Gateway nl;
    final Gateway de;
    final OwnKeys fr;
    final OwnKeys outsider;
    final byte[] example;
    /** Test signing certificates with their keys, by name (see AttackCorpusTest's PKI set-up). */
    final java.util.Map<String, DevCertificates.Issued> certificates;
    final SecureXml xml = new SecureXml();
    final XmlSecurity security = new XmlSecurity(Clock.systemUTC());
    final ExchangeCodec codec = new ExchangeCodec();
    /** Sends a valid sealed message to DE and waits until DE delivered it nationally (for replay set-ups). */
    final java.util.function.Consumer<byte[]> deliverValid;

    Forge(Gateway nl, Gateway de, OwnKeys fr, OwnKeys outsider, byte[] example, java.util.function.Consumer<byte[]> deliverValid) {
        this(nl, de, fr, outsider, java.util.Map.of(), example, deliverValid);
    }

    Forge(Gateway nl, Gateway de, OwnKeys fr, OwnKeys outsider, java.util.Map<String, DevCertificates.Issued> certificates, byte[] example,
            java.util.function.Consumer<byte[]> deliverValid) {
        this.nl = nl;
        this.de = de;
        this.fr = fr;
        this.outsider = outsider;
        this.certificates = java.util.Map.copyOf(certificates);
        this.example = example;
        this.deliverValid = deliverValid;
    }

    /** A named test certificate with its key; fails when the test did not issue it. */
    DevCertificates.Issued certificate(String name) {
        DevCertificates.Issued issued = certificates.get(name);
        if (issued == null) {
            throw new IllegalStateException("no test certificate '" + name + "' issued for this forge");
        }
        return issued;
    }

    SecurityProfile profile() {
        return nl.registry().find("DE").orElseThrow().security();
    }

    /** A fresh, valid NL→DE message (new message id). */
    ExchangeMessageType message() {
        Partner dePartner = nl.registry().find("DE").orElseThrow();
        return new RequestTranslator("NL", "NL", Clock.systemUTC()).translate(new NationalRequestParser().parse(example), dePartner);
    }

    Document document(ExchangeMessageType m) {
        return codec.toDocument(m, xml.newDocument());
    }

    /** Signed by NL as NL's gateway signs, body still in the clear. */
    Document signed(ExchangeMessageType m) {
        return signedBy(m, nl.keys().own());
    }

    Document signedBy(ExchangeMessageType m, OwnKeys keys) {
        Document doc = document(m);
        security.sign(doc, keys.signingKey(), keys.signingCertificate(), profile());
        return doc;
    }

    /** Signed as NL's gateway signs (KeyInfo: X509IssuerSerial and the certificate), with the given key and certificate. */
    Document signedWith(ExchangeMessageType m, DevCertificates.Issued signer) {
        Document doc = document(m);
        security.sign(doc, signer.key(), signer.certificate(), profile());
        return doc;
    }

    /** Encrypts the (first) Body for DE, as NL's gateway does. */
    Document encryptedForDe(Document doc) {
        security.encrypt(doc, body(doc), nl.keys().partner("DE").encryptionCertificate(), profile());
        return doc;
    }

    Document sealed(ExchangeMessageType m) {
        return encryptedForDe(signed(m));
    }

    byte[] bytes(Document doc) {
        return xml.serialize(doc);
    }

    Document parse(byte[] bytes) {
        return xml.parse(bytes);
    }

    static Element body(Document doc) {
        return (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
    }

    static Element header(Document doc) {
        return (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "Header").item(0);
    }

    static Element first(Document doc, String ns, String name) {
        return (Element) doc.getElementsByTagNameNS(ns, name).item(0);
    }

    /**
     * Santuario signature with free choice of algorithms and references: each reference URI gets the
     * enveloped-signature and exc-c14n transforms. A reference "#h" needs an Id="h" on the Header.
     */
    void rawSign(Document doc, PrivateKey key, X509Certificate cert, String signatureMethod, String digestMethod,
            String canonicalization, String... referenceUris) {
        try {
            XMLSignature signature = new XMLSignature(doc, "", signatureMethod, canonicalization);
            doc.getDocumentElement().appendChild(signature.getElement());
            for (String uri : referenceUris) {
                Transforms transforms = new Transforms(doc);
                transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
                transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
                signature.addDocument(uri, transforms, digestMethod);
            }
            signature.addKeyInfo(cert);
            signature.sign(key);
        } catch (Exception e) {
            throw new IllegalStateException("raw signing failed", e);
        }
    }

    /** Santuario encryption of the Body for DE with free choice of content and key-transport algorithms. */
    void rawEncrypt(Document doc, String contentAlgorithm, String keyTransport, String oaepDigest) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            SecretKey contentKey = generator.generateKey();
            XMLCipher keyCipher = XMLCipher.getInstance(keyTransport, null, oaepDigest);
            keyCipher.init(XMLCipher.WRAP_MODE, nl.keys().partner("DE").encryptionCertificate().getPublicKey());
            EncryptedKey encryptedKey = keyCipher.encryptKey(doc, contentKey);
            XMLCipher dataCipher = XMLCipher.getInstance(contentAlgorithm);
            dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
            KeyInfo keyInfo = new KeyInfo(doc);
            keyInfo.add(encryptedKey);
            dataCipher.getEncryptedData().setKeyInfo(keyInfo);
            dataCipher.doFinal(doc, body(doc), false);
        } catch (Exception e) {
            throw new IllegalStateException("raw encryption failed", e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
