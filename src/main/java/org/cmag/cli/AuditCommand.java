package org.cmag.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.cmag.audit.AuditAnchor;
import org.cmag.audit.ChainProblem;
import org.cmag.audit.ChainVerifier;
import org.cmag.audit.Checkpoint;
import org.cmag.audit.CheckpointTrust;
import org.cmag.audit.Checkpoints;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.SigningKey;
import org.cmag.error.ErrorCode;
import org.cmag.gateway.Gateway;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;

/** {@code audit verify}: checks a gateway's whole audit chain and its signed checkpoints. */
final class AuditCommand {
    /** The audit record of a verification run (officer access to the log). */
    static final String VERIFIED = "audit-verified";

    static final String HELP = """
            Usage: java -jar target/cmag.jar audit verify [--trust-anchor PEM] [--anchor FILE] [--by NAME] [--config DIR --set KEY=VALUE]

            verify  recomputes every record of the audit chain from record 1 to the head (content hash, link to its
                    predecessor, no gaps), checks every signed checkpoint of the chain head (signature, certificate,
                    time-stamp token, and that the chain still holds the record it signed), and checks the chain against
                    its anchor, the newest checkpoint kept outside the database (signed like the others; the chain must
                    reach it, hold the record it signed, and the database a checkpoint at or after it). Prints what was
                    checked and, on a problem, the first bad record and what is wrong with it.
              --trust-anchor PEM   accept checkpoints whose certificate chains to this CA certificate (offline use);
                                   default: exactly the gateway's own signing certificates from its key store
              --anchor FILE        the anchor file to check against (e.g. a copy kept elsewhere); default: the
                                   configured gateway.audit.anchor-file when it exists (none there is not an error)
            The run itself is audited (audit-verified, by --by or the operator, with the result).
            Exit code 0 when the chain is intact, 1 on any problem (error audit_chain_invalid), 2 on bad usage.
            Uses the database the gateway's configuration names (same --config/--set as start); an embedded H2 database
            is locked while its gateway runs. Writers on PostgreSQL are not held up while it runs.
            """;

    private final PrintStream out;
    private final PrintStream err;

    AuditCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            out.print(HELP);
            out.println();
            out.print(AuditBundleCommand.HELP);
            return argv.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        return switch (argv[0]) {
            case "verify" -> verify(rest);
            case "export", "verify-bundle" -> new AuditBundleCommand(out, err).run(argv);
            default -> throw new Args.UsageException("audit takes verify, export or verify-bundle, not '" + argv[0] + "'");
        };
    }

    private int verify(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--config", "--set", "--trust-anchor", "--anchor", "--by"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("audit verify takes no arguments");
        }
        GatewayConfig config = StartCommand.config(args);
        CheckpointTrust trust = args.has("--trust-anchor")
                ? CheckpointTrust.anchor(KeyStores.readPem(Path.of(args.get("--trust-anchor", ""))))
                : CheckpointTrust.ownCertificates(KeyStores.loadOwn(config.getPath("gateway.pki.dir").resolve(config.gatewayId() + ".p12"),
                        config.get("gateway.pki.store-password").toCharArray()).signingKeys().stream().map(SigningKey::certificate).toList());
        Path anchorFile = args.has("--anchor") ? Path.of(args.get("--anchor", "")) : config.auditAnchorFile();
        if (args.has("--anchor") && !Files.exists(anchorFile)) {
            throw new Args.UsageException("--anchor " + anchorFile + ": no such file");
        }
        try (Database db = Gateway.openDatabase(config, 2)) {
            AuditLog log = new AuditLog(db, Clock.systemUTC());
            Checkpoints checkpoints = Checkpoints.reader(db, new AuditAnchor(anchorFile));
            ChainVerifier.Report report = new ChainVerifier(log, checkpoints, new ChainVerifier.Trust(config.gatewayId(), trust)).verify();
            Optional<Checkpoint> latest = checkpoints.latest();
            out.println("audit chain of gateway " + config.gatewayId());
            out.printf("head                 record %d (%s)%n", report.head().seq(), report.head().hash());
            out.printf("records checked      %d%n", report.records());
            out.printf("checkpoints checked  %d%s%n", report.checkpoints(), latest.map(c -> " (latest: record " + c.headSeq() + " signed at "
                    + c.createdAt() + (c.timeStampToken() == null ? "" : ", time-stamped") + ")").orElse(""));
            String anchor = report.anchor().map(a -> "record " + a.headSeq() + " signed at " + a.createdAt() + " (" + anchorFile + ")")
                    .orElse(Files.exists(anchorFile) && !report.intact() ? "not a valid checkpoint (" + anchorFile + ")" : "none (no file " + anchorFile + ")");
            out.println("anchor checked       " + anchor);
            // reading the log is itself on the log: who verified, what was checked, the result
            String by = args.get("--by", System.getProperty("user.name", "operator"));
            String checked = report.records() + " records, " + report.checkpoints() + " checkpoints, head " + report.head().seq()
                    + report.anchor().map(a -> ", anchor at record " + a.headSeq()).orElse(", no anchor")
                    + (args.has("--trust-anchor") ? ", checkpoints against a trust anchor" : "");
            if (report.intact()) {
                out.println("result               INTACT");
                log.append(AuditEvent.ok(VERIFIED, by, null, null, null, "audit verify: intact; " + checked));
                return 0;
            }
            ChainProblem p = report.problem().get();
            out.printf("result               BROKEN at record %d (%s)%n", p.seq(), p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            out.println("first problem        " + p.message());
            err.println("error " + ErrorCode.AUDIT_CHAIN_INVALID.code() + ": " + p.message());
            log.append(AuditEvent.rejected(VERIFIED, by, null, null, null, ErrorCode.AUDIT_CHAIN_INVALID.code(), "audit verify: "
                    + p.message() + "; " + checked));
            return 1;
        }
    }
}
