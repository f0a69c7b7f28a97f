package org.cmag.crypto;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.xml.security.Init;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.encryption.params.ConcatKDFParams;
import org.apache.xml.security.encryption.params.KeyAgreementParameters;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.keys.content.X509Data;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Camel-free façade over Apache Santuario for the exchange message: one enveloped signature over the whole
 * document, one encrypted element, both under an exact algorithm allow-list ({@link SecurityProfile}).
 *
 * <p>Build once and share; all methods are thread-safe (they never share a Santuario object between calls).
 * Every failure is a {@link GatewayException}.
 *
 * <p>Receiving order is {@link #decrypt} then {@link #verify}: the sender signs the plaintext document and
 * then encrypts one element of it.
 */
public final class XmlSecurity {

    static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
    static final String XENC11_NS = "http://www.w3.org/2009/xmlenc11#";
    static final String DSIG11_NS = "http://www.w3.org/2009/xmldsig11#";
    static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    static final String ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    static final String TYPE_ELEMENT = "http://www.w3.org/2001/04/xmlenc#Element";

    static {
        // Synchronized and idempotent in Santuario; running it from this class initializer makes sure it
        // has happened before any instance exists, without a singleton.
        Init.init();
    }

    private final SecureXml secureXml;
    private final Clock clock;
    private final PlaintextSerializer plaintextSerializer;
    private final SecureRandom random = new SecureRandom();

    public XmlSecurity(Clock clock) {
        this(new SecureXml(), clock);
    }

    public XmlSecurity(SecureXml secureXml, Clock clock) {
        this.secureXml = Objects.requireNonNull(secureXml, "secureXml");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.plaintextSerializer = new PlaintextSerializer(secureXml);
    }

    // ------------------------------------------------------------------------------------------ signing

    /**
     * Signs the whole document with an enveloped XML Signature: one Reference URI="" with the transforms
     * enveloped-signature and exclusive c14n, SignedInfo canonicalized with exclusive c14n. The
     * {@code ds:Signature} becomes the last child of the document element; its KeyInfo carries the
     * X509IssuerSerial and the certificate of {@code cert} as a hint only (receivers select among their
     * registered certificates by it and verify against the registered one).
     */
    public void sign(Document doc, OwnKeys own, SecurityProfile p) {
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(p, "profile");
        SigningKey signer = own.signer(p.signature(), clock.instant());
        sign(doc, signer.key(), signer.certificate(), p);
    }

    /**
     * As {@link #sign(Document, OwnKeys, SecurityProfile)} with a given key, which must be of the kind the
     * profile's signature algorithm needs ({@link SignatureAlgorithm#keyType()}), else KEY_MATERIAL.
     */
    public void sign(Document doc, PrivateKey key, X509Certificate cert, SecurityProfile p) {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(p, "profile");
        Element root = requireRoot(doc, ErrorCode.INTERNAL);
        if (doc.getElementsByTagNameNS(DSIG_NS, "Signature").getLength() > 0) {
            throw new GatewayException(ErrorCode.INTERNAL,
                    "Cannot sign <" + root.getNodeName() + ">: the document already contains a ds:Signature");
        }
        KeyType.require(key, List.of(p.signature().keyType()), "signing key for " + p.signature().name());
        Element sigElement = null;
        try {
            XMLSignature signature = new XMLSignature(doc, "", p.signature().uri(), EXC_C14N);
            sigElement = signature.getElement();
            root.appendChild(sigElement);
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, p.digest().uri());
            // the receiver selects among our registered certificates by issuer and serial (key rotation); it never
            // trusts the certificate carried here
            X509Data x509 = new X509Data(doc);
            x509.addIssuerSerial(cert.getIssuerX500Principal().getName(), cert.getSerialNumber());
            x509.addCertificate(cert);
            signature.getKeyInfo().add(x509);
            signature.sign(key);
        } catch (XMLSecurityException | RuntimeException e) {
            if (sigElement != null && sigElement.getParentNode() == root) {
                root.removeChild(sigElement);
            }
            if (hasCause(e, InvalidKeyException.class)) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "The signing key cannot sign <"
                        + root.getNodeName() + "> with " + p.signature().uri() + ": " + e.getMessage(), null, e);
            }
            throw new GatewayException(ErrorCode.INTERNAL,
                    "Signing <" + root.getNodeName() + "> failed: " + e.getMessage(), null, e);
        }
    }

    // --------------------------------------------------------------------------------------- encryption

    /**
     * Replaces {@code element} by an {@code xenc:EncryptedData} (Type=Element) encrypted with a fresh
     * content key of the profile's algorithm; the content key is wrapped for {@code recipientCert} in an
     * {@code xenc:EncryptedKey} inside the EncryptedData's {@code ds:KeyInfo}: by RSA-OAEP key transport, or
     * wrapped with AES under a key agreed by ECDH-ES (ephemeral-static, ConcatKDF) with the certificate's EC key,
     * as the profile says. The certificate's key must be of a kind the profile's key transport works with.
     */
    public void encrypt(Document doc, Element element, X509Certificate recipientCert, SecurityProfile p) {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(recipientCert, "recipientCert");
        Objects.requireNonNull(p, "profile");
        if (element.getOwnerDocument() != doc) {
            throw new GatewayException(ErrorCode.INTERNAL,
                    "Cannot encrypt <" + element.getNodeName() + ">: it belongs to another document");
        }
        if (element == doc.getDocumentElement() || element.getParentNode() == null) {
            throw new GatewayException(ErrorCode.INTERNAL, "Cannot encrypt <" + element.getNodeName()
                    + ">: only an element inside the document element can be encrypted");
        }
        PublicKey recipientKey = recipientCert.getPublicKey();
        KeyTransportAlgorithm transport = p.keyTransport();
        KeyType.require(recipientKey, transport.keyTypes(),
                "recipient encryption certificate " + subject(recipientCert) + " for " + transport.name());

        ContentEncryptionAlgorithm content = p.content();
        byte[] keyBytes = new byte[content.keyBits() / 8];
        random.nextBytes(keyBytes);
        SecretKey contentKey = new SecretKeySpec(keyBytes, "AES");
        try {
            XMLCipher keyCipher;
            EncryptedKey encryptedKey;
            if (transport.isKeyAgreement()) {
                keyCipher = XMLCipher.getInstance(transport.uri());
                keyCipher.init(XMLCipher.WRAP_MODE, recipientKey);
                KeyAgreementParameters agreement = new KeyAgreementParameters(
                        KeyAgreementParameters.ActorType.ORIGINATOR, KeyTransportAlgorithm.ECDH_ES,
                        ConcatKDFParams.createBuilder(transport.wrapKeyBits(), transport.digestUri()).build());
                encryptedKey = keyCipher.encryptKey(doc, contentKey, agreement, random);
            } else {
                keyCipher = XMLCipher.getInstance(transport.uri(), null, transport.digestUri());
                keyCipher.init(XMLCipher.WRAP_MODE, recipientKey);
                encryptedKey = keyCipher.encryptKey(doc, contentKey, transport.mgfUri().orElse(null), null, random);
            }

            XMLCipher dataCipher = XMLCipher.getInstance(plaintextSerializer, content.uri());
            dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
            KeyInfo keyInfo = new KeyInfo(doc);
            // KeyInfo.add(EncryptedKey) would build yet another XMLCipher; append the marshalled element.
            Element encryptedKeyElement = keyCipher.martial(doc, encryptedKey);
            declareNamespacesProperly(encryptedKeyElement);
            keyInfo.addUnknownElement(encryptedKeyElement);
            dataCipher.getEncryptedData().setKeyInfo(keyInfo);
            dataCipher.doFinal(doc, element, false);
        } catch (Exception e) {
            if (hasCause(e, InvalidKeyException.class)) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "Cannot wrap the content key for <"
                        + element.getNodeName() + "> with the certificate " + subject(recipientCert) + ": "
                        + e.getMessage(), null, e);
            }
            throw new GatewayException(ErrorCode.INTERNAL,
                    "Encrypting <" + element.getNodeName() + "> failed: " + e.getMessage(), null, e);
        }
    }

    /**
     * Decrypts the one {@code xenc:EncryptedData} of the document in place (it is replaced by the plaintext
     * element). The EncryptedData must be a direct child of the document element, carry its key as the only
     * content of its {@code ds:KeyInfo} (an {@code xenc:EncryptedKey}), carry its ciphertext inline, and use
     * exactly the algorithms of {@code allowed}. Nothing is ever resolved from outside the document.
     */
    public void decrypt(Document doc, OwnKeys own, SecurityProfile allowed) {
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(allowed, "profile");
        decrypt(doc, own.decryptionFor(allowed.keyTransport()).key(), allowed);
    }

    /**
     * As {@link #decrypt(Document, OwnKeys, SecurityProfile)} with a given private key, which must be of a kind
     * the profile's key transport works with, else KEY_MATERIAL.
     */
    public void decrypt(Document doc, PrivateKey key, SecurityProfile allowed) {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(allowed, "profile");
        Element root = requireRoot(doc, ErrorCode.ENCRYPTION_MISSING);
        KeyType ownType = KeyType.require(key, allowed.keyTransport().keyTypes(),
                "decryption key for " + allowed.keyTransport().name());

        NodeList all = doc.getElementsByTagNameNS(XENC_NS, "EncryptedData");
        if (all.getLength() == 0) {
            throw new GatewayException(ErrorCode.ENCRYPTION_MISSING,
                    "<" + root.getNodeName() + "> contains no xenc:EncryptedData");
        }
        if (all.getLength() > 1) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "<" + root.getNodeName() + "> contains "
                    + all.getLength() + " xenc:EncryptedData elements; exactly one is accepted");
        }
        Element encryptedData = (Element) all.item(0);
        if (encryptedData.getParentNode() != root) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "xenc:EncryptedData must be a direct child of <"
                    + root.getNodeName() + ">, found inside <" + encryptedData.getParentNode().getNodeName() + ">");
        }
        String type = encryptedData.getAttributeNS(null, "Type");
        if (!TYPE_ELEMENT.equals(type)) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "xenc:EncryptedData has Type='" + type
                    + "'; only " + TYPE_ELEMENT + " is accepted");
        }
        Element encryptedKey = checkEncryptedData(encryptedData, allowed);
        int keyCount = doc.getElementsByTagNameNS(XENC_NS, "EncryptedKey").getLength();
        if (keyCount != 1) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "<" + root.getNodeName() + "> contains "
                    + keyCount + " xenc:EncryptedKey elements; exactly one, inside xenc:EncryptedData/ds:KeyInfo, is accepted");
        }
        checkEncryptedKey(encryptedKey, allowed, ownType);

        ContentEncryptionAlgorithm content = allowed.content();
        KeyTransportAlgorithm transport = allowed.keyTransport();
        Key contentKey;
        try {
            XMLCipher keyCipher = transport.isKeyAgreement() ? XMLCipher.getInstance(transport.uri())
                    : XMLCipher.getInstance(transport.uri(), null, transport.digestUri());
            keyCipher.setSecureValidation(true);
            keyCipher.init(XMLCipher.UNWRAP_MODE, key);
            EncryptedKey loaded = keyCipher.loadEncryptedKey(doc, encryptedKey);
            contentKey = keyCipher.decryptKey(loaded, content.uri());
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "The content key in xenc:EncryptedData/ds:KeyInfo/"
                    + "xenc:EncryptedKey cannot be unwrapped with this gateway's encryption key (was it encrypted "
                    + "for another certificate?): " + rootMessage(e), null, e);
        }
        byte[] encodedKey = contentKey.getEncoded();
        if (encodedKey == null || encodedKey.length * 8 != content.keyBits()) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "The content key in xenc:EncryptedKey has "
                    + (encodedKey == null ? "no" : encodedKey.length * 8 + " bits") + ", but " + content.uri()
                    + " needs " + content.keyBits());
        }

        byte[] plaintext;
        try {
            XMLCipher dataCipher = XMLCipher.getInstance(plaintextSerializer, content.uri());
            dataCipher.setSecureValidation(true);
            dataCipher.init(XMLCipher.DECRYPT_MODE, contentKey);
            plaintext = dataCipher.decryptToByteArray(encryptedData);
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "The ciphertext of xenc:EncryptedData cannot be "
                    + "decrypted (tampered or truncated; AES-GCM authentication failed): " + rootMessage(e), null, e);
        }

        Element decrypted;
        try {
            decrypted = plaintextSerializer.deserializeElement(plaintext, root);
        } catch (GatewayException e) {
            if (e.errorCode() == ErrorCode.DECRYPTION_FAILED) {
                throw e;
            }
            if (e.errorCode() == ErrorCode.XML_LIMIT_EXCEEDED || e.errorCode() == ErrorCode.XML_FORBIDDEN_CONSTRUCT) {
                throw new GatewayException(e.errorCode(), "The decrypted content of xenc:EncryptedData: " + e.detail(),
                        e.pointer(), e);
            }
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                    "The decrypted content of xenc:EncryptedData is not a well-formed element: " + e.detail(), null, e);
        }
        root.replaceChild(decrypted, encryptedData);
    }

    /** Checks EncryptionMethod, KeyInfo and CipherData of the EncryptedData; returns its EncryptedKey. */
    private static Element checkEncryptedData(Element encryptedData, SecurityProfile allowed) {
        Element method = null;
        Element keyInfo = null;
        Element cipherData = null;
        for (Element child : childElements(encryptedData, "xenc:EncryptedData", ErrorCode.DECRYPTION_FAILED)) {
            if (is(child, XENC_NS, "EncryptionMethod") && method == null && keyInfo == null && cipherData == null) {
                method = child;
            } else if (is(child, DSIG_NS, "KeyInfo") && keyInfo == null && cipherData == null) {
                keyInfo = child;
            } else if (is(child, XENC_NS, "CipherData") && cipherData == null) {
                cipherData = child;
            } else if (is(child, XENC_NS, "EncryptionProperties") && cipherData != null) {
                // informational, never processed
            } else {
                throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                        "Unexpected <" + child.getNodeName() + "> in xenc:EncryptedData");
            }
        }
        String expected = allowed.content().uri();
        if (method == null) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED,
                    "xenc:EncryptedData has no xenc:EncryptionMethod; " + expected + " is required");
        }
        requireAlgorithm(method, expected, "xenc:EncryptedData/xenc:EncryptionMethod");
        if (keyInfo == null) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                    "xenc:EncryptedData has no ds:KeyInfo; the key must be an xenc:EncryptedKey inside it");
        }
        List<Element> keyInfoChildren = childElements(keyInfo, "xenc:EncryptedData/ds:KeyInfo", ErrorCode.DECRYPTION_FAILED);
        if (keyInfoChildren.size() != 1 || !is(keyInfoChildren.get(0), XENC_NS, "EncryptedKey")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "xenc:EncryptedData/ds:KeyInfo must contain exactly "
                    + "one xenc:EncryptedKey and nothing else (no ds:RetrievalMethod or other references); found "
                    + names(keyInfoChildren));
        }
        requireInlineCipherValue(cipherData, "xenc:EncryptedData");
        return keyInfoChildren.get(0);
    }

    private static void checkEncryptedKey(Element encryptedKey, SecurityProfile allowed, KeyType ownType) {
        KeyTransportAlgorithm transport = allowed.keyTransport();
        Element method = null;
        Element keyInfo = null;
        Element cipherData = null;
        for (Element child : childElements(encryptedKey, "xenc:EncryptedKey", ErrorCode.DECRYPTION_FAILED)) {
            if (is(child, XENC_NS, "EncryptionMethod") && method == null && cipherData == null) {
                method = child;
            } else if (is(child, DSIG_NS, "KeyInfo") && keyInfo == null && cipherData == null) {
                keyInfo = child;
            } else if (is(child, XENC_NS, "CipherData") && cipherData == null) {
                cipherData = child;
            } else if (cipherData != null && (is(child, XENC_NS, "EncryptionProperties")
                    || is(child, XENC_NS, "ReferenceList") || is(child, XENC_NS, "CarriedKeyName"))) {
                // informational, never processed
            } else {
                throw new GatewayException(ErrorCode.DECRYPTION_FAILED,
                        "Unexpected <" + child.getNodeName() + "> in xenc:EncryptedKey");
            }
        }
        if (method == null) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED,
                    "xenc:EncryptedKey has no xenc:EncryptionMethod; " + transport.uri() + " is required");
        }
        String where = "xenc:EncryptedKey/xenc:EncryptionMethod";
        requireAlgorithm(method, transport.uri(), where);
        if (transport.isKeyAgreement()) {
            List<Element> methodChildren = childElements(method, where, ErrorCode.ALGORITHM_NOT_ALLOWED);
            if (!methodChildren.isEmpty()) {
                throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED,
                        where + " of " + transport.uri() + " must be empty; found " + names(methodChildren));
            }
            if (keyInfo == null) {
                throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "xenc:EncryptedKey has no ds:KeyInfo; "
                        + transport.name() + " needs an xenc:AgreementMethod " + KeyTransportAlgorithm.ECDH_ES + " in it");
            }
            checkAgreement(keyInfo, transport, ownType);
            requireInlineCipherValue(cipherData, "xenc:EncryptedKey");
            return;
        }
        if (keyInfo != null) {
            // identifies the recipient key; informational, never resolved. A key agreement is not informational.
            for (Element e : childElements(keyInfo, "xenc:EncryptedKey/ds:KeyInfo", ErrorCode.DECRYPTION_FAILED)) {
                if (is(e, XENC_NS, "AgreementMethod")) {
                    throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, "xenc:EncryptedKey/ds:KeyInfo has an "
                            + "xenc:AgreementMethod, but the profile requires key transport " + transport.uri());
                }
            }
        }
        Element digest = null;
        Element mgf = null;
        for (Element child : childElements(method, where, ErrorCode.ALGORITHM_NOT_ALLOWED)) {
            if (is(child, DSIG_NS, "DigestMethod") && digest == null) {
                digest = child;
            } else if (is(child, XENC11_NS, "MGF") && mgf == null) {
                mgf = child;
            } else if (is(child, XENC_NS, "OAEPparams")) {
                // OAEP label; not an algorithm choice
            } else {
                throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED,
                        "Unexpected <" + child.getNodeName() + "> in " + where);
            }
        }
        if (digest == null) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, where
                    + " has no ds:DigestMethod (the default would be SHA-1); " + transport.digestUri() + " is required");
        }
        requireAlgorithm(digest, transport.digestUri(), where + "/ds:DigestMethod");
        if (transport.mgfUri().isPresent()) {
            if (mgf == null) {
                throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, where
                        + " has no xenc11:MGF (the default would be MGF1 with SHA-1); " + transport.mgfUri().get()
                        + " is required");
            }
            requireAlgorithm(mgf, transport.mgfUri().get(), where + "/xenc11:MGF");
        } else if (mgf != null) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, where + " has an xenc11:MGF, which "
                    + transport.uri() + " does not allow");
        }
        requireInlineCipherValue(cipherData, "xenc:EncryptedKey");
    }

    /**
     * The EncryptedKey's KeyInfo must be exactly one {@code xenc:AgreementMethod} ECDH-ES with: one
     * {@code xenc11:KeyDerivationMethod} ConcatKDF whose {@code xenc11:ConcatKDFParams} name the profile's digest;
     * an {@code xenc:OriginatorKeyInfo} holding only the ephemeral public key as a {@code dsig11:ECKeyValue} on
     * our key's named curve (no explicit curve parameters, no certificates or references) and a point on that
     * curve; optionally an informational {@code xenc:RecipientKeyInfo}; no KA-Nonce.
     */
    private static void checkAgreement(Element keyInfo, KeyTransportAlgorithm transport, KeyType ownType) {
        String where = "xenc:EncryptedKey/ds:KeyInfo";
        List<Element> children = childElements(keyInfo, where, ErrorCode.DECRYPTION_FAILED);
        if (children.size() != 1 || !is(children.get(0), XENC_NS, "AgreementMethod")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, where + " must contain exactly one "
                    + "xenc:AgreementMethod and nothing else; found " + names(children));
        }
        Element agreement = children.get(0);
        where += "/xenc:AgreementMethod";
        requireAlgorithm(agreement, KeyTransportAlgorithm.ECDH_ES, where);
        Element derivation = null;
        Element originator = null;
        Element recipient = null;
        for (Element child : childElements(agreement, where, ErrorCode.DECRYPTION_FAILED)) {
            if (is(child, XENC11_NS, "KeyDerivationMethod") && derivation == null && originator == null) {
                derivation = child;
            } else if (is(child, XENC_NS, "OriginatorKeyInfo") && originator == null && recipient == null) {
                originator = child;
            } else if (is(child, XENC_NS, "RecipientKeyInfo") && recipient == null) {
                recipient = child;
            } else {
                throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "Unexpected <" + child.getNodeName() + "> in " + where);
            }
        }
        if (derivation == null) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, where + " has no xenc11:KeyDerivationMethod; "
                    + KeyTransportAlgorithm.CONCAT_KDF + " with " + transport.digestUri() + " is required");
        }
        String kdfWhere = where + "/xenc11:KeyDerivationMethod";
        requireAlgorithm(derivation, KeyTransportAlgorithm.CONCAT_KDF, kdfWhere);
        List<Element> kdf = childElements(derivation, kdfWhere, ErrorCode.ALGORITHM_NOT_ALLOWED);
        if (kdf.size() != 1 || !is(kdf.get(0), XENC11_NS, "ConcatKDFParams")) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, kdfWhere
                    + " must contain exactly one xenc11:ConcatKDFParams; found " + names(kdf));
        }
        List<Element> params = childElements(kdf.get(0), kdfWhere + "/xenc11:ConcatKDFParams", ErrorCode.ALGORITHM_NOT_ALLOWED);
        if (params.size() != 1 || !is(params.get(0), DSIG_NS, "DigestMethod")) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, kdfWhere
                    + "/xenc11:ConcatKDFParams must contain exactly one ds:DigestMethod; found " + names(params));
        }
        requireAlgorithm(params.get(0), transport.digestUri(), kdfWhere + "/xenc11:ConcatKDFParams/ds:DigestMethod");
        if (!childElements(params.get(0), "ds:DigestMethod", ErrorCode.ALGORITHM_NOT_ALLOWED).isEmpty()) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, kdfWhere + "/xenc11:ConcatKDFParams/ds:DigestMethod must be empty");
        }

        if (originator == null) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, where
                    + " has no xenc:OriginatorKeyInfo with the sender's ephemeral public key");
        }
        String oWhere = where + "/xenc:OriginatorKeyInfo";
        List<Element> o = childElements(originator, oWhere, ErrorCode.DECRYPTION_FAILED);
        if (o.size() != 1 || !is(o.get(0), DSIG_NS, "KeyValue")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, oWhere + " must contain exactly one ds:KeyValue "
                    + "(the ephemeral public key; no certificates or references); found " + names(o));
        }
        List<Element> kv = childElements(o.get(0), oWhere + "/ds:KeyValue", ErrorCode.DECRYPTION_FAILED);
        if (kv.size() != 1 || !is(kv.get(0), DSIG11_NS, "ECKeyValue")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, oWhere + "/ds:KeyValue must contain exactly one "
                    + "dsig11:ECKeyValue; found " + names(kv));
        }
        String ecWhere = oWhere + "/ds:KeyValue/dsig11:ECKeyValue";
        List<Element> ec = childElements(kv.get(0), ecWhere, ErrorCode.DECRYPTION_FAILED);
        if (ec.size() != 2 || !is(ec.get(0), DSIG11_NS, "NamedCurve") || !is(ec.get(1), DSIG11_NS, "PublicKey")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, ecWhere + " must contain dsig11:NamedCurve and "
                    + "dsig11:PublicKey (explicit curve parameters are not accepted); found " + names(ec));
        }
        String expectedCurve = "urn:oid:" + ownType.curveOid().orElseThrow();
        String curve = ec.get(0).getAttributeNS(null, "URI");
        if (!expectedCurve.equals(curve)) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, ecWhere + "/dsig11:NamedCurve URI=\"" + curve
                    + "\" is not allowed; our " + ownType.label() + " key needs " + expectedCurve);
        }
        requirePointOnCurve(ec.get(1).getTextContent(), ownType, ecWhere + "/dsig11:PublicKey");
        if (recipient != null) {
            for (Element e : childElements(recipient, where + "/xenc:RecipientKeyInfo", ErrorCode.DECRYPTION_FAILED)) {
                if (!is(e, DSIG_NS, "KeyName") && !is(e, DSIG_NS, "X509Data") && !is(e, DSIG_NS, "KeyValue")) {
                    throw new GatewayException(ErrorCode.DECRYPTION_FAILED, "Unexpected <" + e.getNodeName() + "> in "
                            + where + "/xenc:RecipientKeyInfo (only ds:KeyName, ds:X509Data or ds:KeyValue, never resolved)");
                }
            }
        }
    }

    /** An uncompressed point (0x04 || X || Y) with coordinates in the field and on the curve. */
    private static void requirePointOnCurve(String base64, KeyType type, String where) {
        java.security.spec.ECParameterSpec spec = type.curve().orElseThrow();
        java.security.spec.EllipticCurve curve = spec.getCurve();
        java.math.BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
        int size = (curve.getField().getFieldSize() + 7) / 8;
        byte[] encoded;
        try {
            encoded = java.util.Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, where + " is not base64", null, e);
        }
        if (encoded.length != 1 + 2 * size || encoded[0] != 0x04) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, where + " is not an uncompressed " + type.label()
                    + " point (" + encoded.length + " bytes)");
        }
        java.math.BigInteger x = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(encoded, 1, 1 + size));
        java.math.BigInteger y = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(encoded, 1 + size, encoded.length));
        boolean onCurve = x.compareTo(p) < 0 && y.compareTo(p) < 0
                && y.multiply(y).mod(p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p));
        if (!onCurve) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, where + " is not a point on " + type.label());
        }
    }

    private static void requireInlineCipherValue(Element cipherData, String owner) {
        if (cipherData == null) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, owner + " has no xenc:CipherData");
        }
        List<Element> children = childElements(cipherData, owner + "/xenc:CipherData", ErrorCode.DECRYPTION_FAILED);
        if (children.size() != 1 || !is(children.get(0), XENC_NS, "CipherValue")) {
            throw new GatewayException(ErrorCode.DECRYPTION_FAILED, owner + "/xenc:CipherData must contain exactly one "
                    + "inline xenc:CipherValue (xenc:CipherReference is not accepted); found " + names(children));
        }
        requireBase64(children.get(0), owner + "/xenc:CipherData/xenc:CipherValue", ErrorCode.DECRYPTION_FAILED);
    }

    // ------------------------------------------------------------------------------------- verification

    /**
     * Verifies the one enveloped signature of the document against {@code expectedSigner} (the partner's
     * registered certificate; the KeyInfo in the message is ignored) and returns the document element, which
     * is exactly what the signature covers.
     */
    public Element verify(Document doc, X509Certificate expectedSigner, SecurityProfile allowed) {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(expectedSigner, "expectedSigner");
        Objects.requireNonNull(allowed, "profile");
        Element sigElement = signatureElement(doc, allowed);
        checkValidity(expectedSigner);
        return checkSignatureValue(doc.getDocumentElement(), sigElement, expectedSigner, allowed);
    }

    /**
     * Verifies the one enveloped signature of the document against one of the partner's registered signing
     * certificates and returns the document element. The signature's KeyInfo (X509IssuerSerial, X509SKI or
     * X509Certificate) only selects among {@code signers}: a reference to an unregistered certificate is
     * {@code certificate_untrusted}. Without a reference every registered certificate is tried, newest first. The
     * certificate that verifies is then checked by {@code signers} (dates, path, revocation).
     */
    public Element verify(Document doc, SignerCandidates signers, SecurityProfile allowed) {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(signers, "signers");
        Objects.requireNonNull(allowed, "profile");
        Element sigElement = signatureElement(doc, allowed);
        Element root = doc.getDocumentElement();
        KeyInfoHints hints = KeyInfoHints.of(sigElement);
        if (!hints.isEmpty()) {
            X509Certificate named = hints.select(signers.registered());
            signers.check(named);
            return checkSignatureValue(root, sigElement, named, allowed);
        }
        GatewayException failure = null;
        for (X509Certificate candidate : signers.registered()) {
            Element verified;
            try {
                verified = checkSignatureValue(root, sigElement, candidate, allowed);
            } catch (GatewayException e) {
                if (e.errorCode() != ErrorCode.SIGNATURE_INVALID) {
                    throw e;
                }
                failure = failure == null ? e : failure;
                continue;
            }
            signers.check(candidate);
            return verified;
        }
        throw failure != null ? failure : new GatewayException(ErrorCode.SIGNATURE_INVALID, "No registered signing certificate");
    }

    /** The document's one ds:Signature, a direct child of the document element, with the allowed structure. */
    private static Element signatureElement(Document doc, SecurityProfile allowed) {
        Element root = requireRoot(doc, ErrorCode.SIGNATURE_MISSING);
        NodeList all = doc.getElementsByTagNameNS(DSIG_NS, "Signature");
        if (all.getLength() == 0) {
            throw new GatewayException(ErrorCode.SIGNATURE_MISSING, "<" + root.getNodeName() + "> carries no ds:Signature");
        }
        if (all.getLength() > 1) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "<" + root.getNodeName() + "> contains "
                    + all.getLength() + " ds:Signature elements; exactly one is accepted");
        }
        Element sigElement = (Element) all.item(0);
        if (sigElement.getParentNode() != root) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Signature must be a direct child of <"
                    + root.getNodeName() + ">, found inside <" + sigElement.getParentNode().getNodeName() + ">");
        }
        checkSignatureStructure(sigElement, allowed);
        return sigElement;
    }

    private Element checkSignatureValue(Element root, Element sigElement, X509Certificate expectedSigner, SecurityProfile allowed) {
        // our side first: a registered certificate that cannot verify this profile at all is our configuration's fault
        PublicKey publicKey = expectedSigner.getPublicKey();
        KeyType.require(publicKey, List.of(allowed.signature().keyType()),
                "expected signer certificate " + subject(expectedSigner) + " for " + allowed.signature().name());
        checkKeyInfo(sigElement, expectedSigner);

        XMLSignature signature;
        try {
            signature = new XMLSignature(sigElement, "", true);
        } catch (XMLSecurityException | RuntimeException e) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE,
                    "ds:Signature of <" + root.getNodeName() + "> cannot be processed: " + e.getMessage(), null, e);
        }
        boolean valid;
        try {
            valid = signature.checkSignatureValue(publicKey);
        } catch (XMLSecurityException | RuntimeException e) {
            throw new GatewayException(ErrorCode.SIGNATURE_INVALID, "ds:Signature of <" + root.getNodeName()
                    + "> does not verify with " + subject(expectedSigner) + ": " + rootMessage(e), null, e);
        }
        if (!valid) {
            throw new GatewayException(ErrorCode.SIGNATURE_INVALID, "ds:Signature of <" + root.getNodeName() + "> "
                    + failureReason(signature) + " (expected signer " + subject(expectedSigner) + ")");
        }
        return root;
    }

    private static String failureReason(XMLSignature signature) {
        try {
            if (!signature.getSignedInfo().getVerificationResult(0)) {
                return "does not match the document: the digest differs, the content was changed after signing";
            }
        } catch (XMLSecurityException | RuntimeException ignored) {
            // fall through to the generic reason
        }
        return "has a SignatureValue that does not verify with the expected signer's key "
                + "(signed with another key, or SignedInfo altered)";
    }

    /** Exactly: SignedInfo, SignatureValue, optional KeyInfo; one Reference URI="" with the two transforms. */
    private static void checkSignatureStructure(Element sigElement, SecurityProfile allowed) {
        List<Element> parts = childElements(sigElement, "ds:Signature", ErrorCode.SIGNATURE_STRUCTURE);
        if (parts.size() < 2 || parts.size() > 3 || !is(parts.get(0), DSIG_NS, "SignedInfo")
                || !is(parts.get(1), DSIG_NS, "SignatureValue")
                || (parts.size() == 3 && !is(parts.get(2), DSIG_NS, "KeyInfo"))) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Signature must contain ds:SignedInfo, "
                    + "ds:SignatureValue and optionally ds:KeyInfo (no ds:Object); found " + names(parts));
        }
        Element signedInfo = parts.get(0);
        List<Element> si = childElements(signedInfo, "ds:SignedInfo", ErrorCode.SIGNATURE_STRUCTURE);
        if (si.size() < 3 || !is(si.get(0), DSIG_NS, "CanonicalizationMethod")
                || !is(si.get(1), DSIG_NS, "SignatureMethod")) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:SignedInfo must contain "
                    + "ds:CanonicalizationMethod, ds:SignatureMethod and one ds:Reference; found " + names(si));
        }
        List<Element> references = si.subList(2, si.size());
        for (Element e : references) {
            if (!is(e, DSIG_NS, "Reference")) {
                throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE,
                        "Unexpected <" + e.getNodeName() + "> in ds:SignedInfo");
            }
        }
        if (references.size() != 1) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:SignedInfo has " + references.size()
                    + " ds:Reference elements; exactly one, with URI=\"\", is accepted");
        }
        requireAlgorithm(si.get(0), EXC_C14N, "ds:SignedInfo/ds:CanonicalizationMethod");
        requireAlgorithm(si.get(1), allowed.signature().uri(), "ds:SignedInfo/ds:SignatureMethod");
        List<Element> methodChildren = childElements(si.get(1), "ds:SignatureMethod", ErrorCode.SIGNATURE_STRUCTURE);
        if (!methodChildren.isEmpty()) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE,
                    "ds:SignatureMethod must be empty; found " + names(methodChildren));
        }

        Element reference = references.get(0);
        if (!reference.hasAttributeNS(null, "URI") || !reference.getAttributeNS(null, "URI").isEmpty()) {
            String uri = reference.hasAttributeNS(null, "URI")
                    ? "URI=\"" + reference.getAttributeNS(null, "URI") + "\"" : "no URI attribute";
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Reference has " + uri
                    + "; only URI=\"\" (the whole document) is accepted");
        }
        List<Element> ref = childElements(reference, "ds:Reference", ErrorCode.SIGNATURE_STRUCTURE);
        if (ref.size() != 3 || !is(ref.get(0), DSIG_NS, "Transforms") || !is(ref.get(1), DSIG_NS, "DigestMethod")
                || !is(ref.get(2), DSIG_NS, "DigestValue")) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Reference must contain ds:Transforms, "
                    + "ds:DigestMethod and ds:DigestValue; found " + names(ref));
        }
        List<Element> transforms = childElements(ref.get(0), "ds:Transforms", ErrorCode.SIGNATURE_STRUCTURE);
        if (transforms.size() != 2 || !is(transforms.get(0), DSIG_NS, "Transform")
                || !is(transforms.get(1), DSIG_NS, "Transform")
                || !ENVELOPED_SIGNATURE.equals(transforms.get(0).getAttributeNS(null, "Algorithm"))
                || !EXC_C14N.equals(transforms.get(1).getAttributeNS(null, "Algorithm"))) {
            List<String> found = new ArrayList<>();
            for (Element t : transforms) {
                found.add(t.getNodeName() + "[" + t.getAttributeNS(null, "Algorithm") + "]");
            }
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Reference/ds:Transforms must be exactly "
                    + ENVELOPED_SIGNATURE + " then " + EXC_C14N + "; found " + found);
        }
        if (!childElements(transforms.get(0), "enveloped-signature ds:Transform", ErrorCode.SIGNATURE_STRUCTURE).isEmpty()) {
            throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "The enveloped-signature ds:Transform must be empty");
        }
        for (Element e : childElements(transforms.get(1), "exc-c14n ds:Transform", ErrorCode.SIGNATURE_STRUCTURE)) {
            if (!is(e, EXC_C14N, "InclusiveNamespaces")) {
                throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE,
                        "Unexpected <" + e.getNodeName() + "> in the exc-c14n ds:Transform");
            }
        }
        requireAlgorithm(ref.get(1), allowed.digest().uri(), "ds:Reference/ds:DigestMethod");
        requireBase64(ref.get(2), "ds:Reference/ds:DigestValue", ErrorCode.SIGNATURE_STRUCTURE);
        requireBase64(parts.get(1), "ds:SignatureValue", ErrorCode.SIGNATURE_STRUCTURE);
    }

    /**
     * The signature's KeyInfo is never used to find the key, but it must not point anywhere (no
     * ds:RetrievalMethod or other references) and must not contradict the registered certificate: a
     * certificate it carries must be exactly {@code expectedSigner}.
     */
    private static void checkKeyInfo(Element sigElement, X509Certificate expectedSigner) {
        List<Element> parts = childElements(sigElement, "ds:Signature", ErrorCode.SIGNATURE_STRUCTURE);
        if (parts.size() < 3) {
            return;
        }
        byte[] registered;
        try {
            registered = expectedSigner.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "The registered certificate " + subject(expectedSigner)
                    + " cannot be encoded", null, e);
        }
        for (Element item : childElements(parts.get(2), "ds:Signature/ds:KeyInfo", ErrorCode.SIGNATURE_STRUCTURE)) {
            if (is(item, DSIG_NS, "KeyName") || is(item, DSIG_NS, "KeyValue")) {
                continue;
            }
            if (!is(item, DSIG_NS, "X509Data")) {
                throw new GatewayException(ErrorCode.SIGNATURE_STRUCTURE, "ds:Signature/ds:KeyInfo contains <" + item.getNodeName()
                        + ">; only ds:X509Data, ds:KeyName and ds:KeyValue are accepted (nothing is ever retrieved)");
            }
            for (Element data : childElements(item, "ds:KeyInfo/ds:X509Data", ErrorCode.SIGNATURE_STRUCTURE)) {
                if (!is(data, DSIG_NS, "X509Certificate")) {
                    continue;
                }
                byte[] carried = requireBase64(data, "ds:KeyInfo/ds:X509Data/ds:X509Certificate", ErrorCode.SIGNATURE_STRUCTURE);
                if (!java.util.Arrays.equals(carried, registered)) {
                    throw new GatewayException(ErrorCode.SIGNATURE_INVALID, "ds:Signature/ds:KeyInfo carries a certificate that "
                            + "is not the registered certificate " + subject(expectedSigner) + " of the sender");
                }
            }
        }
    }

    /**
     * Decodes a base64 element value strictly: only the base64 alphabet and XML whitespace are accepted, padded, and
     * canonical (xs:base64Binary: the unused bits of the last character before '=' are zero), so no two spellings
     * decode to the same bytes.
     */
    private static byte[] requireBase64(Element element, String where, ErrorCode code) {
        String text = element.getTextContent();
        StringBuilder compact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                continue;
            }
            compact.append(c);
        }
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(code, where + " is not valid base64: " + e.getMessage(), null, e);
        }
        if (!java.util.Base64.getEncoder().encodeToString(decoded).contentEquals(compact)) {
            throw new GatewayException(code, where + " is not canonical base64 (missing padding, or non-zero bits in its last character)");
        }
        return decoded;
    }

    private void checkValidity(X509Certificate cert) {
        CertificateValidator.checkDates(cert, "signer certificate", clock.instant());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * Santuario writes some namespace declarations of the xenc:AgreementMethod as plain attributes named
     * {@code xmlns:...} (no namespace). Canonicalization of the in-memory document then differs from that of the
     * same document after serialization and parsing, so the sender's message digest would not match the
     * receiver's. Re-declares them as namespace attributes.
     */
    private static void declareNamespacesProperly(Element element) {
        org.w3c.dom.NamedNodeMap attributes = element.getAttributes();
        List<org.w3c.dom.Attr> misdeclared = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            org.w3c.dom.Attr a = (org.w3c.dom.Attr) attributes.item(i);
            if (a.getNamespaceURI() == null && (a.getName().equals("xmlns") || a.getName().startsWith("xmlns:"))) {
                misdeclared.add(a);
            }
        }
        for (org.w3c.dom.Attr a : misdeclared) {
            element.removeAttributeNode(a);
            element.setAttributeNS(javax.xml.XMLConstants.XMLNS_ATTRIBUTE_NS_URI, a.getName(), a.getValue());
        }
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                declareNamespacesProperly(child);
            }
        }
    }

    private static Element requireRoot(Document doc, ErrorCode code) {
        Element root = doc.getDocumentElement();
        if (root == null) {
            throw new GatewayException(code, "The document has no document element");
        }
        return root;
    }

    private static void requireAlgorithm(Element element, String expected, String where) {
        String actual = element.getAttributeNS(null, "Algorithm");
        if (!expected.equals(actual)) {
            throw new GatewayException(ErrorCode.ALGORITHM_NOT_ALLOWED, where + " Algorithm=\"" + actual
                    + "\" is not allowed; the profile requires " + expected);
        }
    }

    private static boolean is(Element e, String namespace, String localName) {
        return namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName());
    }

    /** Element children of a container element; non-whitespace text is a structural error, comments are ignored. */
    private static List<Element> childElements(Element parent, String where, ErrorCode code) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            switch (n.getNodeType()) {
                case Node.ELEMENT_NODE -> result.add((Element) n);
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
                    if (!n.getNodeValue().isBlank()) {
                        throw new GatewayException(code, "Unexpected text in " + where);
                    }
                }
                case Node.COMMENT_NODE, Node.PROCESSING_INSTRUCTION_NODE -> {
                    // not significant
                }
                default -> throw new GatewayException(code, "Unexpected " + n.getNodeName() + " node in " + where);
            }
        }
        return result;
    }

    private static String names(List<Element> elements) {
        List<String> names = new ArrayList<>(elements.size());
        for (Element e : elements) {
            names.add(e.getNodeName());
        }
        return names.toString();
    }

    private static String subject(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "'";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The innermost message, which is the one that says what went wrong (e.g. "Tag mismatch"). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        int guard = 0;
        while (t.getCause() != null && t.getCause() != t && guard++ < 16) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
