package org.cmag.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.CertificateChains;
import org.cmag.crypto.DevCertificates;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.RevocationChecker;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;

/** {@code keys list|import|export|generate-dev-pki|issue-dev|revoke-dev}: the key ring (PKI directory) of a gateway. */
final class KeysCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar keys list [--pki DIR] [--policies DIR] [--days N]
              java -jar target/cmag.jar keys import --alias ALIAS --file CERT [--anchor] [--pki DIR] [--policies DIR]
              java -jar target/cmag.jar keys export --alias ALIAS [--out FILE] [--format pem|der] [--pki DIR]
              java -jar target/cmag.jar keys generate-dev-pki --dir DIR --ids NL,DE[,FR]
              java -jar target/cmag.jar keys issue-dev --alias ALIAS --subject DN --usage signing|encryption
                                                       [--not-before ISO] [--not-after ISO | --days N] [--keystore ID --entry NAME] [--pki DIR]
              java -jar target/cmag.jar keys revoke-dev --alias ALIAS [--pki DIR]

            list      every certificate in the key ring (and the entries of our keystore <ID>.p12): alias, subject,
                      issuer, serial, validity, SHA-256 fingerprint, key, the agreement that uses it, and its status
                      (valid, expiring within --days (default gateway.pki.expiry-warning-days), expired, not-yet-valid,
                      revoked by a CRL in the directory)
            import    copies a certificate (PEM or DER) into the key ring as ALIAS. It must chain to a trust anchor some
                      agreement configures (security.trustAnchors), unless --anchor adds a CA certificate as a new anchor.
                      An existing alias is never overwritten.
            export    writes the certificate ALIAS as PEM (default) or DER to FILE or standard output
            generate-dev-pki   a development CA (ca.crt, ca.crl) and keys for each id, as the gateway does on first start
            issue-dev a certificate from the development CA with the given validity (tests, key rotation drills); with
                      --keystore ID --entry NAME its key is added to <ID>.p12 (e.g. --entry signing-2027)
            revoke-dev revokes the certificate ALIAS in the development CA's CRL ca.crl
            Defaults: --pki is gateway.pki.dir, --policies gateway.policies.dir (empty: the packaged agreements), from the
            configuration (--config DIR --set KEY=VALUE as for start); the store password is gateway.pki.store-password.
            Exit 0 on success, 2 with a one-line error otherwise.
            """;

    private final PrintStream out;
    private final Clock clock;

    KeysCommand(PrintStream out) {
        this(out, Clock.systemUTC());
    }

    KeysCommand(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--pki", "--policies", "--days", "--alias", "--file", "--out", "--format", "--dir", "--ids",
                "--config", "--set", "--subject", "--usage", "--not-before", "--not-after", "--keystore", "--entry"), Set.of("--anchor"));
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        GatewayConfig config = GatewayConfig.load(StartCommand.configDir(args), System.getenv(), StartCommand.overrides(args));
        return switch (args.positional().get(0)) {
            case "list" -> list(args, config);
            case "import" -> importCertificate(args, config);
            case "export" -> export(args, config);
            case "generate-dev-pki" -> generate(args, config);
            case "issue-dev" -> issue(args, config);
            case "revoke-dev" -> revoke(args, config);
            default -> throw new Args.UsageException("keys takes list, import, export, generate-dev-pki, issue-dev or revoke-dev, not '"
                    + args.positional().get(0) + "'");
        };
    }

    private static Path pki(Args args, GatewayConfig config) {
        return Path.of(args.get("--pki", config.get("gateway.pki.dir")));
    }

    private static PartnerRegistry registry(Args args, GatewayConfig config) {
        String dir = args.get("--policies", config.getOptional("gateway.policies.dir"));
        return PartnerRegistry.load(dir == null ? null : Path.of(dir), "", k -> null);
    }

    private static String alias(Args args) {
        String alias = args.require("--alias");
        if (alias.isBlank() || alias.contains("/") || alias.contains("\\") || alias.startsWith(".")) {
            throw new Args.UsageException("--alias must be a file name in the key ring, not '" + alias + "'");
        }
        return alias;
    }

    // ------------------------------------------------------------------------------------------------ list

    private int list(Args args, GatewayConfig config) {
        Path pki = pki(args, config);
        if (!Files.isDirectory(pki)) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Key ring directory " + pki + " does not exist");
        }
        int days = args.integer("--days", config.getInt("gateway.pki.expiry-warning-days"));
        Map<String, List<String>> usedBy = new LinkedHashMap<>();
        for (Partner p : registry(args, config).all()) {
            note(usedBy, p.signingCertificates(), p.id() + " signing");
            note(usedBy, p.encryptionCertificates(), p.id() + " encryption");
            note(usedBy, p.trustAnchors(), p.id() + " trust anchor");
        }
        List<X509CRL> crls = crlsIn(pki);
        Instant now = clock.instant();
        int n = 0;
        for (Path file : CertificateChains.certificateFiles(pki)) {
            X509Certificate c = CertificateChains.readQuietly(file);
            if (c == null) {
                continue;
            }
            String alias = file.getFileName().toString();
            print(alias, c, usedBy.getOrDefault(alias, List.of()), status(c, crls, pki, now, days));
            n++;
        }
        String ownId = config.get("gateway.id");
        Path p12 = pki.resolve(ownId + ".p12");
        if (Files.isRegularFile(p12)) {
            char[] password = config.get("gateway.pki.store-password").toCharArray();
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(p12)) {
                    store.load(in, password);
                }
                for (String entry : Collections.list(store.aliases()).stream().sorted().toList()) {
                    if (store.getCertificate(entry) instanceof X509Certificate c) {
                        print(ownId + ".p12#" + entry, c, List.of("own (" + ownId + ") " + entry), status(c, crls, pki, now, days));
                        n++;
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                out.println(ownId + ".p12: not listed (" + e.getMessage() + ")");
            }
        }
        out.println(n + " certificate(s) in " + pki);
        return 0;
    }

    private static void note(Map<String, List<String>> usedBy, List<Partner.CertificateRef> refs, String what) {
        for (Partner.CertificateRef r : refs) {
            usedBy.computeIfAbsent(r.alias(), k -> new ArrayList<>()).add(what + " (" + r.source() + ")");
        }
    }

    private void print(String alias, X509Certificate c, List<String> usedBy, String status) {
        out.println(alias + "  " + status);
        out.println("  subject     " + c.getSubjectX500Principal().getName());
        out.println("  issuer      " + c.getIssuerX500Principal().getName());
        out.println("  serial      " + c.getSerialNumber().toString(16));
        out.println("  valid       " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant());
        out.println("  sha256      " + KeyRing.sha256(c));
        out.println("  key         " + c.getPublicKey().getAlgorithm()
                + (c.getPublicKey() instanceof RSAKey rsa ? " " + rsa.getModulus().bitLength() : "")
                + (c.getBasicConstraints() >= 0 ? " (CA)" : ""));
        out.println("  used by     " + (usedBy.isEmpty() ? "-" : String.join("; ", usedBy)));
    }

    private static String status(X509Certificate c, List<X509CRL> crls, Path pki, Instant now, int days) {
        for (X509CRL crl : crls) {
            if (crl.getIssuerX500Principal().equals(c.getIssuerX500Principal()) && crl.getRevokedCertificate(c) != null
                    && signedByIssuerIn(crl, c, pki)) {
                return "revoked (at " + crl.getRevokedCertificate(c).getRevocationDate().toInstant() + ")";
            }
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return "not-yet-valid";
        }
        if (now.isAfter(c.getNotAfter().toInstant())) {
            return "expired";
        }
        if (now.plus(Duration.ofDays(days)).isAfter(c.getNotAfter().toInstant())) {
            return "expiring (in " + Duration.between(now, c.getNotAfter().toInstant()).toDays() + " day(s))";
        }
        return "valid";
    }

    private static boolean signedByIssuerIn(X509CRL crl, X509Certificate c, Path pki) {
        for (X509Certificate issuer : CertificateChains.caCertificatesIn(pki)) {
            if (issuer.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                try {
                    crl.verify(issuer.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // another key with the same name
                }
            }
        }
        return false;
    }

    private static List<X509CRL> crlsIn(Path pki) {
        List<X509CRL> out = new ArrayList<>();
        try (var s = Files.list(pki)) {
            for (Path f : s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".crl")).sorted().toList()) {
                try {
                    out.add(RevocationChecker.readCrl(f));
                } catch (IOException | GeneralSecurityException e) {
                    // not a CRL
                }
            }
        } catch (IOException e) {
            // no CRLs
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- import

    private int importCertificate(Args args, GatewayConfig config) {
        Path pki = pki(args, config);
        String alias = alias(args);
        Path source = Path.of(args.require("--file"));
        X509Certificate c = KeyStores.readPem(source);
        Path target = pki.resolve(alias);
        if (Files.exists(target)) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Alias " + alias + " already exists in " + pki + "; certificates are never overwritten");
        }
        if (args.has("--anchor")) {
            if (c.getBasicConstraints() < 0) {
                throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED, "--anchor: " + c.getSubjectX500Principal().getName()
                        + " is not a CA certificate (no basic constraints CA)");
            }
        } else {
            List<X509Certificate> anchors = new ArrayList<>();
            for (Partner p : registry(args, config).all()) {
                for (Partner.CertificateRef ref : p.trustAnchors()) {
                    X509Certificate a = CertificateChains.readQuietly(pki.resolve(ref.alias()));
                    if (a != null && !anchors.contains(a)) {
                        anchors.add(a);
                    }
                }
            }
            List<X509Certificate> intermediates = CertificateChains.caCertificatesIn(pki).stream().filter(x -> !CertificateChains.selfSigned(x)).toList();
            try {
                CertificateChains.build(c, anchors, intermediates, clock.instant());
            } catch (GeneralSecurityException e) {
                throw new GatewayException(ErrorCode.CERTIFICATE_UNTRUSTED, c.getSubjectX500Principal().getName() + " (issued by "
                        + c.getIssuerX500Principal().getName() + ") does not chain to any configured trust anchor ("
                        + anchors.size() + " in " + pki + "): " + CertificateChains.reason(e) + "; add its CA first with --anchor");
            }
        }
        DevCertificates.writeCertificate(target, c);
        out.println("imported " + alias + (args.has("--anchor") ? " (trust anchor)" : "") + ": " + c.getSubjectX500Principal().getName()
                + ", serial " + c.getSerialNumber().toString(16) + ", sha256 " + KeyRing.sha256(c));
        out.println("name it in an agreement (security." + (args.has("--anchor") ? "trustAnchors" : "certificates.signing|encryption")
                + ") for the gateway to use it");
        return 0;
    }

    // ---------------------------------------------------------------------------------------------- export

    private int export(Args args, GatewayConfig config) {
        Path pki = pki(args, config);
        String alias = alias(args);
        Path file = pki.resolve(alias);
        if (!Files.isRegularFile(file)) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "No certificate " + alias + " in " + pki);
        }
        X509Certificate c = KeyStores.readPem(file);
        String format = args.get("--format", "pem");
        byte[] bytes;
        try {
            bytes = switch (format) {
                case "pem" -> DevCertificates.pem("CERTIFICATE", c.getEncoded());
                case "der" -> c.getEncoded();
                default -> throw new Args.UsageException("--format takes pem or der, not '" + format + "'");
            };
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Certificate " + alias + " cannot be encoded", null, e);
        }
        String outFile = args.get("--out", null);
        if (outFile == null) {
            if (format.equals("der")) {
                throw new Args.UsageException("--format der needs --out FILE");
            }
            out.print(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII));
            return 0;
        }
        try {
            Files.write(Path.of(outFile), bytes);
        } catch (IOException e) {
            throw new Args.UsageException("cannot write " + outFile + ": " + e.getMessage());
        }
        out.println("exported " + alias + " (" + format + ") to " + outFile);
        return 0;
    }

    // --------------------------------------------------------------------------------------- development

    private int generate(Args args, GatewayConfig config) {
        Path dir = Path.of(args.require("--dir"));
        List<String> ids = Arrays.stream(args.require("--ids").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (ids.isEmpty()) {
            throw new Args.UsageException("--ids needs at least one authority id");
        }
        new DevPki(dir, clock, config.get("gateway.pki.store-password").toCharArray()).ensure(ids);
        out.println("development PKI in " + dir + ": ca.crt, ca.crl, and for " + ids + " <ID>.p12, <ID>-signing.crt, <ID>-encryption.crt");
        return 0;
    }

    private int issue(Args args, GatewayConfig config) {
        Path pki = pki(args, config);
        String alias = alias(args);
        char[] password = config.get("gateway.pki.store-password").toCharArray();
        DevCertificates.Usage usage = switch (args.require("--usage")) {
            case "signing" -> DevCertificates.Usage.SIGNING;
            case "encryption" -> DevCertificates.Usage.ENCRYPTION;
            default -> throw new Args.UsageException("--usage takes signing or encryption");
        };
        Instant notBefore = instant(args, "--not-before", clock.instant().minus(Duration.ofHours(1)));
        Instant notAfter = args.has("--not-after") ? instant(args, "--not-after", null)
                : notBefore.plus(Duration.ofDays(args.integer("--days", 365)));
        if (Files.exists(pki.resolve(alias))) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Alias " + alias + " already exists in " + pki);
        }
        DevCertificates.Issued ca = DevCertificates.devCa(pki, password);
        DevCertificates.Issued issued = DevCertificates.issue(ca, DevCertificates.Spec.of(args.require("--subject"), usage, notBefore, notAfter));
        DevCertificates.writeCertificate(pki.resolve(alias), issued.certificate());
        if (args.has("--keystore")) {
            String entry = args.require("--entry");
            DevCertificates.addKeyEntry(pki.resolve(args.require("--keystore") + ".p12"), password, entry, issued, ca.certificate());
        }
        out.println("issued " + alias + ": " + issued.certificate().getSubjectX500Principal().getName() + ", serial "
                + issued.certificate().getSerialNumber().toString(16) + ", valid " + notBefore + " to " + notAfter
                + (args.has("--keystore") ? ", key in " + args.get("--keystore", "") + ".p12 entry " + args.get("--entry", "") : ""));
        return 0;
    }

    private int revoke(Args args, GatewayConfig config) {
        Path pki = pki(args, config);
        String alias = alias(args);
        X509Certificate c = KeyStores.readPem(pki.resolve(alias));
        BigInteger serial = c.getSerialNumber();
        DevCertificates.revokeInDevCrl(pki, config.get("gateway.pki.store-password").toCharArray(), serial, clock.instant());
        out.println("revoked " + alias + " (serial " + serial.toString(16) + ") in " + pki.resolve(DevCertificates.CA_CRL));
        return 0;
    }

    private static Instant instant(Args args, String flag, Instant fallback) {
        String v = args.get(flag, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Args.UsageException(flag + " must be an ISO instant such as 2027-01-31T00:00:00Z, not '" + v + "'");
        }
    }
}
