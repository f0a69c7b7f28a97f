package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.gateway.KeyRing;
import org.cmag.pki.PkiFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys list|import|export|generate-dev-pki|issue-dev|revoke-dev} through {@link Cli#run}, with exit codes. */
class KeysCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result keys(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "keys";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = Cli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void generatesADevelopmentPkiAndListsItsCertificatesWithTheAgreementsThatUseThemAndTheirStatus() {
        Path pki = dir.resolve("pki");
        Result gen = keys("generate-dev-pki", "--dir", pki.toString(), "--ids", "NL,DE,FR");
        assertThat(gen.exit()).as(gen.err()).isZero();
        assertThat(pki.resolve("ca.crt")).exists();
        assertThat(pki.resolve("ca.crl")).exists();
        assertThat(pki.resolve("FR.p12")).exists();

        Result revoke = keys("revoke-dev", "--alias", "FR-signing.crt", "--pki", pki.toString());
        assertThat(revoke.exit()).as(revoke.err()).isZero();
        Result list = keys("list", "--pki", pki.toString(), "--set", "gateway.id=NL");
        assertThat(list.exit()).as(list.err()).isZero();
        String sha = KeyRing.sha256(KeyStores.readPem(pki.resolve("DE-signing.crt")));
        assertThat(list.out()).contains("DE-signing.crt  valid\n  subject     CN=CMAG DE signing,O=CMAG development,C=DE\n"
                + "  issuer      CN=CMAG development CA,O=CMAG development,C=XX\n")
                .contains("  sha256      " + sha + "\n  key         RSA 2048\n  used by     DE signing (")
                .contains("ca.crt  valid").contains("key         RSA 2048 (CA)").contains("DE trust anchor").contains("NL trust anchor")
                .containsPattern("FR-signing.crt  revoked \\(at [^)]+\\)\n")
                .contains("NL.p12#signing  valid").contains("used by     own (NL) signing")
                .containsPattern("\\d+ certificate\\(s\\) in " + java.util.regex.Pattern.quote(pki.toString()));
        // with a 1000-day horizon the two-year development certificates are expiring
        assertThat(keys("list", "--pki", pki.toString(), "--days", "1000").out()).containsPattern("DE-signing.crt  expiring \\(in 7\\d\\d day\\(s\\)\\)");
    }

    @Test
    void importsOnlyCertificatesThatChainToAConfiguredAnchorUnlessAddedAsAnchorAndNeverOverwrites() throws Exception {
        Path pki = dir.resolve("pki");
        assertThat(keys("generate-dev-pki", "--dir", pki.toString(), "--ids", "NL,DE").exit()).isZero();
        Instant now = Instant.now();
        // a certificate of the development CA: chains to ca.crt, the packaged agreements' anchor
        DevCertificates.Issued ok = DevCertificates.issue(DevCertificates.devCa(pki, PkiFixture.PASSWORD),
                DevCertificates.Spec.of("CN=DE signing 2027", DevCertificates.Usage.SIGNING, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400))));
        Path der = dir.resolve("de-2027.der");
        Files.write(der, ok.certificate().getEncoded());
        Result imported = keys("import", "--alias", "DE-signing-2027.crt", "--file", der.toString(), "--pki", pki.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("imported DE-signing-2027.crt: CN=DE signing 2027, serial ");
        assertThat(KeyStores.readPem(pki.resolve("DE-signing-2027.crt"))).isEqualTo(ok.certificate());
        assertThat(Files.readString(pki.resolve("DE-signing-2027.crt"))).startsWith("-----BEGIN CERTIFICATE-----");

        Result again = keys("import", "--alias", "DE-signing-2027.crt", "--file", der.toString(), "--pki", pki.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).startsWith("error key_material: Alias DE-signing-2027.crt already exists").doesNotContain("\n\tat ");

        // another CA's certificate: refused until that CA is added explicitly as an anchor
        DevCertificates.Issued otherCa = DevCertificates.newCa("CN=FR customs CA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
        DevCertificates.Issued fr = DevCertificates.issue(otherCa, DevCertificates.Spec.of("CN=FR signing", DevCertificates.Usage.SIGNING,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400))));
        DevCertificates.writeCertificate(dir.resolve("fr.pem"), fr.certificate());
        DevCertificates.writeCertificate(dir.resolve("fr-ca.pem"), otherCa.certificate());
        Result refused = keys("import", "--alias", "FR-signing.crt", "--file", dir.resolve("fr.pem").toString(), "--pki", pki.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error certificate_untrusted: CN=FR signing (issued by CN=FR customs CA) does not chain to any configured trust anchor")
                .endsWith("add its CA first with --anchor\n");
        assertThat(pki.resolve("FR-signing.crt")).doesNotExist();

        Result notCa = keys("import", "--alias", "FR-x.crt", "--file", dir.resolve("fr.pem").toString(), "--anchor", "--pki", pki.toString());
        assertThat(notCa.exit()).isEqualTo(2);
        assertThat(notCa.err()).contains("is not a CA certificate");
        Result anchor = keys("import", "--alias", "FR-ca.crt", "--file", dir.resolve("fr-ca.pem").toString(), "--anchor", "--pki", pki.toString());
        assertThat(anchor.exit()).as(anchor.err()).isZero();
        assertThat(anchor.out()).contains("(trust anchor)").contains("security.trustAnchors");
        // once an agreement names FR-ca.crt as a trust anchor, FR's certificate can be imported
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("FR.yaml"), PkiFixture.packaged("DE").replace("  id: DE\n", "  id: FR\n")
                .replace("trustAnchors: [ca.crt]", "trustAnchors: [FR-ca.crt]"));
        Result chained = keys("import", "--alias", "FR-signing.crt", "--file", dir.resolve("fr.pem").toString(), "--pki", pki.toString(),
                "--policies", policies.toString());
        assertThat(chained.exit()).as(chained.err()).isZero();
    }

    @Test
    void exportsPemToStandardOutputAndDerToAFile() throws Exception {
        Path pki = dir.resolve("pki");
        assertThat(keys("generate-dev-pki", "--dir", pki.toString(), "--ids", "NL,DE").exit()).isZero();
        Result pem = keys("export", "--alias", "DE-encryption.crt", "--pki", pki.toString());
        assertThat(pem.exit()).isZero();
        assertThat(pem.out()).isEqualTo(Files.readString(pki.resolve("DE-encryption.crt")));
        Path out = dir.resolve("de.der");
        Result der = keys("export", "--alias", "DE-encryption.crt", "--format", "der", "--out", out.toString(), "--pki", pki.toString());
        assertThat(der.exit()).as(der.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(KeyStores.readPem(pki.resolve("DE-encryption.crt")).getEncoded());
        Result missing = keys("export", "--alias", "XX.crt", "--pki", pki.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("error key_material: No certificate XX.crt in " + pki + "\n");
        assertThat(keys("export", "--alias", "../ca.p12", "--pki", pki.toString()).exit()).isEqualTo(2);
        assertThat(keys("export", "--pki", pki.toString()).err()).isEqualTo("Usage error: --alias is required (see --help)\n");
    }

    @Test
    void issuesADevelopmentCertificateWithItsKeyAsANewSigningEntryThatTheGatewaySignsWithOnceValid() {
        Path pki = dir.resolve("pki");
        assertThat(keys("generate-dev-pki", "--dir", pki.toString(), "--ids", "NL,DE").exit()).isZero();
        Instant from = Instant.now().plus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Result issued = keys("issue-dev", "--alias", "NL-signing-2027.crt", "--subject", "CN=CMAG NL signing 2027, C=NL", "--usage", "signing",
                "--not-before", from.toString(), "--days", "400", "--keystore", "NL", "--entry", "signing-2027", "--pki", pki.toString());
        assertThat(issued.exit()).as(issued.err()).isZero();
        OwnKeys own = KeyStores.loadOwn(pki.resolve("NL.p12"), PkiFixture.PASSWORD);
        assertThat(own.signingKeys()).extracting(k -> k.alias()).contains("signing", "signing-2027");
        assertThat(own.signer(Instant.now()).alias()).isEqualTo("signing");
        assertThat(own.signer(from.plus(Duration.ofHours(1))).alias()).as("the newest valid key").isEqualTo("signing-2027");
        assertThat(KeyStores.readPem(pki.resolve("NL-signing-2027.crt")).getNotBefore().toInstant()).isEqualTo(from);
        assertThat(keys("issue-dev", "--alias", "x.crt", "--subject", "CN=x", "--usage", "sign", "--pki", pki.toString()).exit()).isEqualTo(2);
    }
}
