package org.cmag.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.identity.KeycloakAdmin;
import org.cmag.identity.PartnerOnboarding;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.PartnerBindings;

/** {@code partner onboard|rotate-secret|offboard|list}: partner identities in the realm, bound to their agreements. */
final class PartnerCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar partner onboard --id ID [--name NAME] [--credentials-out FILE] [OPTIONS]
              java -jar target/cmag.jar partner rotate-secret --id ID [--credentials-out FILE] [OPTIONS]
              java -jar target/cmag.jar partner offboard --id ID [--reason TEXT] [OPTIONS]
              java -jar target/cmag.jar partner list [--config DIR] [--set KEY=VALUE ...]

            onboard        requires the partner's agreement file in the gateway's policies (the legal basis), then creates
                           what is missing of its confidential client partner-ID in the realm (service account with role
                           partner-administration, audience cmag-gateway) and binds it to the agreement in the gateway's
                           database (ACTIVE, audited). Prints the client id, secret and token endpoint for hand-over, or
                           writes them to FILE (created with mode 600; an existing file is not overwritten). Running it
                           again changes nothing and prints the current credentials. An OFFBOARDED partner is onboarded
                           again with a new secret.
            rotate-secret  regenerates the secret: the old one stops working at once (audited, the secret is not)
            offboard       marks the binding OFFBOARDED (audited; nothing is deleted) and disables the client: a running
                           gateway refuses messages to and from the partner with partner_offboarded within
                           gateway.identity.status-cache-seconds; messages already queued for it are marked FAILED
            list           every agreement with its client id, status, and onboarding / offboarding dates
            OPTIONS:
              --url URL         the Keycloak server (default gateway.keycloak.url)
              --realm NAME      the realm (default gateway.keycloak.realm)
              --by NAME         who does it, for the audit log (default: the OS user)
              --config DIR, --set KEY=VALUE   the gateway's configuration (its database and policies), as for start
            Admin credentials from the environment only: CMAG_KEYCLOAK_ADMIN_USER, CMAG_KEYCLOAK_ADMIN_PASSWORD.
            The gateway's database must be reachable: PostgreSQL, or an H2 file database while its gateway is
            stopped (or opened with ;AUTO_SERVER=TRUE).
            Exit codes: 0 done, 1 the Keycloak server failed or refused, 2 bad usage or refused (unknown_partner,
            partner_not_onboarded, partner_offboarded).
            """;

    private final PrintStream out;
    private final Map<String, String> env;

    PartnerCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--id", "--name", "--credentials-out", "--reason", "--url", "--realm", "--by", "--config",
                "--set"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        String what = args.positional().get(0);
        if (!Set.of("onboard", "rotate-secret", "offboard", "list").contains(what)) {
            throw new Args.UsageException("partner takes onboard, rotate-secret, offboard or list, not '" + what + "'");
        }
        String id = what.equals("list") ? null : args.require("--id");
        if (id != null && !id.matches("[A-Z0-9][A-Z0-9\\-]{1,34}")) {
            throw new Args.UsageException("--id takes a partner id as in its agreement file (e.g. DE), not '" + id + "'");
        }
        Path credentialsOut = args.has("--credentials-out") ? Path.of(args.get("--credentials-out", null)) : null;
        if (credentialsOut != null && Files.exists(credentialsOut)) {
            throw new Args.UsageException("--credentials-out " + credentialsOut + " already exists; it is never overwritten");
        }
        String by = args.get("--by", System.getProperty("user.name", "operator"));
        GatewayConfig config = config(args, env);
        PartnerRegistry registry = PartnerRegistry.load(config.getOptional("gateway.policies.dir") == null ? null
                : Path.of(config.get("gateway.policies.dir")), config.gatewayId(), config::getOptional);
        try (Database db = StartCommand.database(config)) {
            PartnerBindings bindings = new PartnerBindings(db, new AuditLog(db, Clock.systemUTC()));
            if (what.equals("list")) {
                List<PartnerOnboarding.Listed> rows = PartnerOnboarding.list(registry, bindings);
                out.printf("%-8s %-26s %-16s %-14s %-26s %s%n", "PARTNER", "AGREEMENT", "CLIENT", "STATUS", "ONBOARDED", "OFFBOARDED");
                for (PartnerOnboarding.Listed r : rows) {
                    out.printf("%-8s %-26s %-16s %-14s %-26s %s%n", r.partnerId(), r.agreementId(), r.clientId(), r.status(), r.createdAt(),
                            r.offboardedAt());
                }
                out.println(rows.size() + " partner(s)");
                return 0;
            }
            try (KeycloakAdmin admin = connect(args, config, env)) {
                PartnerOnboarding onboarding = new PartnerOnboarding(admin, bindings, registry, Clock.systemUTC());
                switch (what) {
                    case "onboard" -> {
                        PartnerOnboarding.Onboarded o = onboarding.onboard(id, args.get("--name", null), by);
                        o.changes().forEach(c -> out.println("  " + c));
                        out.println(o.changes().isEmpty() ? "partner " + id + " is already onboarded: nothing to change"
                                : "partner " + id + " onboarded under agreement " + o.agreementId());
                        handOver(o, credentialsOut);
                    }
                    case "rotate-secret" -> {
                        PartnerOnboarding.Onboarded o = onboarding.rotateSecret(id, by);
                        out.println("  " + o.changes().get(0));
                        handOver(o, credentialsOut);
                    }
                    default -> {
                        List<String> changes = onboarding.offboard(id, by, args.get("--reason", null));
                        changes.forEach(c -> out.println("  " + c));
                        out.println(changes.isEmpty() ? "partner " + id + " is already offboarded: nothing to change"
                                : "partner " + id + " offboarded");
                    }
                }
                return 0;
            }
        }
    }

    private void handOver(PartnerOnboarding.Onboarded o, Path file) {
        String text = "client_id=" + o.clientId() + "\nclient_secret=" + o.secret() + "\ntoken_endpoint=" + o.tokenEndpoint() + "\n";
        if (file == null) {
            out.println("Credentials for " + o.partnerId() + " (hand over securely; they are not stored by the gateway):");
            out.print(text);
            return;
        }
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), ".credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, abs); // fails rather than overwrite
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new Args.UsageException("--credentials-out " + file + " already exists; it is never overwritten");
        } catch (IOException | UnsupportedOperationException e) {
            throw new Args.UsageException("cannot write --credentials-out " + file + ": " + e.getMessage());
        }
        out.println("Credentials for " + o.partnerId() + " written to " + file + " (mode 600)");
    }

    static GatewayConfig config(Args args, Map<String, String> env) {
        return GatewayConfig.load(StartCommand.configDir(args), env, StartCommand.overrides(args));
    }

    static KeycloakAdmin connect(Args args, GatewayConfig config, Map<String, String> env) {
        String url = args.get("--url", config.getOptional("gateway.keycloak.url"));
        return KeycloakAdmin.connect(url, args.get("--realm", config.get("gateway.keycloak.realm")), env);
    }
}
