package org.cmag.e2e;

import static org.cmag.e2e.Forge.DSIG;
import static org.cmag.e2e.Forge.EXC_C14N;
import static org.cmag.e2e.Forge.RSA_SHA256;
import static org.cmag.e2e.Forge.SHA256;
import static org.cmag.e2e.Forge.XENC;
import static org.cmag.e2e.Forge.body;
import static org.cmag.e2e.Forge.first;
import static org.cmag.e2e.Forge.header;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Generators of the attack corpus (src/test/resources/messages/forged/cases.tsv lists every case with its expected
 * error code). Sealed forgeries need the test's development keys, so they are built here rather than stored; cases
 * that need no keys are files next to cases.tsv. To add a case: a row in cases.tsv and a generator (or file).
 */
final class ForgedMessages {
    static final String ATTACKER_NS = "urn:attacker";

    /** A forged message and the message id it claims (null when it has none). */
    record Forged(byte[] bytes, String messageId) {}

    static final Map<String, Function<Forge, Forged>> GENERATORS = new LinkedHashMap<>();

    private static void add(String id, Function<Forge, Forged> generator) {
        if (GENERATORS.put(id, generator) != null) {
            throw new IllegalStateException("duplicate generator " + id);
        }
    }

    private static Forged of(Forge f, Document doc, ExchangeMessageType m) {
        return new Forged(f.bytes(doc), m.getHeader().getMessageID());
    }

    private static ExchangeMessageType withPurpose(ExchangeMessageType m, String purpose) {
        m.getHeader().getPurpose().set(0, purpose);
        return m;
    }

    static {
        // ------------------------------------------------------------------ signature wrapping
        add("xsw-forged-root-original-in-wrapper", f -> {
            ExchangeMessageType m = f.message();
            Document original = f.signed(m);
            Element signature = first(original, DSIG, "Signature");
            signature.getParentNode().removeChild(signature);
            Document forged = f.document(withPurpose(m, "CUSTOMS_VALUE: forged purpose"));
            Element wrapper = forged.createElementNS(ATTACKER_NS, "a:Wrapper");
            wrapper.appendChild(forged.importNode(original.getDocumentElement(), true));
            forged.getDocumentElement().appendChild(wrapper);
            forged.getDocumentElement().appendChild(forged.importNode(signature, true));
            return of(f, f.encryptedForDe(forged), m);
        });
        add("xsw-signature-inside-wrapper", f -> {
            ExchangeMessageType m = f.message();
            Document original = f.signed(m);
            Document forged = f.document(withPurpose(f.message(), "CUSTOMS_VALUE: forged purpose"));
            forged.getDocumentElement().getElementsByTagNameNS(ExchangeCodec.NS, "MessageID").item(0)
                    .setTextContent(m.getHeader().getMessageID());
            Element wrapper = forged.createElementNS(ATTACKER_NS, "a:Wrapper");
            wrapper.appendChild(forged.importNode(original.getDocumentElement(), true));
            f.encryptedForDe(forged);
            forged.getDocumentElement().appendChild(wrapper);
            return of(f, forged, m);
        });
        add("duplicate-header", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element copy = (Element) header(doc).cloneNode(true);
            copy.getElementsByTagNameNS(ExchangeCodec.NS, "Purpose").item(0).setTextContent("CUSTOMS_VALUE: forged");
            doc.getDocumentElement().insertBefore(copy, header(doc));
            return of(f, doc, m);
        });
        add("duplicate-body-unsigned", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.signed(m);
            Element copy = (Element) body(doc).cloneNode(true);
            doc.getDocumentElement().insertBefore(copy, first(doc, DSIG, "Signature"));
            return of(f, f.encryptedForDe(doc), m);
        });
        add("extra-unsigned-element", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element extra = doc.createElementNS(ATTACKER_NS, "a:Instruction");
            extra.setTextContent("forward to FR");
            header(doc).appendChild(extra);
            return of(f, doc, m);
        });
        add("signature-reference-to-id", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.document(m);
            header(doc).setAttributeNS(null, "Id", "h");
            header(doc).setIdAttributeNS(null, "Id", true);
            f.rawSign(doc, f.nl.keys().own().signingKey(), f.nl.keys().own().signingCertificate(), RSA_SHA256, SHA256, EXC_C14N, "#h");
            return of(f, f.encryptedForDe(doc), m);
        });
        add("signature-two-references", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.document(m);
            header(doc).setAttributeNS(null, "Id", "h");
            header(doc).setIdAttributeNS(null, "Id", true);
            f.rawSign(doc, f.nl.keys().own().signingKey(), f.nl.keys().own().signingCertificate(), RSA_SHA256, SHA256, EXC_C14N, "", "#h");
            return of(f, f.encryptedForDe(doc), m);
        });
        // ------------------------------------------------------------------ who signed
        add("signature-removed", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element signature = first(doc, DSIG, "Signature");
            signature.getParentNode().removeChild(signature);
            return of(f, doc, m);
        });
        add("two-signatures", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Document byFr = f.signedBy(f.message(), f.fr);
            doc.getDocumentElement().appendChild(doc.importNode(first(byFr, DSIG, "Signature"), true));
            return of(f, doc, m);
        });
        add("signed-by-de-own-key", f -> {
            ExchangeMessageType m = f.message();
            return of(f, f.encryptedForDe(f.signedBy(m, f.de.keys().own())), m);
        });
        add("signed-by-fr-claims-nl", f -> {
            ExchangeMessageType m = f.message();
            return of(f, f.encryptedForDe(f.signedBy(m, f.fr)), m);
        });
        add("signed-by-nl-claims-fr", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().getSender().setAuthorityID("FR");
            m.getHeader().getSender().setCountryCode("FR");
            return of(f, f.sealed(m), m);
        });
        add("untrusted-key-in-keyinfo", f -> {
            ExchangeMessageType m = f.message();
            return of(f, f.encryptedForDe(f.signedBy(m, f.outsider)), m);
        });
        add("keyinfo-retrieval-method", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element keyInfo = (Element) first(doc, DSIG, "Signature").getElementsByTagNameNS(DSIG, "KeyInfo").item(0);
            Element retrieval = doc.createElementNS(DSIG, "ds:RetrievalMethod");
            retrieval.setAttributeNS(null, "URI", "http://127.0.0.1:9/key.cer");
            retrieval.setAttributeNS(null, "Type", "http://www.w3.org/2000/09/xmldsig#rawX509Certificate");
            keyInfo.insertBefore(retrieval, keyInfo.getFirstChild());
            return of(f, doc, m);
        });
        add("foreign-signature-keyinfo-removed", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.signedBy(m, f.fr);
            Element keyInfo = (Element) first(doc, DSIG, "Signature").getElementsByTagNameNS(DSIG, "KeyInfo").item(0);
            keyInfo.getParentNode().removeChild(keyInfo);
            return of(f, f.encryptedForDe(doc), m);
        });
        // ------------------------------------------------------------------ certificates (PKI)
        // The test certificates are issued in AttackCorpusTest's set-up; the first four are registered in DE's copy of
        // NL.yaml as NL's (rotated) signing certificates, so the KeyInfo reference selects them and the use-time
        // check of the selected certificate decides.
        add("expired-signer-certificate", f -> signedWithTestCertificate(f, AttackCorpusTest.EXPIRED));
        add("not-yet-valid-signer-certificate", f -> signedWithTestCertificate(f, AttackCorpusTest.NOT_YET_VALID));
        add("revoked-signer-certificate", f -> signedWithTestCertificate(f, AttackCorpusTest.REVOKED));
        add("revocation-source-unreachable", f -> signedWithTestCertificate(f, AttackCorpusTest.UNREACHABLE_CRL));
        add("unknown-issuer", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.signedWith(m, f.certificate(AttackCorpusTest.UNKNOWN_ISSUER));
            // the forger presents the whole path: its CA certificate next to the signer's in ds:X509Data
            Element data = (Element) first(doc, DSIG, "Signature").getElementsByTagNameNS(DSIG, "X509Data").item(0);
            Element ca = doc.createElementNS(DSIG, "ds:X509Certificate");
            ca.setTextContent(base64(f.certificate(AttackCorpusTest.UNKNOWN_ISSUER_CA).certificate()));
            data.appendChild(ca);
            return of(f, f.encryptedForDe(doc), m);
        });
        add("signer-certificate-of-other-partner-anchor", f -> signedWithTestCertificate(f, AttackCorpusTest.OTHER_PARTNER_ANCHOR));
        add("signature-value-non-canonical-base64", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element value = first(doc, DSIG, "SignatureValue");
            String v = value.getTextContent().replaceAll("\\s", "");
            int last = v.indexOf('=') - 1;
            if (last < 0) {
                throw new IllegalStateException("an RSA-2048 SignatureValue ends with padding");
            }
            // the last character before '=' carries unused low bits: setting one gives another spelling of the same bytes
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            value.setTextContent(v.substring(0, last) + alphabet.charAt(alphabet.indexOf(v.charAt(last)) + 1) + v.substring(last + 1));
            return of(f, doc, m);
        });
        // ------------------------------------------------------------------ algorithms
        add("signature-rsa-sha1", f -> rawSigned(f, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", SHA256, EXC_C14N));
        add("digest-sha1", f -> rawSigned(f, RSA_SHA256, "http://www.w3.org/2000/09/xmldsig#sha1", EXC_C14N));
        add("c14n-with-comments", f -> rawSigned(f, RSA_SHA256, SHA256, "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"));
        add("transform-xslt", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element transform = (Element) doc.getElementsByTagNameNS(DSIG, "Transform").item(1);
            transform.setAttributeNS(null, "Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116");
            Element stylesheet = doc.createElementNS("http://www.w3.org/1999/XSL/Transform", "xsl:stylesheet");
            stylesheet.setAttributeNS(null, "version", "1.0");
            transform.appendChild(stylesheet);
            return of(f, doc, m);
        });
        add("transform-xpath", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element transforms = (Element) doc.getElementsByTagNameNS(DSIG, "Transforms").item(0);
            Element xpath = doc.createElementNS(DSIG, "ds:Transform");
            xpath.setAttributeNS(null, "Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116");
            Element expression = doc.createElementNS(DSIG, "ds:XPath");
            expression.setTextContent("not(ancestor-or-self::*[local-name()='Purpose'])");
            xpath.appendChild(expression);
            transforms.insertBefore(xpath, transforms.getFirstChild());
            return of(f, doc, m);
        });
        add("reference-external-uri", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            first(doc, DSIG, "Reference").setAttributeNS(null, "URI", "http://127.0.0.1:9/message.xml");
            return of(f, doc, m);
        });
        add("many-references", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element reference = first(doc, DSIG, "Reference");
            for (int i = 0; i < 2000; i++) {
                reference.getParentNode().appendChild(reference.cloneNode(true));
            }
            return of(f, doc, m);
        });
        add("content-aes-cbc", f -> rawEncrypted(f, "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
                "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", SHA256));
        add("key-transport-rsa-1_5", f -> rawEncrypted(f, "http://www.w3.org/2009/xmlenc11#aes256-gcm",
                "http://www.w3.org/2001/04/xmlenc#rsa-1_5", null));
        add("key-transport-oaep-sha1", f -> rawEncrypted(f, "http://www.w3.org/2009/xmlenc11#aes256-gcm",
                "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", null));
        // ------------------------------------------------------------------ encryption layer
        add("ciphertext-byte-flipped", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element value = dataCipherValue(doc);
            String v = value.getTextContent().strip();
            value.setTextContent(v.substring(0, 20) + (v.charAt(20) == 'A' ? 'B' : 'A') + v.substring(21));
            return of(f, doc, m);
        });
        add("ciphertext-truncated", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element value = dataCipherValue(doc);
            String v = value.getTextContent().replaceAll("\\s", "");
            value.setTextContent(v.substring(0, v.length() - 24) + v.substring(v.length() - 4));
            return of(f, doc, m);
        });
        add("encrypted-key-for-other-recipient", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.signed(m);
            f.security.encrypt(doc, body(doc), f.nl.keys().own().encryptionCertificate(), f.profile());
            return of(f, doc, m);
        });
        add("encrypted-key-from-other-message", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Document other = f.sealed(f.message());
            Element key = first(doc, XENC, "EncryptedKey");
            key.getParentNode().replaceChild(doc.importNode(first(other, XENC, "EncryptedKey"), true), key);
            return of(f, doc, m);
        });
        add("cipher-reference-external", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element value = dataCipherValue(doc);
            Element reference = doc.createElementNS(XENC, "xenc:CipherReference");
            reference.setAttributeNS(null, "URI", "http://127.0.0.1:9/ciphertext");
            value.getParentNode().replaceChild(reference, value);
            return of(f, doc, m);
        });
        add("body-not-encrypted", f -> {
            ExchangeMessageType m = f.message();
            return of(f, f.signed(m), m);
        });
        add("two-encrypted-data", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element data = first(doc, XENC, "EncryptedData");
            doc.getDocumentElement().insertBefore(data.cloneNode(true), data);
            return of(f, doc, m);
        });
        // ------------------------------------------------------------------ parser
        add("xinclude", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            Element include = doc.createElementNS("http://www.w3.org/2001/XInclude", "xi:include");
            include.setAttributeNS(null, "href", "file:///etc/passwd");
            include.setAttributeNS(null, "parse", "text");
            header(doc).appendChild(include);
            return of(f, doc, m);
        });
        add("oversized", f -> {
            ExchangeMessageType m = f.message();
            String sealed = new String(f.bytes(f.sealed(m)), java.nio.charset.StandardCharsets.UTF_8);
            int limit = f.de.config().getInt("gateway.max-message-bytes");
            int at = sealed.indexOf("<Header>");
            String padding = "<!--" + "x".repeat(limit - sealed.length() + 100) + "-->";
            return new Forged(Forge.utf8(sealed.substring(0, at) + padding + sealed.substring(at)), m.getHeader().getMessageID());
        });
        add("over-deep", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            header(doc).appendChild(nest(doc, f.de.config().getInt("gateway.xml.max-depth") + 10));
            return of(f, doc, m);
        });
        add("too-many-elements", f -> {
            ExchangeMessageType m = f.message();
            int max = f.de.config().getInt("gateway.xml.max-elements");
            String sealed = new String(f.bytes(f.sealed(m)), java.nio.charset.StandardCharsets.UTF_8);
            int at = sealed.indexOf("</Header>");
            return new Forged(Forge.utf8(sealed.substring(0, at) + "<a:x xmlns:a=\"urn:attacker\">" + "<y/>".repeat(max) + "</a:x>"
                    + sealed.substring(at)), m.getHeader().getMessageID());
        });
        add("too-many-attributes", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.sealed(m);
            int max = f.de.config().getInt("gateway.xml.max-attributes");
            for (int i = 0; i <= max; i++) {
                header(doc).setAttributeNS(null, "a" + i, "v");
            }
            return of(f, doc, m);
        });
        add("over-deep-inside-encrypted-body", f -> {
            ExchangeMessageType m = f.message();
            Document doc = f.document(m);
            ((Element) body(doc).getFirstChild()).appendChild(nest(doc, f.de.config().getInt("gateway.xml.max-depth") + 10));
            f.security.sign(doc, f.nl.keys().own().signingKey(), f.nl.keys().own().signingCertificate(), f.profile());
            return of(f, f.encryptedForDe(doc), m);
        });
        // ------------------------------------------------------------------ replay, freshness, addressing
        add("replay-different-content", f -> {
            ExchangeMessageType m = f.message();
            f.deliverValid.accept(f.bytes(f.sealed(m)));
            return of(f, f.sealed(withPurpose(m, "CUSTOMS_VALUE: same id, other content")), m);
        });
        add("replay-identical", f -> {
            ExchangeMessageType m = f.message();
            return of(f, f.sealed(m), m);
        });
        add("stale-created", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().setCreated(OffsetDateTime.now(ZoneOffset.UTC).minusDays(2));
            m.getHeader().setExpiresAt(null);
            return of(f, f.sealed(m), m);
        });
        add("future-created", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().setCreated(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
            return of(f, f.sealed(m), m);
        });
        add("expired", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().setCreated(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(90));
            m.getHeader().setExpiresAt(OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));
            return of(f, f.sealed(m), m);
        });
        add("wrong-receiver", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().getReceiver().setAuthorityID("FR");
            m.getHeader().getReceiver().setCountryCode("FR");
            return of(f, f.sealed(m), m);
        });
        add("comment-in-signed-text", f -> {
            // exclusive c14n without comments: a comment splitting signed text leaves the signature valid
            ExchangeMessageType m = f.message();
            Document doc = f.signed(m);
            Element authority = (Element) header(doc).getElementsByTagNameNS(ExchangeCodec.NS, "AuthorityID").item(0);
            String text = authority.getTextContent();
            authority.setTextContent(text.substring(0, 1));
            authority.appendChild(doc.createComment(""));
            authority.appendChild(doc.createTextNode(text.substring(1)));
            return of(f, f.encryptedForDe(doc), m);
        });
        add("processing-instruction-in-signed-body", f -> {
            // a processing instruction NL signed with the message: covered by the signature, but not data national systems expect
            ExchangeMessageType m = f.message();
            Document doc = f.document(m);
            body(doc).insertBefore(doc.createProcessingInstruction("cmag-forward", "to=FR"), body(doc).getFirstChild());
            f.rawSign(doc, f.nl.keys().own().signingKey(), f.nl.keys().own().signingCertificate(), RSA_SHA256, SHA256, EXC_C14N, "");
            return of(f, f.encryptedForDe(doc), m);
        });
        add("sender-country-not-the-signers", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().getSender().setCountryCode("DE");
            return of(f, f.sealed(m), m);
        });
        add("unknown-sender", f -> {
            ExchangeMessageType m = f.message();
            m.getHeader().getSender().setAuthorityID("XX");
            return of(f, f.sealed(m), m);
        });
    }

    /** A valid NL→DE message signed (as NL's gateway signs) with one of the test's certificates. */
    private static Forged signedWithTestCertificate(Forge f, String name) {
        ExchangeMessageType m = f.message();
        return of(f, f.encryptedForDe(f.signedWith(m, f.certificate(name))), m);
    }

    private static String base64(java.security.cert.X509Certificate c) {
        try {
            return java.util.Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Forged rawSigned(Forge f, String signatureMethod, String digest, String c14n) {
        ExchangeMessageType m = f.message();
        Document doc = f.document(m);
        f.rawSign(doc, f.nl.keys().own().signingKey(), f.nl.keys().own().signingCertificate(), signatureMethod, digest, c14n, "");
        return of(f, f.encryptedForDe(doc), m);
    }

    private static Forged rawEncrypted(Forge f, String content, String transport, String oaepDigest) {
        ExchangeMessageType m = f.message();
        Document doc = f.signed(m);
        f.rawEncrypt(doc, content, transport, oaepDigest);
        return of(f, doc, m);
    }

    /** The CipherValue of the EncryptedData itself (not of its EncryptedKey). */
    private static Element dataCipherValue(Document doc) {
        Element data = first(doc, XENC, "EncryptedData");
        for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "CipherData".equals(e.getLocalName())) {
                return (Element) e.getElementsByTagNameNS(XENC, "CipherValue").item(0);
            }
        }
        throw new IllegalStateException("no CipherData");
    }

    private static Element nest(Document doc, int depth) {
        Element top = doc.createElementNS(ATTACKER_NS, "a:n");
        top.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:a", ATTACKER_NS);
        Element current = top;
        for (int i = 1; i < depth; i++) {
            Element next = doc.createElementNS(ATTACKER_NS, "a:n");
            current.appendChild(next);
            current = next;
        }
        return top;
    }

    private ForgedMessages() {}
}
