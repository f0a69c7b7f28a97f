package org.cmag.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.RetentionPurge;

/** {@code purge [--dry-run]}: one retention purge run against a gateway's database. */
final class PurgeCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar purge [--dry-run] [--config DIR --set KEY=VALUE]

            Removes what is past its retention date (the RetentionUntil of each message's signed header): the stored sealed
            message and receipt of outbound messages, the received-data register rows of inbound messages, and rejected
            inbound messages older than gateway.retention.rejected-message-days. Ids, digests and the audit chain stay;
            the run is audited with its counts. The running gateway does the same at gateway.retention.purge-interval-seconds.
              --dry-run   only count what would be purged (nothing is changed or audited)
            Uses the database the gateway's configuration names (same --config/--set as start); an embedded H2
            database is locked while its gateway runs.
            """;

    private final PrintStream out;

    PurgeCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--config", "--set"), Set.of("--dry-run"));
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("purge takes no arguments, only --dry-run");
        }
        GatewayConfig config = StartCommand.config(args);
        try (Database db = StartCommand.database(config)) {
            RetentionPurge.Result r = new RetentionPurge(db, new AuditLog(db, Clock.systemUTC()), Clock.systemUTC(),
                    config.rejectedMessageRetention()).run(args.has("--dry-run"), "operator (cmag purge)");
            out.println(r.summary());
            return 0;
        }
    }
}
