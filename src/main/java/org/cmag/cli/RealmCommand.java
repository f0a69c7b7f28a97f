package org.cmag.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.identity.KeycloakAdmin;
import org.cmag.identity.Realm;

/** {@code realm init}: the gateway's realm on a Keycloak server, created idempotently through the admin client. */
final class RealmCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar realm init [--url URL] [--realm NAME] [--national NAME] [--config DIR] [--set KEY=VALUE ...]

            Creates on the Keycloak server what is missing of the gateway's realm (nothing else is touched; running it
            again changes nothing and says so):
              the realm (default gateway.keycloak.realm = cmag)
              realm roles  partner-administration, national-system, legal-officer, gateway-admin
              client cmag-gateway           the audience of every token presented to the gateway (no flows)
              client national-NAME          confidential, service account with national-system (default national-customs)
              client legal-officer-console  public, standard flow with PKCE, redirect gateway.keycloak.console-redirect-uri;
                                            legal officers and gateway admins log in as users holding their role
            The national and console clients carry an audience mapper: their tokens have aud = cmag-gateway.
              --url URL      the Keycloak server (default gateway.keycloak.url)
              --realm NAME   the realm (default gateway.keycloak.realm)
            Admin credentials from the environment only: CMAG_KEYCLOAK_ADMIN_USER, CMAG_KEYCLOAK_ADMIN_PASSWORD
            (CMAG_KEYCLOAK_ADMIN_REALM, default master).
            Exit codes: 0 done, 1 the server failed or refused (identity_provider_unavailable, identity_admin_refused),
            2 bad usage or configuration.
            """;

    private final PrintStream out;
    private final Map<String, String> env;

    RealmCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--url", "--realm", "--national", "--config", "--set"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        if (!args.positional().get(0).equals("init")) {
            throw new Args.UsageException("realm takes init, not '" + args.positional().get(0) + "'");
        }
        String national = args.get("--national", "customs");
        if (!national.matches("[a-z0-9][a-z0-9\\-]{0,40}")) {
            throw new Args.UsageException("--national takes a lower-case name (letters, digits, -), not '" + national + "'");
        }
        GatewayConfig config = PartnerCommand.config(args, env);
        try (KeycloakAdmin admin = PartnerCommand.connect(args, config, env)) {
            List<String> changes = admin.initRealm(Realm.nationalClientId(national), config.get("gateway.keycloak.console-redirect-uri"));
            changes.forEach(c -> out.println("  " + c));
            out.println(changes.isEmpty() ? "realm " + admin.realm() + " on " + admin.url() + " is complete: nothing to change"
                    : "realm " + admin.realm() + " on " + admin.url() + ": " + changes.size() + " change(s)");
            return 0;
        }
    }
}
