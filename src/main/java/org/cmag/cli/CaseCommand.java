package org.cmag.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseState;
import org.cmag.cases.CaseStateMachine;
import org.cmag.cases.CaseStore;
import org.cmag.cases.CaseTransition;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditLog;
import org.cmag.store.LegalHolds;
import org.cmag.store.Database;

/** {@code case list|show}: the assistance cases of a gateway, read from its database (also while it runs). */
final class CaseCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar case list [--partner ID] [--state STATE] [--limit N] [--url URL | --config DIR --set KEY=VALUE]
              java -jar target/cmag.jar case show CASE-ID [--url URL | --config DIR --set KEY=VALUE]
              java -jar target/cmag.jar case hold --case ID --reason TEXT [--by NAME] [--config DIR --set KEY=VALUE]
              java -jar target/cmag.jar case release-hold --case ID [--by NAME] [--config DIR --set KEY=VALUE]

            list  the gateway's assistance cases, newest first: reference, our side, partner, request type, state,
                  OVERDUE flag and due date
            show  one case with its timeline: every transition, what caused it (message or national action), the
                  direction and who acted
            hold          place a legal hold on a case: nothing of it is purged until the hold is released
            release-hold  release it (retention applies again); both are audited with --by (default: the operator)
              --url URL   ask a running gateway's national API (e.g. http://127.0.0.1:8480)
            Without --url the database the gateway's configuration names is read (same --config/--set as start);
            an embedded H2 database is locked while its gateway runs: use --url then.
            """;

    private final PrintStream out;

    CaseCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--partner", "--state", "--limit", "--config", "--set", "--url", "--case", "--reason", "--by"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        if (args.has("--url")) {
            return viaApi(args);
        }
        GatewayConfig config = StartCommand.config(args);
        try (Database db = StartCommand.database(config)) {
            CaseStore cases = new CaseStore(db, new AuditLog(db, java.time.Clock.systemUTC()), new CaseStateMachine());
            return switch (args.positional().get(0)) {
                case "list" -> list(cases, args);
                case "show" -> show(cases, args);
                case "hold", "release-hold" -> hold(new LegalHolds(db, new AuditLog(db, java.time.Clock.systemUTC()), java.time.Clock.systemUTC()),
                        args);
                default -> throw new Args.UsageException("case takes list, show, hold or release-hold, not '" + args.positional().get(0) + "'");
            };
        }
    }

    private int viaApi(Args args) {
        String base = args.get("--url", "");
        String what = args.positional().get(0);
        String path;
        if (what.equals("list")) {
            StringBuilder q = new StringBuilder("/api/v1/cases?limit=" + args.integer("--limit", 100));
            if (args.has("--partner")) {
                q.append("&partner=").append(java.net.URLEncoder.encode(args.get("--partner", ""), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (args.has("--state")) {
                q.append("&state=").append(java.net.URLEncoder.encode(args.get("--state", ""), java.nio.charset.StandardCharsets.UTF_8));
            }
            path = q.toString();
        } else if (what.equals("show") && args.positional().size() > 1) {
            path = "/api/v1/cases/" + java.net.URLEncoder.encode(args.positional().get(1), java.nio.charset.StandardCharsets.UTF_8);
        } else {
            throw new Args.UsageException("case takes list or show CASE-ID");
        }
        try {
            var r = java.net.http.HttpClient.newHttpClient().send(Args.withToken(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)))
                    .timeout(java.time.Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            if (r.statusCode() != 200) {
                throw new GatewayException(ErrorCode.CASE_UNKNOWN.code().equals(json.path("code").asText()) ? ErrorCode.CASE_UNKNOWN
                        : ErrorCode.INVALID_FIELD, json.path("detail").asText(r.body()));
            }
            out.println(json.toPrettyString());
            return 0;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new Args.UsageException("cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int hold(LegalHolds holds, Args args) {
        String caseId = args.require("--case");
        String by = args.get("--by", "operator (cmag case)");
        LegalHolds.Hold h = args.positional().get(0).equals("hold") ? holds.place(caseId, args.require("--reason"), by) : holds.release(caseId, by);
        out.println("case " + caseId + (h.active() ? " is on legal hold since " + h.placedAt() + " (" + h.reason() + ")"
                : ": legal hold released at " + h.releasedAt() + " (placed " + h.placedAt() + " by " + h.placedBy() + ")"));
        return 0;
    }

    private int list(CaseStore cases, Args args) {
        CaseState state = null;
        if (args.has("--state")) {
            try {
                state = CaseState.valueOf(args.get("--state", "").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--state takes one of " + java.util.Arrays.toString(CaseState.values()));
            }
        }
        List<AssistanceCase> list = cases.list(args.get("--partner", null), state, args.integer("--limit", 100));
        out.printf("%-40s %-10s %-7s %-28s %-20s %-7s %s%n", "CASE", "SIDE", "PARTNER", "REQUEST TYPE", "STATE", "OVERDUE", "DUE");
        for (AssistanceCase k : list) {
            out.printf("%-40s %-10s %-7s %-28s %-20s %-7s %s%n", k.caseId(), k.role(), k.partnerId(), k.requestType(), k.state(),
                    k.overdue() ? "yes" : "no", k.dueAt() == null ? "-" : k.dueAt());
        }
        out.println(list.size() + " case(s)");
        return 0;
    }

    private int show(CaseStore cases, Args args) {
        if (args.positional().size() < 2) {
            throw new Args.UsageException("case show needs the case reference");
        }
        String id = args.positional().get(1);
        AssistanceCase k = cases.find(id).orElseThrow(() -> new GatewayException(ErrorCode.CASE_UNKNOWN, "No case " + id));
        out.println("case        " + k.caseId());
        out.println("our side    " + k.role() + " (partner " + k.partnerId() + ")");
        out.println("request     " + k.requestType() + " under " + k.legalBasis());
        out.println("purpose     " + k.purpose());
        out.println("state       " + k.state() + (k.overdue() ? " (OVERDUE)" : ""));
        out.println("due         " + (k.dueAt() == null ? "-" : k.dueAt()) + (k.postponedUntil() == null ? "" : ", postponed until " + k.postponedUntil()));
        if (k.relatedRequestId() != null) {
            out.println("related to  " + k.relatedRequestId());
        }
        out.println("timeline");
        for (CaseTransition t : cases.timeline(id)) {
            out.printf("  %2d %s %-5s %-24s %s -> %s by %s%s%n", t.seq(), t.at(), t.direction(), t.event(), t.from() == null ? "(new)" : t.from(),
                    t.to(), t.actor(), t.messageId() == null ? "" : " [" + t.messageId() + "]");
        }
        return 0;
    }
}
