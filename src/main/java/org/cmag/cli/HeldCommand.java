package org.cmag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.held.ManualRelease;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.HeldStore;

/** {@code held list|show|release|reject}: the manual-release queue of a gateway, on its database or over its API. */
final class HeldCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar held list [--status HELD|RELEASING|RELEASED|REJECTED|ALL] [--limit N] [CONNECTION]
              java -jar target/cmag.jar held show ID [CONNECTION]
              java -jar target/cmag.jar held release ID --by NAME [--mask] [CONNECTION]
              java -jar target/cmag.jar held reject ID --by NAME --reason TEXT [CONNECTION]

            Messages the agreement holds for manual release (freeText: hold): personal data found in free text.
            list     held messages, oldest first (default: those still HELD)
            show     one held message with its findings: element, kind and the flagged text
            release  send it: sealed (sign, encrypt, record, enqueue) like any message; --mask replaces the
                     findings first, as freeText: mask would
            reject   never send it; the national system sees REJECTED with the reason
            CONNECTION:
              --url URL   act through a running gateway's API (e.g. http://127.0.0.1:8480); a release is sent at once
            Without --url the database the gateway's configuration names is used (same --config/--set as start):
            a release is recorded as RELEASING and the gateway seals and queues it within
            gateway.held.dispatch-seconds (at its next start if it is stopped). An embedded H2 database is
            locked while its gateway runs: use --url then.
            Exit codes: 0 done, 2 bad usage or refused (e.g. held_not_pending when already released or rejected).
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    HeldCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--status", "--limit", "--by", "--reason", "--config", "--set", "--url"), Set.of("--mask"));
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        String what = args.positional().get(0);
        if (!Set.of("list", "show", "release", "reject").contains(what)) {
            throw new Args.UsageException("held takes list, show, release or reject, not '" + what + "'");
        }
        String id = what.equals("list") ? null : id(args);
        if (what.equals("release") || what.equals("reject")) {
            args.require("--by");
        }
        if (what.equals("reject")) {
            args.require("--reason");
        }
        if (args.has("--url")) {
            return viaApi(args, what, id);
        }
        GatewayConfig config = StartCommand.config(args);
        try (Database db = StartCommand.database(config)) {
            HeldStore store = new HeldStore(db, new AuditLog(db, Clock.systemUTC()));
            ManualRelease release = new ManualRelease(store, null, null, new SecureXml(), Clock.systemUTC());
            switch (what) {
                case "list" -> list(store.list(status(args), args.integer("--limit", 100)));
                case "show" -> show(release.json(store.require(id), true));
                case "release" -> {
                    release.approve(id, args.get("--by", null), args.has("--mask") ? HeldStore.Mode.MASK : HeldStore.Mode.AS_IS);
                    out.println("RELEASING " + id + " - approved by " + args.get("--by", null)
                            + "; the gateway seals and queues it (within gateway.held.dispatch-seconds while it runs)");
                }
                default -> {
                    release.reject(id, args.get("--by", null), args.get("--reason", null));
                    out.println("REJECTED " + id + " by " + args.get("--by", null) + " - it will never be sent");
                }
            }
            return 0;
        }
    }

    private static String id(Args args) {
        if (args.positional().size() < 2) {
            throw new Args.UsageException("held " + args.positional().get(0) + " needs the held message id");
        }
        return args.positional().get(1);
    }

    private static String status(Args args) {
        String s = args.get("--status", "HELD").toUpperCase(Locale.ROOT);
        if (!Set.of("HELD", "RELEASING", "RELEASED", "REJECTED", "ALL").contains(s)) {
            throw new Args.UsageException("--status takes HELD, RELEASING, RELEASED, REJECTED or ALL");
        }
        return s.equals("ALL") ? null : s;
    }

    private void list(List<HeldStore.Held> held) {
        out.printf("%-44s %-7s %-20s %-10s %-24s %s%n", "MESSAGE", "PARTNER", "TYPE", "STATUS", "HELD AT", "FINDINGS");
        for (HeldStore.Held h : held) {
            out.printf("%-44s %-7s %-20s %-10s %-24s %s%n", h.messageId(), h.partnerId(), h.messageType(), h.status(), h.heldAt(),
                    h.findings().stream().map(HeldStore.Finding::kind).distinct().toList());
        }
        out.println(held.size() + " held message(s)");
    }

    private void show(JsonNode h) {
        for (String f : new String[] {"messageId", "caseId", "partner", "messageType", "requestType", "legalBasis", "purpose", "status",
            "heldAt", "submittedBy", "decidedBy", "decidedAt", "releaseMode", "reason"}) {
            if (h.hasNonNull(f)) {
                out.printf("%-12s %s%n", f, h.get(f).asText());
            }
        }
        out.println("findings");
        for (JsonNode f : h.get("findings")) {
            out.println("  " + f.path("kind").asText() + " in " + f.path("pointer").asText());
            if (f.has("text")) {
                out.println("    text: " + f.get("text").asText());
            }
        }
    }

    private int viaApi(Args args, String what, String id) {
        String base = args.get("--url", "") + "/api/v1/held";
        HttpRequest.Builder request;
        if (what.equals("list")) {
            String s = status(args);
            request = HttpRequest.newBuilder(URI.create(base + "?status=" + (s == null ? "ALL" : s) + "&limit=" + args.integer("--limit", 100)))
                    .GET();
        } else {
            String path = base + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
            if (what.equals("show")) {
                request = HttpRequest.newBuilder(URI.create(path)).GET();
            } else {
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("by", args.get("--by", null));
                if (what.equals("release")) {
                    body.put("mode", args.has("--mask") ? "mask" : "as-is");
                } else {
                    body.put("reason", args.get("--reason", null));
                }
                request = HttpRequest.newBuilder(URI.create(path + "/" + what)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            }
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(Args.withToken(request).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                String code = json.path("code").asText();
                ErrorCode e = java.util.Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst()
                        .orElse(ErrorCode.INTERNAL);
                throw new GatewayException(e, json.path("detail").asText(r.body()));
            }
            if (what.equals("show")) {
                show(json);
            } else {
                out.println(json.toPrettyString());
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
