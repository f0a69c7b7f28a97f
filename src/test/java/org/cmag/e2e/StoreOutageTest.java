package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.ServiceStatus;
import org.cmag.gateway.Gateway;
import org.cmag.store.AuditRecord;
import org.cmag.testing.PostgresCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on a PostgreSQL cluster of the test's own, which the test stops (immediately, like a crash) and starts
 * again: requests are refused {@code 503 storage_unavailable} within the configured bound, /health says DOWN at once and
 * never hangs, liveness stays 200 and readiness 503, the queue consumers are suspended; once the database is back
 * everything is UP again and every refusal made during the outage is in the audit chain exactly once, the chain intact.
 */
class StoreOutageTest {
    /** The specified bound of a refusal with the database gone (gateway.db.timeout-ms 2 s, plus margin): not a speed claim. */
    static final Duration REFUSAL_BOUND = Duration.ofSeconds(5);
    /** /health must answer within a second, whatever the stores do. */
    static final Duration HEALTH_BOUND = Duration.ofSeconds(1);

    @TempDir
    Path root;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    record Timed(HttpResponse<String> response, long millis) {
    }

    Timed send(HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
    }

    HttpRequest post(String url, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build();
    }

    static void requirePostgres() {
        if (!PostgresCluster.available()) {
            System.err.println("\n*** PostgreSQL server binaries absent (/usr/lib/postgresql/*/bin) - StoreOutageTest SKIPPED ***\n");
            Assumptions.abort("no PostgreSQL server binaries");
        }
    }

    byte[] example() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void withTheDatabaseGoneRequestsAreRefusedFastHealthIsDownAndTheRefusalsAreAuditedOnceItIsBack() throws Exception {
        requirePostgres();
        byte[] request = example();
        try (PostgresCluster pg = PostgresCluster.create("outage")) {
            pg.start();
            pg.createDatabase("cmag");
            OneGateway one = new OneGateway(root, Map.of("gateway.db.url", pg.jdbcUrl("cmag"), "gateway.db.user", "postgres",
                    "gateway.db.password", ""));
            try (Gateway gw = Gateway.start(one.config)) {
                String base = one.base();
                assertThat(send(get(base + "/health")).response().body()).contains("\"status\":\"UP\"").contains("\"started\":true");
                assertThat(send(get(base + "/health/ready")).response().statusCode()).isEqualTo(200);
                Timed accepted = send(post(base + "/api/v1/requests", "application/json", request));
                assertThat(accepted.response().statusCode()).as(accepted.response().body()).isEqualTo(202);

                // --- the database dies ---
                pg.stop(true);
                long stopped = System.nanoTime();
                List<Long> refusalMillis = new ArrayList<>();
                // at once: the probe has not seen it yet, so this one waits on the pool (gateway.db.timeout-ms)
                var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return send(post(base + "/api/v1/requests", "application/json", request));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                List<Long> healthMillis = new ArrayList<>();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    Timed h = send(get(base + "/health"));
                    healthMillis.add(h.millis());
                    return h.response().statusCode() == 503 && h.response().body().contains("\"database\":\"DOWN\"");
                });
                long detectedMillis = (System.nanoTime() - stopped) / 1_000_000;
                Timed firstRefusal = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertStorageUnavailable(firstRefusal);
                refusalMillis.add(firstRefusal.millis());
                for (int i = 0; i < 3; i++) {
                    Timed h = send(get(base + "/health"));
                    healthMillis.add(h.millis());
                    assertThat(h.response().body()).contains("\"status\":\"DOWN\"").contains("\"broker\":\"UP\"");
                }
                assertThat(healthMillis).as("every /health answer within a second").allSatisfy(ms -> assertThat(ms).isLessThan(HEALTH_BOUND.toMillis()));

                // the probe has seen it: refused at once, nothing waits on the pool
                for (int i = 0; i < 2; i++) {
                    Timed t = send(post(base + "/api/v1/requests", "application/json", request));
                    assertStorageUnavailable(t);
                    refusalMillis.add(t.millis());
                }
                // the partner doors: REST problem+json, SOAP the coded fault
                Timed rest = send(post(one.partnerBase() + "/exchange/v1/messages", "application/xml", "<ExchangeMessage/>".getBytes(StandardCharsets.UTF_8)));
                assertStorageUnavailable(rest);
                Timed soap = send(HttpRequest.newBuilder(URI.create(one.config.get("gateway.soap.address"))).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:cmag:exchange:1:Submit\"")
                        .POST(HttpRequest.BodyPublishers.ofString("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                                + "<soap:Body><x:ExchangeMessage xmlns:x=\"urn:cmag:exchange:1\"/></soap:Body></soap:Envelope>")).build());
                assertThat(soap.response().statusCode()).isEqualTo(500);
                assertThat(soap.response().body()).contains("Fault").contains("<err:Code>storage_unavailable</err:Code>");
                assertThat(soap.millis()).isLessThan(REFUSAL_BOUND.toMillis());
                int refusals = refusalMillis.size() + 2;

                assertThat(send(get(base + "/health/live")).response().statusCode()).isEqualTo(200);
                Timed ready = send(get(base + "/health/ready"));
                assertThat(ready.response().statusCode()).isEqualTo(503);
                assertThat(ready.response().body()).contains("\"database\":\"DOWN\"");
                await().atMost(Duration.ofSeconds(15)).until(() -> gw.camelContext().getRouteController()
                        .getRouteStatus("inbound-exchange-process") == ServiceStatus.Suspended
                        && gw.camelContext().getRouteController().getRouteStatus("outbound-delivery-DE") == ServiceStatus.Suspended);

                System.out.printf("StoreOutageTest: refusals with the database down took %s ms (the first sent before the probe saw it), "
                        + "partner REST %d ms, SOAP %d ms; /health said DOWN %d ms after the server stopped and took at most %d ms over %d calls%n",
                        refusalMillis, rest.millis(), soap.millis(), detectedMillis, healthMillis.stream().mapToLong(Long::longValue).max().orElse(-1),
                        healthMillis.size());
                assertThat(refusalMillis).allSatisfy(ms -> assertThat(ms).isLessThan(REFUSAL_BOUND.toMillis()));

                // --- the database is back ---
                long back = System.nanoTime();
                pg.start();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> send(get(base + "/health")).response().body().contains("\"status\":\"UP\""));
                System.out.printf("StoreOutageTest: UP again %d ms after the server was started again%n", (System.nanoTime() - back) / 1_000_000);
                assertThat(send(get(base + "/health/ready")).response().statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).until(() -> gw.camelContext().getRouteController()
                        .getRouteStatus("inbound-exchange-process") == ServiceStatus.Started
                        && gw.camelContext().getRouteController().getRouteStatus("outbound-delivery-DE") == ServiceStatus.Started);

                // every refusal of the outage is in the chain, exactly once, with its spool id; the chain verifies
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(outageRefusals(gw)).extracting(r -> r.event().type() + " " + r.event().detail()).hasSize(refusals));
                List<AuditRecord> audited = outageRefusals(gw);
                Set<String> spoolIds = new HashSet<>();
                for (AuditRecord r : audited) {
                    assertThat(r.event().detail()).startsWith("[spool ");
                    spoolIds.add(r.event().detail().substring(7, r.event().detail().indexOf(' ', 7)));
                }
                assertThat(spoolIds).as("each refusal once").hasSize(refusals);
                assertThat(audited).extracting(r -> r.event().type())
                        .containsExactlyInAnyOrder("submission-rejected", "submission-rejected", "submission-rejected", "message-rejected", "message-rejected");
                assertThat(gw.audit().verifyChain()).isEmpty();

                Timed again = send(post(base + "/api/v1/requests", "application/json", request));
                assertThat(again.response().statusCode()).as(again.response().body()).isEqualTo(202);
            } catch (AssertionError | RuntimeException e) {
                System.err.println("PostgreSQL server log:\n" + pg.log());
                throw e;
            }
        }
    }

    /**
     * A server that stops answering without closing anything (a hung host; here SIGSTOP): requests in flight are answered
     * storage_unavailable within the bound (each waits on the pool at most once: once the probe has seen it, the rest of
     * their work fails at once), /health goes DOWN without hanging, later requests are refused at once; after the thaw
     * every refusal is in the chain once.
     */
    @Test
    void aServerThatStopsAnsweringHoldsNoRequestPastTheBound() throws Exception {
        requirePostgres();
        byte[] request = example();
        try (PostgresCluster pg = PostgresCluster.create("silent")) {
            pg.start();
            pg.createDatabase("cmag");
            OneGateway one = new OneGateway(root, Map.of("gateway.db.url", pg.jdbcUrl("cmag"), "gateway.db.user", "postgres",
                    "gateway.db.password", ""));
            try (Gateway gw = Gateway.start(one.config)) {
                String base = one.base();
                assertThat(send(post(base + "/api/v1/requests", "application/json", request)).response().statusCode()).isEqualTo(202);

                pg.freeze();
                long frozen = System.nanoTime();
                List<java.util.concurrent.CompletableFuture<Timed>> inFlight = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    inFlight.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return send(post(base + "/api/v1/requests", "application/json", request));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                List<Long> healthMillis = new ArrayList<>();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    Timed h = send(get(base + "/health"));
                    healthMillis.add(h.millis());
                    return h.response().body().contains("\"database\":\"DOWN\"");
                });
                long detectedMillis = (System.nanoTime() - frozen) / 1_000_000;
                Timed later = send(post(base + "/api/v1/requests", "application/json", request));
                assertStorageUnavailable(later);
                List<Long> inFlightMillis = new ArrayList<>();
                for (var f : inFlight) {
                    Timed t = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertStorageUnavailable(t);
                    inFlightMillis.add(t.millis());
                }
                assertThat(healthMillis).allSatisfy(ms -> assertThat(ms).isLessThan(HEALTH_BOUND.toMillis()));
                System.out.printf("StoreOutageTest (silent server): in flight answered after %s ms, the next one after %d ms; /health said DOWN "
                        + "%d ms after the freeze and took at most %d ms over %d calls%n", inFlightMillis, later.millis(), detectedMillis,
                        healthMillis.stream().mapToLong(Long::longValue).max().orElse(-1), healthMillis.size());

                pg.thaw();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> send(get(base + "/health")).response().body().contains("\"status\":\"UP\""));
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> outageRefusals(gw).size() == 4);
                await().atMost(Duration.ofSeconds(30)).until(() -> gw.camelContext().getRouteController()
                        .getRouteStatus("inbound-exchange-process") == ServiceStatus.Started
                        && gw.camelContext().getRouteController().getRouteStatus("outbound-delivery-DE") == ServiceStatus.Started);
                assertThat(outageRefusals(gw)).extracting(r -> r.event().type()).containsOnly("submission-rejected");
                assertThat(gw.audit().verifyChain()).isEmpty();
                assertThat(send(post(base + "/api/v1/requests", "application/json", request)).response().statusCode()).isEqualTo(202);
            } catch (AssertionError | RuntimeException e) {
                System.err.println("PostgreSQL server log:\n" + pg.log());
                throw e;
            }
        }
    }

    /** The refusals answered storage_unavailable (a delivery attempt that failed on the database meanwhile is no refusal). */
    private static List<AuditRecord> outageRefusals(Gateway gw) {
        return gw.audit().all().stream().filter(r -> "storage_unavailable".equals(r.event().errorCode())
                && (r.event().type().equals("submission-rejected") || r.event().type().equals("message-rejected"))).toList();
    }

    private static void assertStorageUnavailable(Timed t) {
        HttpResponse<String> r = t.response();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(r.body()).contains("\"code\":\"storage_unavailable\"");
        assertThat(t.millis()).as("refused within the bound").isLessThan(REFUSAL_BOUND.toMillis());
    }
}
