package org.cmag.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.cmag.config.GatewayConfig;
import org.cmag.gateway.Gateway;

/** {@code start}: one gateway as a service until SIGTERM / Ctrl-C. */
final class StartCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar start [--config DIR] [--set KEY=VALUE ...]

            Runs one gateway on the embedded defaults from config/application.properties (packaged in the jar):
            embedded Artemis with its journal, H2 file database and development keys under gateway.data-dir,
            listening on 127.0.0.1 (REST API, partner REST channel, health) and the SOAP endpoint.

              --config DIR       directory with an application.properties overriding the defaults
                                 (default: ./config when it exists)
              --set KEY=VALUE    override one key (repeatable), e.g. --set gateway.id=DE
            Environment variables override keys too: GATEWAY_HTTP_PORT=9000 sets gateway.http.port.
            Stop with Ctrl-C or SIGTERM; the gateway shuts down cleanly.
            """;

    private final PrintStream out;
    private final PrintStream err;

    StartCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--config", "--set"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        GatewayConfig config = GatewayConfig.load(configDir(args), System.getenv(), overrides(args));
        // the shutdown hook is in place before the gateway starts: a SIGTERM at any moment stops it cleanly (one that comes
        // while it starts stops it as soon as it has started)
        java.util.concurrent.atomic.AtomicReference<Gateway> running = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                started.await(); // the starting thread closes it itself if it gets no further
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Gateway g = running.getAndSet(null);
            if (g != null) {
                g.close();
            }
            stopped.countDown();
        }, "cmag-shutdown"));
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
            running.set(gateway);
        } finally {
            started.countDown();
        }
        if (stopping.get()) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        out.println("CMAG gateway " + gateway.id() + " started");
        out.println("  national API   POST " + gateway.httpBase() + "/api/v1/requests");
        out.println("  partner REST   POST " + gateway.partnerBase() + "/exchange/v1/messages  (partner listener)");
        out.println("  partner SOAP        " + config.get("gateway.soap.address"));
        out.println("  health         GET  " + gateway.httpBase() + "/health  (/health/live, /health/ready)");
        out.println("  data           " + Path.of(config.get("gateway.data-dir")).toAbsolutePath());
        out.println("  partners       " + gateway.registry().all().stream().map(p -> p.id() + " (" + p.channel() + " " +
                (p.channel() == org.cmag.policy.Partner.Channel.SOAP ? p.soapEndpoint() : p.restEndpoint()) + ")").toList());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The gateway configuration the command line names (--config DIR, --set key=value, the environment). */
    static GatewayConfig config(Args args) {
        return GatewayConfig.load(configDir(args), System.getenv(), overrides(args));
    }

    /** The gateway's database, for commands that work on it directly (a small pool; close it after use). */
    static org.cmag.store.Database database(GatewayConfig config) {
        return org.cmag.gateway.Gateway.openDatabase(config, 2);
    }

    static Path configDir(Args args) {
        String dir = args.get("--config", null);
        if (dir != null) {
            Path p = Path.of(dir);
            if (!Files.isDirectory(p)) {
                throw new Args.UsageException("--config " + dir + " is not a directory");
            }
            return p;
        }
        Path local = Path.of("config");
        return Files.isDirectory(local) ? local : null;
    }

    static Map<String, String> overrides(Args args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : args.all("--set")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("--set takes KEY=VALUE, not '" + kv + "'");
            }
            map.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return map;
    }
}
