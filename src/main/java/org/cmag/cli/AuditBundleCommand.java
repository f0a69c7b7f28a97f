package org.cmag.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.error.ErrorCode;
import org.cmag.evidence.BundleLimits;
import org.cmag.evidence.BundleTrust;
import org.cmag.evidence.BundleVerifier;
import org.cmag.evidence.BundleWriter;
import org.cmag.evidence.Selection;
import org.cmag.gateway.KeyRing;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/** {@code audit export} (a signed evidence bundle) and {@code audit verify-bundle} (offline check of one). */
final class AuditBundleCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar audit export (--case ID | --message ID | --from DATE --to DATE) --out FILE
                   [--by NAME] [--config DIR] [--set KEY=VALUE]
              java -jar target/cmag.jar audit verify-bundle FILE (--trust-list FILE | --gateway ID --gateway-certificate PEM...)
                   [--trust-anchor PEM] [--max-entries N] [--max-entry-mb N] [--max-total-mb N] [--max-ratio N]
              java -jar target/cmag.jar audit verify-bundle FILE --trust-anchor PEM [--gateway ID]

            export         writes a signed evidence bundle (ZIP): the signed messages and receipts, the audit records
                           concerned with the chain links up to a checkpoint signed now, the agreement versions, the
                           certificates, manifest.json with every entry's SHA-256, manifest.sig and report.html.
                           --from/--to are dates (YYYY-MM-DD, UTC, both days included) or instants (ISO-8601).
                           The export is audited (evidence-exported, by --by or the operator).
            verify-bundle  checks a bundle offline: the ZIP as standard tools read it, every byte accounted for (no hidden,
                           prepended, appended, duplicate, unlisted or overlapping data; limits against decompression
                           bombs), the signer, the manifest's signature, every entry's SHA-256, the audit chain (records
                           of other cases as hashes only) up to the signed checkpoint, the evidence against its records.
                           Exit 0 when valid, 1 naming the first problem (error bundle_invalid).
                           Whom to trust (the signer must be bound to the gateway the bundle names):
                           --trust-list FILE          lines 'GATEWAY-ID CERT.pem' or 'GATEWAY-ID sha256:HEX' (paths relative
                                                      to the list): the signer must be one of that gateway's certificates
                           --gateway ID --gateway-certificate PEM   (repeatable) the same for one administration
                           --trust-anchor PEM         with either of the above: the signer must also chain to this CA;
                                                      alone: the signer must chain to it AND name the gateway id in its
                                                      common name (weaker: it relies on the CA's naming)
                           --gateway ID               the bundle must be evidence of this gateway
                           limits (defaults): --max-entries 10000, --max-entry-mb 256, --max-total-mb 2048, --max-ratio 100
            export uses the database and keys the gateway's configuration names (same --config/--set as start); an
            embedded H2 database is locked while its gateway runs.
            """;

    private final PrintStream out;
    private final PrintStream err;

    AuditBundleCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--case", "--message", "--from", "--to", "--out", "--by", "--config", "--set", "--trust-anchor",
                "--gateway", "--gateway-certificate", "--trust-list", "--max-entries", "--max-entry-mb", "--max-total-mb", "--max-ratio"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        return switch (args.positional().get(0)) {
            case "export" -> export(args);
            case "verify-bundle" -> verify(args);
            default -> throw new Args.UsageException("audit takes export or verify-bundle, not '" + args.positional().get(0) + "'");
        };
    }

    private int export(Args args) {
        Selection selection = selection(args);
        Path file = Path.of(args.require("--out"));
        GatewayConfig config = StartCommand.config(args);
        Path pki = config.getPath("gateway.pki.dir");
        OwnKeys own = KeyStores.loadOwn(pki.resolve(config.gatewayId() + ".p12"), config.get("gateway.pki.store-password").toCharArray());
        PartnerRegistry registry = PartnerRegistry.load(config.getOptional("gateway.policies.dir") == null ? null
                : Path.of(config.get("gateway.policies.dir")), config.gatewayId(), config::getOptional);
        Clock clock = Clock.systemUTC();
        try (Database db = StartCommand.database(config)) {
            BundleWriter writer = new BundleWriter(db, new AuditLog(db, clock), config.gatewayId(), own::signer,
                    id -> partnerCertificates(registry, id, pki, clock.instant()), clock);
            BundleWriter.Written w = writer.write(selection, args.get("--by", "operator (cmag audit export)"), file);
            out.println("wrote " + w.file() + ": " + w.entries() + " entries, " + w.evidenceItems() + " evidence items (" + w.purgedItems()
                    + " purged), " + w.excerptRecords() + " audit records selected, chain of " + w.chainRecords()
                    + " records up to a checkpoint of record " + w.headSeq() + " (" + w.hashedOnlyRecords() + " of other cases or outside the"
                    + " selection as hashes only)");
            return 0;
        }
    }

    private static List<X509Certificate> partnerCertificates(PartnerRegistry registry, String id, Path pki, Instant now) {
        Partner partner = registry.find(id).orElse(null);
        return partner == null ? List.of() : KeyRing.partnerCertificates(partner, pki, now).signingCertificates();
    }

    private static Selection selection(Args args) {
        int given = (args.has("--case") ? 1 : 0) + (args.has("--message") ? 1 : 0) + (args.has("--from") || args.has("--to") ? 1 : 0);
        if (given != 1) {
            throw new Args.UsageException("give exactly one of --case ID, --message ID or --from DATE --to DATE");
        }
        if (args.has("--case")) {
            return Selection.ofCase(args.get("--case", null));
        }
        if (args.has("--message")) {
            return Selection.ofMessage(args.get("--message", null));
        }
        Instant from = instant(args.require("--from"), "--from", false);
        Instant to = instant(args.require("--to"), "--to", true);
        if (!from.isBefore(to)) {
            throw new Args.UsageException("--from must be before --to");
        }
        return Selection.ofPeriod(from, to);
    }

    /** A date (start of the day, or of the next day for an inclusive end) or an instant. */
    private static Instant instant(String text, String flag, boolean end) {
        try {
            if (text.length() == 10) {
                LocalDate d = LocalDate.parse(text);
                return (end ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Args.UsageException(flag + " takes a date YYYY-MM-DD or an ISO-8601 instant, not '" + text + "'");
        }
    }

    private int verify(Args args) {
        if (args.positional().size() != 2) {
            throw new Args.UsageException("audit verify-bundle takes one bundle file");
        }
        Path bundle = Path.of(args.positional().get(1));
        if (!java.nio.file.Files.isRegularFile(bundle)) {
            throw new Args.UsageException("bundle " + bundle + " does not exist");
        }
        BundleVerifier.Result r = BundleVerifier.verify(bundle, trust(args), limits(args));
        if (r.valid()) {
            out.println(r.summary());
            return 0;
        }
        err.println("error " + ErrorCode.BUNDLE_INVALID.code() + ": " + r.problem().orElseThrow());
        return 1;
    }

    /** Whom the signer must be: the certificates of a trust list or of one gateway (strong), or a CA and the certificate's name. */
    private static BundleTrust trust(Args args) {
        X509Certificate anchor = args.has("--trust-anchor") ? KeyStores.readPem(Path.of(args.get("--trust-anchor", null))) : null;
        List<String> certificates = args.all("--gateway-certificate");
        String gateway = args.get("--gateway", null);
        if (args.has("--trust-list") && !certificates.isEmpty()) {
            throw new Args.UsageException("give --trust-list or --gateway-certificate, not both");
        }
        try {
            BundleTrust trust;
            if (args.has("--trust-list")) {
                Path list = Path.of(args.get("--trust-list", null));
                if (!java.nio.file.Files.isRegularFile(list)) {
                    throw new Args.UsageException("trust list " + list + " does not exist");
                }
                trust = BundleTrust.trustList(list, anchor);
            } else if (!certificates.isEmpty()) {
                if (gateway == null) {
                    throw new Args.UsageException("--gateway-certificate needs --gateway ID: the administration whose certificates they are");
                }
                List<X509Certificate> certs = new ArrayList<>();
                certificates.forEach(c -> certs.add(KeyStores.readPem(Path.of(c))));
                trust = BundleTrust.certificates(gateway, certs, anchor);
            } else if (anchor != null) {
                trust = BundleTrust.anchor(anchor);
            } else {
                throw new Args.UsageException("give whom to trust: --trust-list FILE, --gateway ID --gateway-certificate PEM, or --trust-anchor PEM");
            }
            return gateway == null ? trust : trust.expecting(gateway);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static BundleLimits limits(Args args) {
        BundleLimits limits = BundleLimits.DEFAULTS;
        try {
            if (args.has("--max-entry-mb")) {
                limits = limits.withMaxEntryBytes(megabytes(args, "--max-entry-mb"));
            }
            if (args.has("--max-total-mb")) {
                limits = limits.withMaxTotalBytes(megabytes(args, "--max-total-mb"));
            }
            if (args.has("--max-ratio")) {
                limits = limits.withMaxRatio(args.integer("--max-ratio", 0));
            }
            if (args.has("--max-entries")) {
                limits = limits.withMaxEntries(args.integer("--max-entries", 0));
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        return limits;
    }

    private static long megabytes(Args args, String flag) {
        int mb = args.integer(flag, 0);
        if (mb < 1 || mb > 4096) {
            throw new Args.UsageException(flag + " takes 1 to 4096 (MiB), not " + mb);
        }
        return mb * (1L << 20);
    }
}
