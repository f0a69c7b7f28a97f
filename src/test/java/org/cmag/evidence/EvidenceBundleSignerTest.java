package org.cmag.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cmag.audit.AuditChain;
import org.cmag.cli.Cli;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.SigningKey;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer is bound to the administration the bundle names: NL's bundle, altered, re-chained and re-signed with DE's
 * real development key (same CA, so it chains), the gateway id left as NL, is refused in every form of trust (the trust
 * anchor with the certificate's name, NL's certificate, a trust list), while the same change re-signed with NL's own
 * key verifies (so the binding is what refuses it). And the CLI's options.
 */
class EvidenceBundleSignerTest {
    @TempDir
    static Path root;

    static BundleFixture f;
    static Map<String, byte[]> genuine;
    static Path nlCertificate;
    static Path deCertificate;
    static Path trustList;

    @BeforeAll
    static void bundle() throws Exception {
        f = new BundleFixture(root);
        genuine = BundleFixture.read(f.caseBundle("case.zip"));
        nlCertificate = root.resolve("pki/NL-signing.crt");
        deCertificate = root.resolve("pki/DE-signing.crt");
        X509Certificate de = KeyStores.readPem(deCertificate);
        String deFingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(de.getEncoded()));
        trustList = Files.writeString(root.resolve("trust-list.txt"), """
                # gateway   signing certificate (file relative to this list, or its SHA-256)
                NL          pki/NL-signing.crt
                DE          sha256:%s
                """.formatted(deFingerprint));
    }

    @AfterAll
    static void close() {
        f.close();
    }

    /** The export record's detail changed and its hash recomputed (it is the last record, so nothing else needs re-chaining). */
    private static Map<String, byte[]> altered() throws Exception {
        ArrayNode records = (ArrayNode) BundleFormat.JSON.readTree(genuine.get(BundleFormat.RECORDS));
        ObjectNode last = (ObjectNode) records.get(records.size() - 1);
        AuditRecord r = BundleFormat.record(last);
        AuditEvent e = r.event();
        AuditEvent changed = new AuditEvent(e.type(), e.outcome(), "someone else", e.partnerId(), e.messageId(), e.caseId(), e.legalBasis(), e.purpose(),
                e.messageDigest(), e.errorCode(), "evidence bundle for nothing in particular");
        last.put("actor", changed.actor()).put("detail", changed.detail()).put("hash", AuditChain.hash(r.prevHash(), r.seq(), r.occurredAt(), changed));
        return TestZip.with(genuine, BundleFormat.RECORDS, BundleFormat.json(records));
    }

    private static Path file(Map<String, byte[]> entries) throws Exception {
        return BundleFixture.write(Files.createTempFile(root, "bundle", ".zip"), entries);
    }

    private static SigningKey nlKey() {
        return f.nl.signer(Instant.now());
    }

    private static SigningKey deKey() {
        return f.de.signer(Instant.now());
    }

    @Test
    void aBundleResignedWithAnotherAdministrationsKeyIsRefusedAlthoughItChainsToTheCa() throws Exception {
        Path byDe = file(BundleFixture.resign(altered(), deKey(), "NL"));
        Path byNl = file(BundleFixture.resign(altered(), nlKey(), "NL"));
        X509Certificate nl = KeyStores.readPem(nlCertificate);
        List<BundleTrust> forms = List.of(BundleTrust.anchor(f.ca), BundleTrust.certificates("NL", List.of(nl), null),
                BundleTrust.certificates("NL", List.of(nl), f.ca), BundleTrust.trustList(trustList, null), BundleTrust.trustList(trustList, f.ca));
        for (BundleTrust trust : forms) {
            // the same change, re-signed with NL's own key, verifies: the signer is all that differs
            BundleVerifier.Result own = BundleVerifier.verify(byNl, trust, BundleLimits.DEFAULTS);
            assertThat(own.problem()).as(own.summary()).isEmpty();
            BundleVerifier.Result foreign = BundleVerifier.verify(byDe, trust, BundleLimits.DEFAULTS);
            assertThat(foreign.problem()).as("re-signed by DE, checked with %s", trust.describe("NL")).get().asString()
                    .startsWith("the signer's certificate CN=CMAG DE signing,O=CMAG development,C=DE")
                    .contains(trust.pinsCertificates() ? "is not one of gateway NL's certificates" : "does not name gateway NL");
        }
        // it does chain to the CA: the trust anchor alone accepts it once the bundle names DE (then it is DE's evidence, signed by DE)
        BundleVerifier.Result asDe = BundleVerifier.verify(file(BundleFixture.resign(altered(), deKey(), "DE")), BundleTrust.anchor(f.ca),
                BundleLimits.DEFAULTS);
        assertThat(asDe.problem()).as(asDe.summary()).isEmpty();
        assertThat(asDe.summary()).contains("for gateway DE");
    }

    @Test
    void theGatewayTheBundleNamesMustBeTheExpectedOneAndBeOnTheTrustList() throws Exception {
        Path asDe = file(BundleFixture.resign(genuine, deKey(), "DE"));
        assertThat(BundleVerifier.verify(asDe, BundleTrust.anchor(f.ca).expecting("NL"), BundleLimits.DEFAULTS).problem()).get().asString()
                .isEqualTo("the bundle is evidence of gateway DE, not of gateway NL as expected");
        BundleVerifier.Result listed = BundleVerifier.verify(asDe, BundleTrust.trustList(trustList, f.ca), BundleLimits.DEFAULTS);
        assertThat(listed.problem()).as(listed.summary()).isEmpty();
        assertThat(listed.summary()).contains("one of gateway DE's certificates in the trust list trust-list.txt, chaining to the trust anchor");

        Path onlyNl = Files.writeString(root.resolve("nl-only.txt"), "NL pki/NL-signing.crt\n");
        assertThat(BundleVerifier.verify(asDe, BundleTrust.trustList(onlyNl, null), BundleLimits.DEFAULTS).problem()).get().asString()
                .isEqualTo("the trust list nl-only.txt names no certificate for gateway DE, the gateway the bundle names");
        // NL's genuine bundle with DE's certificate given as NL's: refused (the certificate list is what counts)
        assertThat(BundleVerifier.verify(file(genuine), BundleTrust.certificates("NL", List.of(KeyStores.readPem(deCertificate)), null),
                BundleLimits.DEFAULTS).problem()).get().asString().contains("is not one of gateway NL's certificates");
    }

    @Test
    void aCertificateNamingTheGatewayFromAnotherCaDoesNotChain() throws Exception {
        Instant now = Instant.now();
        DevCertificates.Issued mallory = DevCertificates.newCa("CN=Mallory CA", now.minusSeconds(3600), now.plusSeconds(86_400));
        DevCertificates.Issued fake = DevCertificates.issue(mallory, DevCertificates.Spec.of("CN=CMAG NL signing, O=Mallory, C=NL",
                DevCertificates.Usage.SIGNING, now.minusSeconds(3600), now.plusSeconds(86_400)));
        Path forged = file(BundleFixture.resign(altered(), new SigningKey("signing", fake.key(), fake.certificate()), "NL"));
        assertThat(BundleVerifier.verify(forged, f.ca).problem()).get().asString()
                .startsWith("the signer's certificate CN=CMAG NL signing,O=Mallory,C=NL does not chain to the trust anchor");
        assertThat(BundleTrust.namesGateway(fake.certificate(), "NL")).isTrue();
        assertThat(BundleTrust.namesGateway(fake.certificate(), "N")).isFalse();
    }

    @Test
    void theCliTakesATrustListOrTheGatewaysCertificatesAndNamesTheFirstProblem() throws Exception {
        String bundle = file(genuine).toString();
        String byDe = file(BundleFixture.resign(altered(), deKey(), "NL")).toString();
        String ca = root.resolve("pki/ca.crt").toString();

        Run list = cli("audit", "verify-bundle", bundle, "--trust-list", trustList.toString(), "--trust-anchor", ca);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("VALID: ").contains("for gateway NL (one of gateway NL's certificates in the trust list trust-list.txt");
        Run certificate = cli("audit", "verify-bundle", bundle, "--gateway", "NL", "--gateway-certificate", nlCertificate.toString());
        assertThat(certificate.exit()).as(certificate.err()).isZero();
        Run anchorOnly = cli("audit", "verify-bundle", bundle, "--trust-anchor", ca);
        assertThat(anchorOnly.exit()).as(anchorOnly.err()).isZero();
        assertThat(anchorOnly.out()).contains("name binding");

        Run refused = cli("audit", "verify-bundle", byDe, "--trust-list", trustList.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error bundle_invalid: the signer's certificate CN=CMAG DE signing").contains("not one of gateway NL's");
        Run refusedByName = cli("audit", "verify-bundle", byDe, "--trust-anchor", ca);
        assertThat(refusedByName.exit()).isEqualTo(1);
        assertThat(refusedByName.err()).contains("does not name gateway NL");
        Run tooMany = cli("audit", "verify-bundle", bundle, "--trust-anchor", ca, "--max-entries", "5");
        assertThat(tooMany.exit()).isEqualTo(1);
        assertThat(tooMany.err()).startsWith("error bundle_invalid: the archive has " + genuine.size() + " entries, more than the limit of 5");

        assertThat(cli("audit", "verify-bundle", bundle).err()).contains("give whom to trust");
        assertThat(cli("audit", "verify-bundle", bundle, "--gateway-certificate", nlCertificate.toString()).err()).contains("needs --gateway ID");
        Path bad = Files.writeString(root.resolve("bad-list.txt"), "NL\n");
        Run badList = cli("audit", "verify-bundle", bundle, "--trust-list", bad.toString());
        assertThat(badList.exit()).isEqualTo(2);
        assertThat(badList.err()).contains("bad-list.txt line 1: expected 'GATEWAY-ID CERTIFICATE-FILE'");
        assertThat(cli("audit", "verify-bundle", bundle, "--trust-anchor", ca, "--max-ratio", "1").exit()).isEqualTo(2);
        assertThatThrownBy(() -> BundleTrust.certificates("NL", List.of(), null)).isInstanceOf(IllegalArgumentException.class);
    }

    record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
