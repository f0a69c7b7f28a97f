package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.cmag.gateway.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that polls a gateway while it starts, as fast as it can: before the listener exists the connection is refused;
 * from the moment it listens until every route is up (the YAML routes and the per-partner delivery routes added after
 * them) it gets 503 {@code starting} problem+json with Retry-After, and liveness 200; after that real answers. Never
 * Vert.x's 404 HTML page.
 */
class StartupGateTest {
    @TempDir
    Path root;

    record Seen(String what, int status, String contentType, String retryAfter, String body) {
        boolean starting() {
            return status == 503 && body.contains("\"code\":\"starting\"");
        }
    }

    @Test
    void everyAnswerWhileStartingIsEither503StartingOrARealAnswerNeverA404Page() throws Exception {
        OneGateway one = new OneGateway(root, Map.of());
        AtomicReference<Object> result = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                result.set(Gateway.start(one.config));
            } catch (RuntimeException e) {
                result.set(e);
            }
        }, "gateway-start");
        starter.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest submit = HttpRequest.newBuilder(URI.create(one.base() + "/api/v1/requests")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(one.base() + "/health/ready")).timeout(Duration.ofSeconds(10)).GET().build();
        HttpRequest live = HttpRequest.newBuilder(URI.create(one.base() + "/health/live")).timeout(Duration.ofSeconds(10)).GET().build();
        List<Seen> seen = new ArrayList<>();
        int refusedConnections = 0;
        int realAfterStart = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try {
            while (realAfterStart < 6 && System.nanoTime() < deadline && !(result.get() instanceof RuntimeException)) {
                boolean startedBefore = result.get() != null;
                for (HttpRequest r : List.of(submit, ready, live)) {
                    try {
                        HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
                        Seen s = new Seen(r.method() + " " + r.uri().getPath(), a.statusCode(), a.headers().firstValue("Content-Type").orElse(""),
                                a.headers().firstValue("Retry-After").orElse(null), a.body());
                        seen.add(s);
                        if (startedBefore && !s.starting()) {
                            realAfterStart++;
                        }
                    } catch (IOException e) {
                        refusedConnections++; // not listening yet
                    }
                }
            }
        } finally {
            starter.join(Duration.ofMinutes(3).toMillis());
            if (result.get() instanceof Gateway g) {
                g.close();
            }
        }
        assertThat(result.get()).as("the gateway started").isInstanceOf(Gateway.class);

        long starting = seen.stream().filter(Seen::starting).count();
        System.out.printf("StartupGateTest: %d connections refused, %d answers while starting (503 starting), %d answers in all%n",
                refusedConnections, starting, seen.size());
        assertThat(seen).as("never a 404, never an HTML page").allSatisfy(s -> {
            assertThat(s.status()).as(s.toString()).isNotEqualTo(404);
            assertThat(s.contentType()).as(s.toString()).doesNotContain("text/html");
        });
        assertThat(starting).as("the listener was seen in the window before every route was up").isPositive();
        assertThat(seen).filteredOn(Seen::starting).allSatisfy(s -> {
            assertThat(s.contentType()).isEqualTo("application/problem+json");
            assertThat(s.retryAfter()).isEqualTo("1");
            assertThat(s.body()).contains("\"status\":503").contains("\"side\":\"server\"");
            assertThat(s.what()).isNotEqualTo("GET /health/live");
        });
        assertThat(seen).filteredOn(s -> !s.starting()).allSatisfy(s -> {
            switch (s.what()) {
                case "POST /api/v1/requests" -> {
                    assertThat(s.status()).as(s.toString()).isEqualTo(400);
                    assertThat(s.contentType()).isEqualTo("application/problem+json");
                }
                case "GET /health/ready" -> {
                    assertThat(s.status()).as(s.toString()).isIn(200, 503);
                    assertThat(s.contentType()).isEqualTo("application/json");
                    assertThat(s.body()).contains("\"started\":true");
                }
                default -> {
                    assertThat(s.status()).as("liveness stays 200 while starting: " + s).isEqualTo(200);
                    assertThat(s.body()).contains("\"status\":\"UP\"");
                }
            }
        });
    }
}
