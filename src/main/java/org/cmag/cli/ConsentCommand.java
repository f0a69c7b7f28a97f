package org.cmag.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.transfer.ManualConsents;

/** {@code consent record|list}: written consents to onward transfer, and the consents a gateway holds. */
final class ConsentCommand {
    static final String HELP = """
            Usage:
              java -jar target/cmag.jar consent record --from ID --to ID --message MESSAGE-ID --reference TEXT --by NAME
                                                       [--url URL | --config DIR --set KEY=VALUE]
              java -jar target/cmag.jar consent list [--config DIR --set KEY=VALUE]

            record  a written consent a legal officer obtained outside the gateway: administration --from (which supplied
                    the data in message --message) allows it to go to administration --to. --reference names the letter or
                    form, --by the officer recording it. The message must be in the received-data register (not purged).
                    Afterwards the gateway lets that data go to --to (see onward_transfer_not_permitted).
            list    every consent: manual ones and the ONWARD_TRANSFER consent requests sent over the exchange with
                    the partner's decision (REQUESTED until it arrives)
              --url URL   record through a running gateway's API (POST /api/v1/consents)
            Without --url the database the gateway's configuration names is used (same --config/--set as start);
            an embedded H2 database is locked while its gateway runs: use --url then.
            """;

    private final PrintStream out;

    ConsentCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--from", "--to", "--message", "--reference", "--by", "--config", "--set", "--url"), Set.of());
        if (args.help() || args.positional().isEmpty()) {
            out.print(HELP);
            return args.help() ? 0 : 2;
        }
        String what = args.positional().get(0);
        if (!what.equals("record") && !what.equals("list")) {
            throw new Args.UsageException("consent takes record or list, not '" + what + "'");
        }
        ManualConsents.Request request = what.equals("record") ? new ManualConsents.Request(args.require("--from"), args.require("--to"),
                args.require("--message"), args.require("--reference"), args.require("--by")) : null;
        if (args.has("--url")) {
            if (request == null) {
                throw new Args.UsageException("consent list reads the database; --url is for consent record");
            }
            return viaApi(args.get("--url", ""), request);
        }
        GatewayConfig config = StartCommand.config(args);
        try (Database db = StartCommand.database(config)) {
            ReceivedDataRegister register = new ReceivedDataRegister(db, new AuditLog(db, Clock.systemUTC()));
            if (request != null) {
                ReceivedDataRegister.Consent c = new ManualConsents(register, Clock.systemUTC()).record(request);
                out.println("recorded consent " + c.consentId() + ": " + c.supplierId() + " allows what message " + c.messageRef()
                        + " carried to go to " + c.recipientId() + " (reference " + c.reference() + ", recorded by " + c.recordedBy() + ")");
                return 0;
            }
            out.printf("%-44s %-8s %-5s %-5s %-44s %s%n", "CONSENT", "KIND", "FROM", "TO", "MESSAGE", "STATUS");
            for (ReceivedDataRegister.Consent c : register.consents()) {
                out.printf("%-44s %-8s %-5s %-5s %-44s %s%n", c.consentId(), c.kind(), c.supplierId(), c.recipientId(), c.messageRef(),
                        c.status());
            }
            return 0;
        }
    }

    private int viaApi(String base, ManualConsents.Request r) {
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("from", r.from()).put("to", r.to())
                .put("messageRef", r.messageRef()).put("reference", r.reference()).put("recordedBy", r.recordedBy());
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(Args.withToken(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(base + "/api/v1/consents"))).timeout(java.time.Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json.toString(), StandardCharsets.UTF_8)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            var answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            if (response.statusCode() != 201) {
                ErrorCode code = java.util.Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(answer.path("code").asText()))
                        .findFirst().orElse(ErrorCode.INVALID_FIELD);
                throw new GatewayException(code, answer.path("detail").asText(response.body()), answer.path("pointer").asText(null));
            }
            out.println(answer.toPrettyString());
            return 0;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new Args.UsageException("cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
