package org.cmag.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cmag.cases.CaseState;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;

/**
 * The demo: NL's national system submits an assistance request; it travels to DE over REST, then over
 * SOAP; the transcript shows who sent what, each check, and the receipt digests, from the gateways' own
 * audit logs.
 */
public final class Demo {
    private static final long WAIT_MILLIS = 30_000;

    private final Path root;
    private final PrintStream out;

    public Demo(Path root, PrintStream out) {
        this.root = root;
        this.out = out;
    }

    public boolean run(byte[] request) {
        DataDirs.wipe(root.resolve("NL"));
        DataDirs.wipe(root.resolve("DE"));
        out.println("CMAG demo - two customs administrations on loopback");
        out.println("  state in " + root.toAbsolutePath());
        boolean ok;
        try (GatewayPair pair = new GatewayPair(root, Map.of()).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            out.println("  DE gateway up at " + pair.de().httpBase() + " (SOAP " + pair.de().config().get("gateway.soap.address") + ")");
            out.println("  NL gateway up at " + pair.nl().httpBase());
            out.println();
            boolean rest = round("1", "REST", pair, deNational, request);
            out.println();
            out.println("NL restarts with DE's channel set to SOAP (same journal, database and keys)");
            pair.restartNl(Partner.Channel.SOAP);
            out.println();
            boolean soap = round("2", "SOAP", pair, deNational, request);
            out.println();
            boolean conversation = conversation(pair, deNational, request);
            out.println();
            boolean refusal = refusal(pair, deNational, request);
            out.println();
            out.println("Final case states");
            for (Gateway g : List.of(pair.nl(), pair.de())) {
                for (var k : g.cases().list(null, null, 100)) {
                    out.println("  " + g.id() + "  " + k.caseId() + "  " + k.role() + "  " + k.state() + (k.overdue() ? " (OVERDUE)" : ""));
                }
            }
            out.println();
            boolean chains = chain(pair.nl()) & chain(pair.de());
            ok = rest && soap && conversation && refusal && chains;
            out.println();
            out.println(ok ? "RESULT: both messages arrived verified; the conversation and the refusal reached their states on both"
                    + " sides; both audit chains intact"
                    : "RESULT: FAILED (REST " + (rest ? "ok" : "failed") + ", SOAP " + (soap ? "ok" : "failed") + ", conversation "
                            + (conversation ? "ok" : "failed") + ", refusal " + (refusal ? "ok" : "failed") + ", audit chains "
                            + (chains ? "ok" : "broken") + ")");
        }
        return ok;
    }

    private boolean round(String n, String channel, GatewayPair pair, NationalQueue deNational, byte[] request) {
        out.println("[" + n + "] NL national system -> POST /api/v1/requests (" + channel + " channel to DE)");
        HttpResponse<String> response = pair.submit(request);
        out.println("    NL answered " + response.statusCode() + " " + response.body());
        java.util.Optional<String> accepted = GatewayPair.acceptedMessageId(response);
        if (accepted.isEmpty()) {
            return false;
        }
        String id = accepted.get();
        NationalQueue.Delivered delivered = deNational.receive(WAIT_MILLIS);
        boolean arrived = delivered != null && id.equals(delivered.messageId());
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        Optional<String> status = pair.nl().outbound().status(id);
        while (!status.equals(Optional.of("DELIVERED")) && System.currentTimeMillis() < deadline) {
            pause();
            status = pair.nl().outbound().status(id);
        }
        out.println("    NL trail:");
        print(pair.nl().audit().forMessage(id));
        out.println("    DE trail:");
        print(pair.de().audit().forMessage(id));
        if (arrived) {
            out.println("    DE national queue received " + delivered.messageId() + " (" + delivered.requestType() + ", case "
                    + delivered.caseId() + ", from " + delivered.partner() + ", " + delivered.xml().length() + " chars of verified XML)");
        } else {
            out.println("    DE national queue: nothing arrived for " + id);
        }
        boolean receipted = status.equals(Optional.of("DELIVERED"));
        out.println("    NL outbound status: " + status.orElse("unknown") + (receipted ? " (DE's signed receipt verified)" : ""));
        return arrived && receipted;
    }

    /** Request → acknowledgement → partial response → final response → closure, printed as both sides move. */
    private boolean conversation(GatewayPair pair, NationalQueue deNational, byte[] request) {
        out.println("[3] A full conversation (each case transition on both gateways as it happens)");
        String caseId = submitCase(pair, deNational, request);
        if (caseId == null) {
            return false;
        }
        Map<String, Integer> shown = new java.util.HashMap<>();
        boolean ok = awaitBoth(pair, caseId, CaseState.ACKNOWLEDGED, shown, "DE's gateway acknowledges automatically");
        ok &= step(pair, pair.de(), caseId, "{\"type\":\"PARTIAL_RESPONSE\",\"summary\":\"The exporter exists and is registered; "
                + "invoice checks continue\"}", CaseState.PARTIALLY_ANSWERED, shown, "DE's national system sends a partial response");
        ok &= step(pair, pair.de(), caseId, "{\"type\":\"FINAL_RESPONSE\",\"summary\":\"The declared value matches the exporter's "
                + "invoice\"}", CaseState.ANSWERED, shown, "DE's national system sends the final response");
        ok &= step(pair, pair.nl(), caseId, "{\"type\":\"CLOSURE_NOTICE\",\"note\":\"Thank you for your assistance\"}", CaseState.CLOSED,
                shown, "NL's national system closes the case");
        deNational.drain(300);
        return ok;
    }

    /** A second request, refused by DE's national system with a coded ground. */
    private boolean refusal(GatewayPair pair, NationalQueue deNational, byte[] request) {
        out.println("[4] A refused request");
        String caseId = submitCase(pair, deNational, request);
        if (caseId == null) {
            return false;
        }
        Map<String, Integer> shown = new java.util.HashMap<>();
        boolean ok = awaitBoth(pair, caseId, CaseState.ACKNOWLEDGED, shown, "DE's gateway acknowledges automatically");
        ok &= step(pair, pair.de(), caseId, "{\"type\":\"REFUSAL\",\"grounds\":[\"TRADE_SECRET\"],\"reason\":\"The requested invoice "
                + "details are protected as a commercial secret of the exporter\",\"scope\":\"WHOLE\"}", CaseState.REFUSED, shown,
                "DE's national system refuses (ground TRADE_SECRET)");
        return ok;
    }

    private String submitCase(GatewayPair pair, NationalQueue deNational, byte[] request) {
        HttpResponse<String> r = pair.submit(request);
        Matcher m = Pattern.compile("\"caseId\":\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() != 202 || !m.find()) {
            out.println("    NL answered " + r.statusCode() + " " + r.body());
            return null;
        }
        out.println("    NL national system submits a request: case " + m.group(1));
        deNational.receive(WAIT_MILLIS);
        return m.group(1);
    }

    private boolean step(GatewayPair pair, Gateway from, String caseId, String json, CaseState expected, Map<String, Integer> shown,
            String what) {
        HttpResponse<String> r = pair.post(from.httpBase() + "/api/v1/cases/" + caseId + "/messages", "application/json",
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (r.statusCode() != 202) {
            out.println("    " + what + ": " + r.statusCode() + " " + r.body());
            return false;
        }
        return awaitBoth(pair, caseId, expected, shown, what);
    }

    private boolean awaitBoth(GatewayPair pair, String caseId, CaseState expected, Map<String, Integer> shown, String what) {
        out.println("    " + what);
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        boolean reached = false;
        while (!reached && System.currentTimeMillis() < deadline) {
            reached = pair.nl().cases().find(caseId).map(k -> k.state() == expected).orElse(false)
                    && pair.de().cases().find(caseId).map(k -> k.state() == expected).orElse(false);
            if (!reached) {
                pause();
            }
        }
        for (Gateway g : List.of(pair.nl(), pair.de())) {
            var timeline = g.cases().timeline(caseId);
            for (var t : timeline.subList(Math.min(shown.getOrDefault(g.id(), 0), timeline.size()), timeline.size())) {
                out.println("      " + g.id() + " case " + (t.from() == null ? "opened" : t.from()) + " -> " + t.to() + "  (" + t.event() + ", "
                        + t.direction() + ", by " + t.actor() + ")");
            }
            shown.put(g.id(), timeline.size());
        }
        if (!reached) {
            out.println("      did not reach " + expected + " on both sides");
        }
        return reached;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(List<AuditRecord> records) {
        for (AuditRecord r : records) {
            var e = r.event();
            StringBuilder line = new StringBuilder("      #").append(r.seq()).append(' ').append(e.type()).append(' ').append(e.outcome());
            if (e.actor() != null) {
                line.append(" by ").append(e.actor());
            }
            if (e.detail() != null) {
                line.append(" - ").append(e.detail());
            }
            if (e.messageDigest() != null) {
                line.append(" [sha256 ").append(e.messageDigest(), 0, 16).append("...]");
            }
            out.println(line);
        }
    }

    private boolean chain(Gateway g) {
        Optional<String> problem = g.audit().verifyChain();
        out.println("Audit chain of " + g.id() + ": " + problem.map(p -> "BROKEN - " + p)
                .orElse("intact (" + g.audit().all().size() + " records, every hash recomputed)"));
        return problem.isEmpty();
    }
}
