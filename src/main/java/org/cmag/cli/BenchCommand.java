package org.cmag.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.cmag.demo.Bench;

/** {@code bench}: end-to-end throughput between two gateways against the raw crypto ceiling of this machine. */
final class BenchCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar bench [--messages N] [--concurrency C] [--data DIR]

            Starts two gateways (NL, DE) in this process on loopback with persistence on (Artemis journals,
            H2 databases), submits N assistance requests of about 10 KB to NL's REST API from C concurrent
            clients, and waits until DE has handed every one to its national queue and NL has verified every
            receipt. Then, in the same run, measures the raw ceiling: how many messages per second sign +
            encrypt + decrypt + verify alone allow on one core, times the cores. Prints messages/s end to end,
            p50/p99 latency (submission to national delivery), the ceiling and the ratio. Last, the audit chain:
            appends/s to a fresh database from one thread and from C threads, verification speed, and its cost per
            message (records per message of both gateways) against the raw crypto cost and ceiling.

              --messages N     default 2000
              --concurrency C  default 16
              --data DIR       default data/bench (wiped per run)
              --audit-postgres URL   also measure the audit chain on this PostgreSQL (a temporary schema, dropped
                                     afterwards), e.g. jdbc:postgresql://127.0.0.1:5432/test
              --audit-postgres-user USER   default postgres; password from the environment CMAG_BENCH_PG_PASSWORD
            """;

    private final PrintStream out;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--messages", "--concurrency", "--data", "--audit-postgres", "--audit-postgres-user"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        String password = System.getenv("CMAG_BENCH_PG_PASSWORD");
        new Bench(Path.of(args.get("--data", "data/bench")), out, args.get("--audit-postgres", null), args.get("--audit-postgres-user", "postgres"),
                password == null ? "" : password).run(args.integer("--messages", 2000), args.integer("--concurrency", 16));
        return 0;
    }
}
