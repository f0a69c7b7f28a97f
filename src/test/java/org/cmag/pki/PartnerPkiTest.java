package org.cmag.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cmag.crypto.CertificateValidator;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.RevocationChecker;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.SecurityProfile;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Partner certificates with real certificates, CRLs and a real OCSP responder: the start-up path check to the
 * partner's trust anchors, and the use-time checks through {@link XmlSecurity#verify} and the encryption certificate
 * choice - expired, not yet valid, revoked (CRL, OCSP), unknown issuer, revocation source unreachable or stale.
 */
class PartnerPkiTest {
    private static final String MESSAGE = "<ex:M xmlns:ex=\"urn:cmag:exchange:1\"><ex:Body>hello</ex:Body></ex:M>";
    private static final Duration YEAR = Duration.ofDays(365);

    @TempDir
    Path root;

    PkiFixture pki;
    final SecureXml xml = new SecureXml();
    final List<String> softFails = new ArrayList<>();
    final List<HttpServer> servers = new ArrayList<>();

    @BeforeEach
    void pki() {
        pki = new PkiFixture(root.resolve("pki"), new PkiFixture.MovableClock(Instant.now()), "NL", "DE");
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** DE's agreement (read by NL) with this security block. */
    private Partner de(String block) {
        Path dir = PkiFixture.policies(root, PkiFixture.withSecurity("DE", block), PkiFixture.packaged("NL"));
        return PartnerRegistry.load(dir, "NL", k -> null).require("DE", ErrorCode.UNKNOWN_PARTNER);
    }

    private static String block(String signing, String encryption, String revocation) {
        return "  certificates:\n    signing: " + signing + "\n    encryption: " + encryption + "\n  trustAnchors: [ca.crt]\n" + revocation;
    }

    private static final String CRL_FILE = "  revocation:\n    crls: [ca.crl]\n";

    private CertificateValidator validator() {
        return new CertificateValidator(new RevocationChecker(pki.pki, pki.clock, Duration.ofSeconds(2), Duration.ofMinutes(5),
                (partner, cert, reason) -> softFails.add(partner + ": " + reason)), pki.clock);
    }

    private Document signed(DevCertificates.Issued signer) {
        Document doc = xml.parse(MESSAGE.getBytes(StandardCharsets.UTF_8));
        new XmlSecurity(xml, pki.clock).sign(doc, signer.key(), signer.certificate(), SecurityProfile.DEFAULT);
        return doc;
    }

    private Element verify(PartnerCertificates certs, Document doc) {
        return new XmlSecurity(xml, pki.clock).verify(doc, validator().signers(certs), SecurityProfile.DEFAULT);
    }

    private static void fails(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String detail) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).as(e.detail()).isEqualTo(code);
            assertThat(e.detail()).contains(detail);
        });
    }

    @Test
    void expiredAndNotYetValidSigningCertificatesAreRefusedWithTheirOwnCodesAndTheCurrentOneVerifies() {
        DevCertificates.Issued old = pki.issue("DE-old.crt", "DE old", DevCertificates.Usage.SIGNING, Duration.ofDays(-30), Duration.ofDays(-1));
        DevCertificates.Issued next = pki.issue("DE-next.crt", "DE next", DevCertificates.Usage.SIGNING, Duration.ofDays(10), YEAR);
        DevCertificates.Issued current = pki.issue("DE-now.crt", "DE now", DevCertificates.Usage.SIGNING, Duration.ofDays(-1), YEAR);
        PartnerCertificates certs = KeyRing.partnerCertificates(de(block("[DE-old.crt, DE-next.crt, DE-now.crt]", "DE-encryption.crt", CRL_FILE)),
                pki.pki, pki.clock.instant());
        assertThat(certs.signingCertificates()).hasSize(3);

        fails(() -> verify(certs, signed(old)), ErrorCode.CERTIFICATE_EXPIRED, "DE's signing certificate 'CN=DE old");
        fails(() -> verify(certs, signed(next)), ErrorCode.CERTIFICATE_NOT_YET_VALID, "is not valid before");
        assertThat(verify(certs, signed(current)).getLocalName()).isEqualTo("M");

        // without a KeyInfo reference every registered certificate is tried; the one that verifies is judged
        Document noHint = signed(old);
        Element keyInfo = (Element) noHint.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "KeyInfo").item(0);
        keyInfo.getParentNode().removeChild(keyInfo);
        fails(() -> verify(certs, noHint), ErrorCode.CERTIFICATE_EXPIRED, "CN=DE old");
    }

    @Test
    void aCertificateRevokedInTheCrlIsRefusedForSigningAndForEncryption() {
        PartnerCertificates certs = KeyRing.partnerCertificates(de(block("DE-signing.crt", "DE-encryption.crt", CRL_FILE)), pki.pki,
                pki.clock.instant());
        DevCertificates.Issued deSigning = new DevCertificates.Issued(
                org.cmag.crypto.KeyStores.loadOwn(pki.pki.resolve("DE.p12"), PkiFixture.PASSWORD).signingKey(), certs.signingCertificate());
        CertificateValidator validator = validator();
        assertThat(validator.encryptionCertificate(certs)).isEqualTo(certs.encryptionCertificate());
        verify(certs, signed(deSigning));

        DevCertificates.revokeInDevCrl(pki.pki, PkiFixture.PASSWORD, certs.signingCertificate().getSerialNumber(), pki.clock.instant());
        DevCertificates.revokeInDevCrl(pki.pki, PkiFixture.PASSWORD, certs.encryptionCertificate().getSerialNumber(), pki.clock.instant());
        pki.clock.advance(Duration.ofMinutes(6)); // past the CRL re-read interval of 5 minutes
        fails(() -> verify(certs, signed(deSigning)), ErrorCode.CERTIFICATE_REVOKED, "was revoked at");
        fails(() -> validator.encryptionCertificate(certs), ErrorCode.CERTIFICATE_REVOKED, "DE's certificate 'CN=CMAG DE encryption");
    }

    @Test
    void aCertificateOfAnUnknownIssuerIsRefusedAtStartUpAndAsAKeyInfoReference() throws IOException {
        Instant now = pki.clock.instant();
        DevCertificates.Issued otherCa = DevCertificates.newCa("CN=Other CA, O=elsewhere, C=XX", now.minus(Duration.ofDays(1)), now.plus(YEAR));
        DevCertificates.Issued rogue = DevCertificates.issue(otherCa, DevCertificates.Spec.of("CN=CMAG DE signing, O=CMAG development, C=DE",
                DevCertificates.Usage.SIGNING, now.minus(Duration.ofDays(1)), now.plus(YEAR)));
        DevCertificates.writeCertificate(pki.pki.resolve("DE-rogue.crt"), rogue.certificate());

        Partner partner = de(block("DE-signing.crt", "DE-rogue.crt", CRL_FILE));
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> KeyRing.partnerCertificates(partner, pki.pki, now));
        Path file = root.resolve("policies/DE.yaml");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.detail()).startsWith(file + ":" + PkiFixture.lineOf(file, "encryption: DE-rogue.crt")
                + ": field security.certificates.encryption names certificate 'DE-rogue.crt' (CN=CMAG DE signing,O=CMAG development,C=DE, "
                + "issued by CN=Other CA,O=elsewhere,C=XX), which does not chain to the partner's trust anchors [ca.crt]");

        // a message signed with it and naming it in KeyInfo: not among DE's registered certificates
        PartnerCertificates certs = KeyRing.partnerCertificates(de(block("DE-signing.crt", "DE-encryption.crt", CRL_FILE)), pki.pki, now);
        fails(() -> verify(certs, signed(rogue)), ErrorCode.CERTIFICATE_UNTRUSTED, "is not among the sender's 1 registered signing certificate(s)");
    }

    @Test
    void aTrustAnchorThatIsNotACaAndACertificateWithoutRevocationSourceStopStartUp() {
        GatewayException notCa = catchThrowableOfType(GatewayException.class, () -> KeyRing.partnerCertificates(
                de("  certificates:\n    signing: DE-signing.crt\n    encryption: DE-encryption.crt\n  trustAnchors: [NL-signing.crt]\n"),
                pki.pki, pki.clock.instant()));
        assertThat(notCa.detail()).contains(": field security.trustAnchors[0] names 'NL-signing.crt'").contains("which is not a CA certificate");

        GatewayException noSource = catchThrowableOfType(GatewayException.class, () -> KeyRing.partnerCertificates(
                de(block("DE-signing.crt", "DE-encryption.crt", "")), pki.pki, pki.clock.instant()));
        assertThat(noSource.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(noSource.detail()).contains(": field security.certificates.signing names certificate 'DE-signing.crt' whose certificate "
                + "CN=CMAG DE signing,O=CMAG development,C=DE has no revocation source");
    }

    @Test
    void anUnreachableCrlFailsClosedByDefaultAndIsAcceptedWithAnAuditedWarningWhenConfigured() throws IOException {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Instant now = pki.clock.instant();
        DevCertificates.Issued signer = DevCertificates.issue(pki.ca(), new DevCertificates.Spec("CN=DE dp", DevCertificates.Usage.SIGNING,
                now.minus(Duration.ofDays(1)), now.plus(YEAR), URI.create("http://127.0.0.1:" + closedPort + "/ca.crl"), null));
        DevCertificates.writeCertificate(pki.pki.resolve("DE-dp.crt"), signer.certificate());
        DevCertificates.Issued encryption = DevCertificates.issue(pki.ca(), new DevCertificates.Spec("CN=DE dp enc", DevCertificates.Usage.ENCRYPTION,
                now.minus(Duration.ofDays(1)), now.plus(YEAR), URI.create("http://127.0.0.1:" + closedPort + "/ca.crl"), null));
        DevCertificates.writeCertificate(pki.pki.resolve("DE-dp-enc.crt"), encryption.certificate());

        PartnerCertificates failing = KeyRing.partnerCertificates(de(block("DE-dp.crt", "DE-encryption.crt", CRL_FILE)), pki.pki, now);
        // ca.crl covers the CA's certificates, but the distribution point is also a source; with ca.crl fresh the check passes
        verify(failing, signed(signer));

        PartnerCertificates dpOnly = KeyRing.partnerCertificates(de(block("DE-dp.crt", "DE-dp-enc.crt",
                "  revocation:\n    distributionPoints: true\n")), pki.pki, now);
        fails(() -> verify(dpOnly, signed(signer)), ErrorCode.REVOCATION_UNAVAILABLE, "CRL http://127.0.0.1:" + closedPort + "/ca.crl: ");
        assertThat(softFails).isEmpty();

        PartnerCertificates soft = KeyRing.partnerCertificates(de(block("DE-dp.crt", "DE-dp-enc.crt",
                "  revocation:\n    onUnavailable: accept-with-warning\n")), pki.pki, now);
        verify(soft, signed(signer));
        assertThat(softFails).singleElement().asString().startsWith("DE: CRL http://127.0.0.1:" + closedPort);
    }

    @Test
    void aStaleCrlIsUnavailableAndAFreshOneFromAnHttpDistributionPointIsCachedUntilTheRecheck() throws Exception {
        Instant now = pki.clock.instant();
        DevCertificates.Issued ca = pki.ca();
        // ca.crl expires tomorrow
        DevCertificates.writeCrl(pki.pki.resolve("ca.crl"), DevCertificates.crl(ca, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), Map.of()));
        PartnerCertificates certs = KeyRing.partnerCertificates(de(block("DE-signing.crt", "DE-encryption.crt", CRL_FILE)), pki.pki, now);
        CertificateValidator validator = validator();
        validator.encryptionCertificate(certs);
        pki.clock.advance(Duration.ofDays(2));
        fails(() -> validator.encryptionCertificate(certs), ErrorCode.REVOCATION_UNAVAILABLE, "is stale: its nextUpdate");

        // a CRL served over HTTP, named by the certificate's distribution point
        AtomicInteger hits = new AtomicInteger();
        Map<String, byte[]> crl = new ConcurrentHashMap<>();
        HttpServer server = server();
        server.createContext("/ca.crl", x -> {
            hits.incrementAndGet();
            byte[] body = crl.get("now");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        Instant later = pki.clock.instant();
        DevCertificates.Issued enc = DevCertificates.issue(ca, new DevCertificates.Spec("CN=DE enc dp", DevCertificates.Usage.ENCRYPTION,
                later.minus(Duration.ofDays(1)), later.plus(YEAR), URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl"), null));
        DevCertificates.writeCertificate(pki.pki.resolve("DE-enc-dp.crt"), enc.certificate());
        DevCertificates.Issued sig = DevCertificates.issue(ca, new DevCertificates.Spec("CN=DE sig dp", DevCertificates.Usage.SIGNING,
                later.minus(Duration.ofDays(1)), later.plus(YEAR), URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl"), null));
        DevCertificates.writeCertificate(pki.pki.resolve("DE-sig-dp.crt"), sig.certificate());
        crl.put("now", DevCertificates.crl(ca, later.minus(Duration.ofHours(1)), later.plus(Duration.ofDays(7)), Map.of()).getEncoded());
        PartnerCertificates dp = KeyRing.partnerCertificates(de(block("DE-sig-dp.crt", "DE-enc-dp.crt",
                "  revocation:\n    distributionPoints: true\n")), pki.pki, later);
        assertThat(validator.encryptionCertificate(dp)).isEqualTo(enc.certificate());
        validator.encryptionCertificate(dp);
        assertThat(hits).as("cached").hasValue(1);

        crl.put("now", DevCertificates.crl(ca, later, later.plus(Duration.ofDays(7)),
                Map.of(enc.certificate().getSerialNumber(), later)).getEncoded());
        validator.encryptionCertificate(dp);
        pki.clock.advance(Duration.ofMinutes(6));
        fails(() -> validator.encryptionCertificate(dp), ErrorCode.CERTIFICATE_REVOKED, "CRL http://127.0.0.1:");
        assertThat(hits).hasValue(2);
    }

    @Test
    void anOcspResponderIsAskedAndItsGoodAndRevokedAnswersAreHonoured() throws Exception {
        DevCertificates.Issued ca = pki.ca();
        Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = server();
        server.createContext("/ocsp", x -> {
            hits.incrementAndGet();
            try {
                OCSPReq req = new OCSPReq(x.getRequestBody().readAllBytes());
                BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(ca.certificate()).getSubject()));
                Date now = Date.from(pki.clock.instant());
                for (Req r : req.getRequestList()) {
                    Instant at = revoked.get(r.getCertID().getSerialNumber());
                    CertificateStatus status = at == null ? CertificateStatus.GOOD : new RevokedStatus(Date.from(at), CRLReason.keyCompromise);
                    b.addResponse(r.getCertID(), status, now, Date.from(pki.clock.instant().plus(Duration.ofHours(1))));
                }
                byte[] body = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key()), null, now)).getEncoded();
                x.getResponseHeaders().add("Content-Type", "application/ocsp-response");
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            } catch (Exception e) {
                x.sendResponseHeaders(500, -1);
            }
            x.close();
        });
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp";
        // OCSP only: no CRL file, no distribution point
        PartnerCertificates certs = KeyRing.partnerCertificates(de(block("DE-signing.crt", "DE-encryption.crt",
                "  revocation:\n    ocsp: " + url + "\n")), pki.pki, pki.clock.instant());
        CertificateValidator validator = validator();
        assertThat(validator.encryptionCertificate(certs)).isEqualTo(certs.encryptionCertificate());
        assertThat(hits).hasValue(1);

        revoked.put(certs.encryptionCertificate().getSerialNumber(), pki.clock.instant().minus(Duration.ofMinutes(1)));
        pki.clock.advance(Duration.ofMinutes(6));
        fails(() -> validator.encryptionCertificate(certs), ErrorCode.CERTIFICATE_REVOKED, "(OCSP responder " + url + ")");

        // an OCSP answer signed by another key does not count: unavailable, fail closed
        DevCertificates.Issued otherCa = DevCertificates.newCa("CN=Other CA", pki.clock.instant().minus(Duration.ofDays(1)), pki.clock.instant().plus(YEAR));
        server.removeContext("/ocsp");
        server.createContext("/ocsp", x -> {
            try {
                OCSPReq req = new OCSPReq(x.getRequestBody().readAllBytes());
                BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(otherCa.certificate()).getSubject()));
                for (Req r : req.getRequestList()) {
                    b.addResponse(r.getCertID(), CertificateStatus.GOOD);
                }
                byte[] body = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(otherCa.key()), null, Date.from(pki.clock.instant()))).getEncoded();
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            } catch (Exception e) {
                x.sendResponseHeaders(500, -1);
            }
            x.close();
        });
        PartnerCertificates fresh = KeyRing.partnerCertificates(de(block("DE-signing.crt", "DE-encryption.crt",
                "  revocation:\n    ocsp: " + url + "\n")), pki.pki, pki.clock.instant());
        fails(() -> validator().encryptionCertificate(fresh), ErrorCode.REVOCATION_UNAVAILABLE,
                "the response is not signed by the issuer or a responder it delegated");
    }

    private HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
        servers.add(server);
        return server;
    }
}
