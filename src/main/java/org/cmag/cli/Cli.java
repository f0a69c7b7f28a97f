package org.cmag.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.cmag.error.GatewayException;

/**
 * {@code java -jar target/cmag.jar COMMAND ...}: one jar for running and operating the gateway.
 * Exit codes: 0 success, 1 a check failed (with its error code), 2 bad usage or bad input.
 */
public final class Cli {
    static final String USAGE = """
            CMAG - Customs Mutual Assistance Gateway

            Usage: java -jar target/cmag.jar COMMAND [OPTIONS]

            Commands:
              demo            two administrations (NL, DE) exchange a signed, encrypted assistance
                              request over REST and over SOAP, in one process on loopback
              start           run one gateway as a service (embedded Artemis, H2, development keys)
              translate       WCO DEC-DMS or national JSON declaration -> WCO-aligned exchange payload
              case list|show|hold|release-hold
                              the assistance cases of a gateway, their timelines, legal holds
              consent record  record a written consent to onward transfer (legal officers); consent list
              purge           remove stored payloads and register rows past their retention date
              audit verify|export|verify-bundle
                              check the audit chain and its signed checkpoints (naming the first bad record);
                              a signed evidence bundle of a case, message or period; its offline check
              held list|show|release|reject
                              messages held for manual release (personal data in free text)
              dlq list|show|replay
                              dead letters: messages whose delivery attempts are exhausted, with the reason; replay
              keys list|import|export|generate-dev-pki|issue-dev|revoke-dev
                              the key ring: certificates, trust anchors, development PKI
              policy check    validate agreement files offline
              policy explain  what would leave the country for a declaration, partner and request type
              message seal    sign and encrypt an exchange message with the development keys
              message open    decrypt and verify a sealed message, printing every check
              bench           end-to-end throughput between two gateways vs. the raw crypto ceiling
              health          ask a running gateway's health endpoint (exit 0 when UP)
              realm init      create the gateway's realm, roles and clients on a Keycloak server
              partner onboard|rotate-secret|offboard|list
                              partner identities in the realm (Keycloak), bound to their agreements
              help            this text

            Every command takes --help.
            """;

    /** Held so the configured levels are not lost when java.util.logging drops unreferenced loggers. */
    private static final java.util.logging.Logger SANTUARIO_LOG = java.util.logging.Logger.getLogger("org.apache.xml.security");

    private Cli() {}

    public static void main(String[] args) {
        // Undertow and XNIO log through java.util.logging: keep them to warnings, like everything else.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        // Santuario logs every failed reference digest as a warning; the gateway reports it as signature_invalid.
        SANTUARIO_LOG.setLevel(java.util.logging.Level.SEVERE);
        for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    /** Runs a command with {@code env} as its environment (admin credentials); returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "demo" -> new DemoCommand(out, err).run(rest);
                case "start" -> new StartCommand(out, err).run(rest);
                case "message" -> new MessageCommand(out, err).run(rest);
                case "bench" -> new BenchCommand(out, err).run(rest);
                case "health" -> new HealthCommand(out).run(rest);
                case "translate" -> new TranslateCommand(out, err).run(rest);
                case "case" -> new CaseCommand(out).run(rest);
                case "held" -> new HeldCommand(out).run(rest);
                case "dlq" -> new DlqCommand(out).run(rest);
                case "policy" -> new PolicyCommand(out).run(rest);
                case "keys" -> new KeysCommand(out).run(rest);
                case "consent" -> new ConsentCommand(out).run(rest);
                case "purge" -> new PurgeCommand(out).run(rest);
                case "audit" -> new AuditCommand(out, err).run(rest);
                case "realm" -> new RealmCommand(out, env).run(rest);
                case "partner" -> new PartnerCommand(out, env).run(rest);
                default -> {
                    err.println("Unknown command '" + args[0] + "'.");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            err.println("Usage error: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (GatewayException e) {
            err.println("error " + e.errorCode().code() + ": " + e.detail() + (e.pointer() == null ? "" : " [at " + e.pointer() + "]"));
            // the identity server failed or refused: not the operator's input
            return e.errorCode() == org.cmag.error.ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE
                    || e.errorCode() == org.cmag.error.ErrorCode.IDENTITY_ADMIN_REFUSED ? 1 : 2;
        } catch (RuntimeException e) {
            // unexpected: one line for the operator, the trace only at debug level
            err.println("error internal: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            org.slf4j.LoggerFactory.getLogger(Cli.class).debug("command failed", e);
            return 1;
        }
    }
}
