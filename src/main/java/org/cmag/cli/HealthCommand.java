package org.cmag.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** {@code health}: asks a running gateway's health endpoint; exit 0 only when it answers UP (container health checks). */
final class HealthCommand {
    static final String HELP = """
            Usage: java -jar target/cmag.jar health [--url URL]

            Exits 0 when the gateway at URL answers 200 {"status":"UP"} (or {"status":"READY"}) within 5 seconds,
            1 otherwise (DOWN, 503 starting while the gateway starts, no answer).
              --url URL   default http://127.0.0.1:8480/health; /health/ready asks for readiness,
                          /health/live for liveness only
            """;

    private final PrintStream out;

    HealthCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("--url"), Set.of());
        if (args.help()) {
            out.print(HELP);
            return 0;
        }
        String url = args.get("--url", "http://127.0.0.1:8480/health");
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            out.println(r.statusCode() + " " + r.body());
            return r.statusCode() == 200 && (r.body().contains("\"status\":\"UP\"") || r.body().contains("\"status\":\"READY\"")) ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            out.println("DOWN: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
