package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import com.sun.net.httpserver.HttpServer;
import org.cmag.cli.Cli;
import org.cmag.demo.GatewayPair;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters end to end, with a broker configuration of 3 attempts 100 ms apart ({@code gateway.broker.config}): a
 * national callback that keeps failing and a partner that is down both end as dead letters with their reason, attempts,
 * first and last failure and last error, audited; an operator lists, inspects and replays them over the admin API and the
 * CLI, and the replayed messages are delivered once the other side is back - the callback with the same key and bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    GatewayPair pair;
    HttpServer callback;
    final AtomicInteger answer = new AtomicInteger(503);
    final ConcurrentLinkedQueue<String[]> calls = new ConcurrentLinkedQueue<>();
    byte[] example;

    @BeforeAll
    void start() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        callback.createContext("/national", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = answer.get();
            calls.add(new String[] {ex.getRequestHeaders().getFirst("Idempotency-Key"), org.cmag.crypto.Digests.sha256Hex(body),
                    String.valueOf(status)});
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        callback.start();
        Path config = Path.of(getClass().getClassLoader().getResource("broker-fast-dead-letters.xml").toURI());
        pair = new GatewayPair(root, Map.of("gateway.broker.config", config.toString(), "DE:gateway.national.callback-url",
                "http://127.0.0.1:" + callback.getAddress().getPort() + "/national")).start(Partner.Channel.REST);
    }

    @AfterAll
    void stop() {
        if (pair != null) {
            pair.close();
        }
        if (callback != null) {
            callback.stop(0);
        }
    }

    private String submit() {
        HttpResponse<String> r = pair.submit(example);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    private HttpResponse<String> admin(String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/dead-letters" + path)).timeout(Duration.ofSeconds(30));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> types(List<AuditRecord> records) {
        return records.stream().map(r -> r.event().type()).toList();
    }

    private String cli(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThat(Cli.run(args, ps, ps)).as(String.join(" ", args)).isZero();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNationalCallbackThatKeepsFailingEndsAsADeadLetterWithItsReasonAndIsDeliveredWhenReplayed() throws Exception {
        answer.set(503);
        String id = submit();
        await().atMost(WAIT).until(() -> pair.de().inbound().status(id), s -> s.equals(Optional.of("DEAD_LETTERED")));
        assertThat(calls).filteredOn(c -> id.equals(c[0])).hasSize(3);

        HttpResponse<String> list = admin(pair.de().httpBase(), "GET", "", null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode dead = null;
        for (JsonNode d : JSON.readTree(list.body())) {
            if (d.path("messageId").asText().equals(id)) {
                dead = d;
            }
        }
        assertThat(dead).as("dead letter of %s in %s", id, list.body()).isNotNull();
        assertThat(dead.path("queue").asText()).isEqualTo("gw.national.callback");
        assertThat(dead.path("reasonCode").asText()).isEqualTo("delivery_failed");
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(dead.path("lastError").asText()).contains("HTTP 503");
        assertThat(dead.path("firstFailureAt").asText()).isNotEmpty();
        assertThat(dead.path("lastFailureAt").asText()).isNotEmpty();
        long deadId = dead.path("id").asLong();
        JsonNode whole = JSON.readTree(admin(pair.de().httpBase(), "GET", "/" + deadId, null).body());
        assertThat(whole.path("headers").path("GwMessageId").asText()).isEqualTo(id);
        assertThat(whole.path("body").asText()).contains(id).doesNotContain("EncryptedData");
        assertThat(types(pair.de().audit().forMessage(id))).containsSubsequence("national-queued", "national-callback-attempt",
                "national-callback-attempt", "dead-lettered");

        // the national system is back; an operator replays it: delivered with the same key and the same bytes
        answer.set(204);
        HttpResponse<String> replay = admin(pair.de().httpBase(), "POST", "/" + deadId + "/replay", "{\"by\":\"ops on call\"}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).path("state").asText()).isEqualTo("REPLAYED");
        await().atMost(WAIT).until(() -> pair.de().inbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        assertThat(calls).filteredOn(c -> id.equals(c[0])).extracting(c -> c[1]).as("every attempt carried the same bytes").containsOnly(
                calls.stream().filter(c -> id.equals(c[0])).findFirst().orElseThrow()[1]);
        assertThat(calls).filteredOn(c -> id.equals(c[0]) && c[2].equals("204")).hasSize(1);
        assertThat(types(pair.de().audit().forMessage(id))).containsSubsequence("dead-lettered", "dead-letter-replayed", "delivered-national");
        assertThat(pair.de().audit().forMessage(id)).filteredOn(r -> r.event().type().equals("dead-letter-replayed")).singleElement()
                .satisfies(r -> assertThat(r.event().actor()).isEqualTo("ops on call"));
        // replaying it again is refused with its code
        HttpResponse<String> again = admin(pair.de().httpBase(), "POST", "/" + deadId + "/replay", "{\"by\":\"ops\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("dead_letter_not_dead");
        assertThat(admin(pair.de().httpBase(), "GET", "/999999", null).body()).contains("dead_letter_unknown");
        assertThat(pair.de().audit().verifyChain()).isEmpty();
    }

    @Test
    void aPartnerThatStaysDownMakesADeadLetterThatTheCliReplaysOnceThePartnerIsBack() throws Exception {
        answer.set(204);
        pair.stopDe();
        String id;
        try {
            id = submit();
            await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DEAD_LETTERED")));
        } finally {
            pair.startDe();
        }
        String url = pair.nl().httpBase();
        String listed = cli("dlq", "list", "--url", url);
        assertThat(listed).contains(id).contains("gw.outbound.DE").contains("delivery_failed");
        String deadId = listed.lines().filter(l -> l.contains(id)).findFirst().orElseThrow().trim().split("\\s+")[0];
        assertThat(cli("dlq", "show", deadId, "--url", url)).contains("attempts        3").contains("lastError").contains("GwPartnerId: DE");
        assertThat(types(pair.nl().audit().forMessage(id))).containsSubsequence("message-queued", "delivery-attempt", "delivery-attempt",
                "dead-lettered");

        assertThat(cli("dlq", "replay", deadId, "--by", "ops", "--url", url)).contains("REPLAYED " + deadId);
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        await().atMost(WAIT).until(() -> pair.de().inbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        assertThat(calls).filteredOn(c -> id.equals(c[0])).hasSize(1);
        assertThat(types(pair.nl().audit().forMessage(id))).containsSubsequence("dead-lettered", "dead-letter-replayed", "receipt-verified");
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
    }
}
