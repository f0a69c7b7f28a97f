package org.cmag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.DeadLetters;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.DeadLetterStore;

/** {@code dlq list|show|replay}: a gateway's dead letters, on its database or over its admin API. */
final class DlqCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar dlq list [--state DEAD|REPLAY_REQUESTED|REPLAYED|ALL] [--limit N] [CONNECTION]
              java -jar target/cmag.jar dlq show ID [CONNECTION]
              java -jar target/cmag.jar dlq replay ID --by NAME [CONNECTION]

            Dead letters: messages whose delivery attempts are exhausted (a partner or the national callback down for
            longer than its queue's back-off allows, see config/broker/broker.xml), or that the broker dead-lettered,
            each with the reason code, the attempts, the first and last failure and the last error.
            list     dead letters, newest first (default: those still DEAD)
            show     one dead letter whole: where it was, why, and the headers and body it carried
            replay   put it back on its queue (attempts start again); audited with who asked
            CONNECTION:
              --url URL   act through a running gateway's admin API (e.g. http://127.0.0.1:8480); a replay is sent at once
            Without --url the database the gateway's configuration names is used (same --config/--set as start): a
            replay is recorded as REPLAY_REQUESTED and the gateway sends it at its next recovery pass (at its next start
            if it is stopped). An embedded H2 database is locked while its gateway runs: use --url then.
            Exit codes: 0 done, 2 bad usage or refused (dead_letter_unknown, dead_letter_not_dead).
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    DlqCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--state", "--limit", "--by", "--config", "--set", "--url"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        String what = args.positional().get(0);
        if (!Set.of("list", "show", "replay").contains(what)) {
            throw new Args.UsageException("dlq takes list, show or replay, not '" + what + "'");
        }
        long id = what.equals("list") ? 0 : id(args);
        if (what.equals("replay")) {
            args.require("--by");
        }
        String state = state(args);
        if (args.has("--url")) {
            return viaApi(args, what, id, state);
        }
        GatewayConfig config = StartCommand.config(args);
        try (Database db = StartCommand.database(config)) {
            DeadLetters deadLetters = new DeadLetters(db, new AuditLog(db, Clock.systemUTC()), Clock.systemUTC());
            switch (what) {
                case "list" -> {
                    var list = deadLetters.list(state.equals("ALL") ? null : state, args.integer("--limit", 100));
                    header();
                    list.forEach(d -> row(DeadLetters.json(d, false)));
                    out.println(list.size() + " dead letter(s)");
                }
                case "show" -> show(DeadLetters.json(deadLetters.require(id), true));
                default -> {
                    deadLetters.requestReplay(id, args.get("--by", null));
                    out.println("REPLAY_REQUESTED " + id + " by " + args.get("--by", null)
                            + "; the gateway puts it back on its queue at its next recovery pass");
                }
            }
            return 0;
        }
    }

    private static long id(Args args) {
        if (args.positional().size() < 2) {
            throw new Args.UsageException("dlq " + args.positional().get(0) + " needs the dead letter id (see dlq list)");
        }
        try {
            return Long.parseLong(args.positional().get(1));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("the dead letter id is a number, not '" + args.positional().get(1) + "'");
        }
    }

    private static String state(Args args) {
        String s = args.get("--state", DeadLetterStore.DEAD).toUpperCase(Locale.ROOT);
        if (!Set.of(DeadLetterStore.DEAD, DeadLetterStore.REPLAY_REQUESTED, DeadLetterStore.REPLAYED, "ALL").contains(s)) {
            throw new Args.UsageException("--state takes DEAD, REPLAY_REQUESTED, REPLAYED or ALL");
        }
        return s;
    }

    private void header() {
        out.printf("%-6s %-46s %-22s %-22s %-8s %-24s %s%n", "ID", "MESSAGE", "QUEUE", "REASON", "ATTEMPTS", "DEAD-LETTERED AT", "STATE");
    }

    private void row(JsonNode d) {
        out.printf("%-6s %-46s %-22s %-22s %-8s %-24s %s%n", d.path("id").asText(), d.path("messageId").asText(), d.path("queue").asText(),
                d.path("reasonCode").asText(), d.path("attempts").asText(), d.path("deadLetteredAt").asText(), d.path("state").asText());
    }

    private void show(JsonNode d) {
        for (String f : new String[] {"id", "queue", "messageId", "partner", "caseId", "reasonCode", "attempts", "firstFailureAt",
            "lastFailureAt", "lastError", "deadLetteredAt", "state", "replays", "replayedBy", "replayedAt"}) {
            if (d.hasNonNull(f)) {
                out.printf("%-15s %s%n", f, d.get(f).asText());
            }
        }
        out.println("headers");
        d.path("headers").fields().forEachRemaining(e -> out.println("  " + e.getKey() + ": " + e.getValue().asText()));
        String body = d.path("body").asText("");
        out.println("body (" + body.length() + " characters)");
        out.println(body.length() > 2000 ? body.substring(0, 2000) + "..." : body);
    }

    private int viaApi(Args args, String what, long id, String state) {
        String base = args.get("--url", "") + "/api/v1/admin/dead-letters";
        HttpRequest.Builder request = switch (what) {
            case "list" -> HttpRequest.newBuilder(URI.create(base + "?state=" + state + "&limit=" + args.integer("--limit", 100))).GET();
            case "show" -> HttpRequest.newBuilder(URI.create(base + "/" + id)).GET();
            default -> HttpRequest.newBuilder(URI.create(base + "/" + id + "/replay")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JsonNodeFactory.instance.objectNode().put("by", args.get("--by", null)).toString()));
        };
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(Args.withToken(request).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                String code = json.path("code").asText();
                ErrorCode e = java.util.Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst().orElse(ErrorCode.INTERNAL);
                throw new GatewayException(e, json.path("detail").asText(r.body()));
            }
            switch (what) {
                case "list" -> {
                    header();
                    json.forEach(this::row);
                    out.println(json.size() + " dead letter(s)");
                }
                case "show" -> show(json);
                default -> out.println("REPLAYED " + id + " by " + json.path("replayedBy").asText() + "; back on " + json.path("queue").asText());
            }
            return 0;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new Args.UsageException("cannot reach " + args.get("--url", "") + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
