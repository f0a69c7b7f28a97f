package org.cmag.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Interoperability with xmlsec1 (libxmlsec 1.2.37, OpenSSL), run for real with the development PKI exported as PEM.
 *
 * <p>What xmlsec1 1.2.37 supports, found out here: rsa-sha256 signatures with exc-c14n and enveloped-signature (both
 * directions), aes256-gcm content encryption (both directions). Key transport does NOT interoperate with CMAG's
 * profile: xmlsec1 1.2.37 accepts rsa-oaep-mgf1p only with SHA-1 as the OAEP digest ("digest algorithm ...#sha256 is
 * not supported for rsa/oaep") and does not know xmlenc11#rsa-oaep at all (both came with xmlsec 1.3). Those two facts
 * are asserted below, so the test notices when the installed xmlsec1 changes. For the rest, the content key crosses
 * the boundary by hand: the test unwraps or wraps it with OAEP-SHA-256 in Java and hands it to xmlsec1 as an AES key.
 * Skipped loudly when xmlsec1 is not installed (CI installs it).
 */
class XmlsecInteropTest {
    static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

    @TempDir
    static Path dir;
    static Path pki;
    static OwnKeys nl;
    static OwnKeys de;
    static final SecureXml XML = new SecureXml();
    static final XmlSecurity SECURITY = new XmlSecurity(XML, Clock.systemUTC());

    @BeforeAll
    static void keys() throws IOException {
        pki = dir.resolve("pki");
        DevPki dev = new DevPki(pki, Clock.systemUTC(), "changeit".toCharArray());
        dev.ensure(List.of("NL", "DE"));
        nl = dev.loadOwn("NL");
        de = dev.loadOwn("DE");
        writePem(dir.resolve("nl-signing.key"), "PRIVATE KEY", nl.signingKey().getEncoded());
        writePem(dir.resolve("de-encryption.key"), "PRIVATE KEY", de.encryptionKey().getEncoded());
    }

    static boolean xmlsecInstalled() {
        try {
            Process p = new ProcessBuilder("xmlsec1", "--version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void requireXmlsec() {
        if (!xmlsecInstalled()) {
            System.err.println("*** xmlsec1 is not installed - xmlsec1 interoperability test SKIPPED (apt-get install -y xmlsec1) ***");
            org.junit.jupiter.api.Assumptions.abort("xmlsec1 absent");
        }
    }

    record Result(int exit, String output) {}

    static Result xmlsec(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("xmlsec1");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static void writePem(Path file, String type, byte[] der) throws IOException {
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
    }

    static Document message() {
        return XML.parse(XmlSecurityTest.MESSAGE.getBytes(StandardCharsets.UTF_8));
    }

    static Element body(Document doc) {
        return XmlSecurityTest.child(doc.getDocumentElement(), XmlSecurityTest.EX, "Body");
    }

    // ------------------------------------------------------------------------------------ CMAG -> xmlsec1

    @Test
    void aMessageSealedByCmagDecryptsAndVerifiesWithXmlsec1() throws Exception {
        requireXmlsec();
        Document doc = message();
        SECURITY.sign(doc, nl.signingKey(), nl.signingCertificate(), SecurityProfile.DEFAULT);
        SECURITY.encrypt(doc, body(doc), de.encryptionCertificate(), SecurityProfile.DEFAULT);
        Path sealed = dir.resolve("cmag-sealed.xml");
        Files.write(sealed, XML.serialize(doc));

        // the CMAG key transport (rsa-oaep-mgf1p with OAEP digest SHA-256) is beyond xmlsec1 1.2.37
        Result direct = xmlsec("--decrypt", "--privkey-pem", "de-encryption.key", sealed.toString());
        assertThat(direct.exit()).isNotZero();
        assertThat(direct.output()).contains("is not supported for rsa/oaep");

        // unwrap the content key here (RSA-OAEP, SHA-256, MGF1-SHA-1 as rsa-oaep-mgf1p fixes), xmlsec1 does the rest
        Element encryptedKey = XmlSecurityTest.first(doc, XmlSecurity.XENC_NS, "EncryptedKey");
        byte[] wrapped = Base64.getMimeDecoder().decode(
                XmlSecurityTest.first(doc, XmlSecurity.XENC_NS, "CipherValue").getTextContent());
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.DECRYPT_MODE, de.encryptionKey(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1,
                PSource.PSpecified.DEFAULT));
        Files.write(dir.resolve("cek.bin"), rsa.doFinal(wrapped));
        Element keyName = doc.createElementNS(XmlSecurity.DSIG_NS, "ds:KeyName");
        keyName.setTextContent("cek");
        encryptedKey.getParentNode().replaceChild(keyName, encryptedKey);
        Path withKeyName = dir.resolve("cmag-sealed-keyname.xml");
        Files.write(withKeyName, XML.serialize(doc));

        Result decrypted = xmlsec("--decrypt", "--aeskey:cek", "cek.bin", "--output", "decrypted.xml", withKeyName.toString());
        assertThat(decrypted.exit()).as(decrypted.output()).isZero();
        assertThat(Files.readString(dir.resolve("decrypted.xml"))).contains("Secret Trader B.V.").doesNotContain("EncryptedData");

        Result verified = xmlsec("--verify", "--pubkey-cert-pem", pki.resolve("NL-signing.crt").toString(),
                "--enabled-key-data", "key-name", "decrypted.xml");
        assertThat(verified.exit()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("OK");

        // and xmlsec1 notices a changed byte in the signed content
        Files.writeString(dir.resolve("decrypted-tampered.xml"),
                Files.readString(dir.resolve("decrypted.xml")).replace("Secret Trader", "Secret Tradex"));
        Result tampered = xmlsec("--verify", "--pubkey-cert-pem", pki.resolve("NL-signing.crt").toString(),
                "--enabled-key-data", "key-name", "decrypted-tampered.xml");
        assertThat(tampered.exit()).isNotZero();
    }

    // ------------------------------------------------------------------------------------ xmlsec1 -> CMAG

    @Test
    void aMessageSignedAndEncryptedByXmlsec1IsAcceptedByCmag() throws Exception {
        requireXmlsec();
        Document template = message();
        template.getDocumentElement().appendChild(template.importNode(
                XML.parse(signatureTemplate().getBytes(StandardCharsets.UTF_8)).getDocumentElement(), true));
        Files.write(dir.resolve("sign-template.xml"), XML.serialize(template));
        Result signed = xmlsec("--sign", "--privkey-pem", "nl-signing.key," + pki.resolve("NL-signing.crt"), "--output", "xmlsec-signed.xml",
                "sign-template.xml");
        assertThat(signed.exit()).as(signed.output()).isZero();

        byte[] cek = new byte[32];
        new SecureRandom().nextBytes(cek);
        Files.write(dir.resolve("cek-out.bin"), cek);
        Files.writeString(dir.resolve("encrypt-template.xml"), encryptionTemplate("<ds:KeyName>cek</ds:KeyName>"));
        Result encrypted = xmlsec("--encrypt", "--aeskey:cek", "cek-out.bin", "--xml-data", "xmlsec-signed.xml",
                "--node-name", XmlSecurityTest.EX + ":Body", "--output", "xmlsec-sealed.xml", "encrypt-template.xml");
        assertThat(encrypted.exit()).as(encrypted.output()).isZero();

        // the content key is wrapped for DE here (xmlsec1 1.2.37 cannot do OAEP with SHA-256)
        Document received = XML.parse(Files.readAllBytes(dir.resolve("xmlsec-sealed.xml")));
        Element keyName = XmlSecurityTest.first(received, XmlSecurity.DSIG_NS, "KeyName");
        XMLCipher wrap = XMLCipher.getInstance(KeyTransportAlgorithm.RSA_OAEP_MGF1P.uri(), null, KeyTransportAlgorithm.RSA_OAEP_MGF1P.digestUri());
        wrap.init(XMLCipher.WRAP_MODE, de.encryptionCertificate().getPublicKey());
        EncryptedKey key = wrap.encryptKey(received, new SecretKeySpec(cek, "AES"));
        keyName.getParentNode().replaceChild(wrap.martial(received, key), keyName);
        Document overTheWire = XML.parse(XML.serialize(received));

        SECURITY.decrypt(overTheWire, de.encryptionKey(), SecurityProfile.DEFAULT);
        Element verified = SECURITY.verify(overTheWire, nl.signingCertificate(), SecurityProfile.DEFAULT);
        assertThat(verified.getTextContent()).contains("Secret Trader B.V.");
    }

    @Test
    void xmlsec1sOwnKeyTransportIsRefusedByTheAllowListAsItMustBe() throws Exception {
        requireXmlsec();
        Document template = message();
        template.getDocumentElement().appendChild(template.importNode(
                XML.parse(signatureTemplate().getBytes(StandardCharsets.UTF_8)).getDocumentElement(), true));
        Files.write(dir.resolve("sign-template-2.xml"), XML.serialize(template));
        assertThat(xmlsec("--sign", "--privkey-pem", "nl-signing.key," + pki.resolve("NL-signing.crt"), "--output", "xmlsec-signed-2.xml",
                "sign-template-2.xml").exit()).isZero();
        // xmlenc11#rsa-oaep is unknown to xmlsec1 1.2.37, and rsa-oaep-mgf1p with SHA-256 unsupported: only SHA-1 works
        String oaep11 = "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#rsa-oaep\">"
                + "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
                + "<xenc11:MGF xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\" Algorithm=\"http://www.w3.org/2009/xmlenc11#mgf1sha256\"/>"
                + "</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>";
        Files.writeString(dir.resolve("encrypt-oaep11.xml"), encryptionTemplate(oaep11));
        Result unknown = xmlsec("--encrypt", "--pubkey-cert-pem", pki.resolve("DE-encryption.crt").toString(), "--session-key", "aes-256",
                "--xml-data", "xmlsec-signed-2.xml", "--node-name", XmlSecurityTest.EX + ":Body", "--output", "x.xml", "encrypt-oaep11.xml");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.output()).contains("href=http://www.w3.org/2009/xmlenc11#rsa-oaep");

        String sha1 = "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\">"
                + "<ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>"
                + "</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>";
        Files.writeString(dir.resolve("encrypt-sha1.xml"), encryptionTemplate(sha1));
        Result legacy = xmlsec("--encrypt", "--pubkey-cert-pem", pki.resolve("DE-encryption.crt").toString(), "--session-key", "aes-256",
                "--xml-data", "xmlsec-signed-2.xml", "--node-name", XmlSecurityTest.EX + ":Body", "--output", "xmlsec-oaep-sha1.xml",
                "encrypt-sha1.xml");
        assertThat(legacy.exit()).as(legacy.output()).isZero();
        Document received = XML.parse(Files.readAllBytes(dir.resolve("xmlsec-oaep-sha1.xml")));
        assertThatThrownBy(() -> SECURITY.decrypt(received, de.encryptionKey(), SecurityProfile.DEFAULT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.ALGORITHM_NOT_ALLOWED);
                    assertThat(e.detail()).contains("xmldsig#sha1");
                });
    }

    static String signatureTemplate() {
        return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
                + "<ds:CanonicalizationMethod Algorithm=\"" + EXC_C14N + "\"/>"
                + "<ds:SignatureMethod Algorithm=\"" + SignatureAlgorithm.RSA_SHA256.uri() + "\"/>"
                + "<ds:Reference URI=\"\"><ds:Transforms>"
                + "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
                + "<ds:Transform Algorithm=\"" + EXC_C14N + "\"/></ds:Transforms>"
                + "<ds:DigestMethod Algorithm=\"" + DigestAlgorithm.SHA256.uri() + "\"/><ds:DigestValue/></ds:Reference>"
                + "</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>";
    }

    static String encryptionTemplate(String keyInfoContent) {
        return "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
                + " Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
                + "<xenc:EncryptionMethod Algorithm=\"" + ContentEncryptionAlgorithm.AES256_GCM.uri() + "\"/>"
                + "<ds:KeyInfo>" + keyInfoContent + "</ds:KeyInfo>"
                + "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>";
    }
}
