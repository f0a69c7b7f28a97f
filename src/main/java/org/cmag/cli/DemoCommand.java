package org.cmag.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.cmag.demo.Demo;

/** {@code demo}: two administrations exchange an assistance request over REST and over SOAP. */
final class DemoCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar demo [--data DIR] [--request FILE]

            Starts two complete gateways in this process on loopback - NL and DE, each with its own embedded
            Artemis broker, H2 database and generated development keys - and has NL's national system submit
            an assistance request over NL's REST API. NL translates, signs, encrypts, queues and delivers it to
            DE, first over REST, then (NL restarted with DE's channel set to SOAP) over SOAP. DE returns a
            signed receipt, decrypts, verifies, validates, de-duplicates, audits and hands the request to its
            national queue, and acknowledges it automatically. Then a full conversation (partial response, final
            response, closure) and a request DE refuses, with every case transition on both gateways as it happens.
            Prints a transcript; exits 0 only if both messages arrived verified, both cases reached their states on
            both sides and both audit chains verify.

              --data DIR      where the two gateways keep their state (default data/demo; wiped per run,
                              development keys kept)
              --request FILE  the national JSON request to send (default: the packaged example,
                              docs/examples/assistance-request.json)
            """;

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--data", "--request"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        byte[] request = request(args.get("--request", null));
        boolean ok = new Demo(Path.of(args.get("--data", "data/demo")), out).run(request);
        if (!ok) {
            err.println("demo FAILED: not every message arrived verified (see transcript above)");
        }
        return ok ? 0 : 1;
    }

    static byte[] request(String file) {
        try {
            if (file != null) {
                return java.nio.file.Files.readAllBytes(Path.of(file));
            }
            try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
                if (in == null) {
                    throw new Args.UsageException("packaged example request is missing");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new Args.UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
