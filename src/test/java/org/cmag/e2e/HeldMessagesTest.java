package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseState;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.cmag.store.HeldStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manual release with two real gateways: both agreements in a test policies directory say {@code freeText: hold}
 * (the shipped DE/NL files say mask). A message with an e-mail address in a goods description is held unsigned at the
 * sender, released or rejected by a legal officer, and only a released one ever reaches the partner.
 */
class HeldMessagesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EMAIL = "jan.smit@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    static GatewayPair pair;
    static NationalQueue deNational;
    static NationalQueue nlNational;
    static String example;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startGateways() throws IOException {
        try (InputStream in = HeldMessagesTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path policies = Files.createDirectories(root.resolve("policies"));
        for (String id : new String[] {"DE", "NL"}) {
            String yaml = Files.readString(Path.of("policies/partners/" + id + ".yaml"));
            assertThat(yaml).contains("\nfreeText: mask\n");
            Files.writeString(policies.resolve(id + ".yaml"), yaml.replace("\nfreeText: mask\n", "\nfreeText: hold\n"));
        }
        pair = new GatewayPair(root, Map.of("gateway.policies.dir", policies.toString(), "gateway.held.dispatch-seconds", "1"))
                .start(Partner.Channel.REST);
        deNational = new NationalQueue(pair.de());
        nlNational = new NationalQueue(pair.nl());
    }

    @AfterAll
    static void stopGateways() {
        for (AutoCloseable c : new AutoCloseable[] {deNational, nlNational, pair}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void nothingLeftOver() {
        assertThat(deNational.receive(1)).as("a previous test left a national delivery behind").isNull();
        nlNational.drain(1);
    }

    private static byte[] requestWithEmail() {
        return example.replace("Bicycle frames of aluminium", "Bicycle frames of aluminium; questions to " + EMAIL)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Submits a request that the agreement holds; returns the 202 body. */
    private static JsonNode submitHeld() throws IOException {
        HttpResponse<String> r = pair.submit(requestWithEmail());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("HELD");
        assertThat(r.headers().firstValue("Location")).get().isEqualTo("/api/v1/held/" + body.get("messageId").asText());
        return body;
    }

    private static HttpResponse<String> get(Gateway g, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(g.httpBase() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> decide(Gateway g, String id, String verb, String json) {
        return pair.post(g.httpBase() + "/api/v1/held/" + id + "/" + verb, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> auditTypes(Gateway g, String id) {
        return g.audit().forMessage(id).stream().map(r -> r.event().type()).toList();
    }

    private static void assertNoPersonalValueInAudit(Gateway g) {
        assertThat(g.audit().all()).extracting(r -> String.valueOf(r.event().detail())).noneMatch(d -> d.contains(EMAIL));
        assertThat(g.audit().verifyChain()).isEmpty();
    }

    @Test
    void aHeldRequestIsNotSentUntilAnOfficerReleasesItThenArrivesOnceAndCannotBeReleasedAgain() throws Exception {
        JsonNode held = submitHeld();
        String id = held.get("messageId").asText();
        String caseId = held.get("caseId").asText();
        assertThat(held.get("findings")).singleElement().satisfies(f -> {
            assertThat(f.get("kind").asText()).isEqualTo("e-mail address");
            assertThat(f.get("pointer").asText()).endsWith("/Commodity/Description");
        });
        assertThat(held.has("digest")).as("nothing was sealed").isFalse();

        // nothing signed, queued, sent; no case at either side
        assertThat(pair.nl().outbound().status(id)).isEmpty();
        assertThat(pair.nl().cases().find(caseId)).isEmpty();
        assertThat(deNational.receive(1000)).isNull();
        assertThat(pair.de().cases().find(caseId)).isEmpty();
        assertThat(auditTypes(pair.nl(), id)).containsExactly("submission-received", "message-translated", "policy-applied",
                "held-for-release");
        assertThat(pair.nl().audit().forMessage(id)).last().satisfies(r -> assertThat(r.event().detail())
                .contains("e-mail address in /ExchangeMessage/Body/AssistanceRequest/Declaration/GoodsShipment"));

        // the officer lists and reads it, flagged text included
        HttpResponse<String> list = get(pair.nl(), "/api/v1/held");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).findValuesAsText("messageId")).contains(id);
        HttpResponse<String> show = get(pair.nl(), "/api/v1/held/" + id);
        assertThat(show.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(show.body()).get("findings").get(0).get("text").asText()).contains(EMAIL);

        HttpResponse<String> released = decide(pair.nl(), id, "release", "{\"by\": \"officer.a\"}");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(JSON.readTree(released.body()).get("status").asText()).isEqualTo("RELEASED");

        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        assertThat(delivered.caseId()).isEqualTo(caseId);
        assertThat(delivered.xml()).as("released as-is").contains(EMAIL);
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        assertThat(pair.nl().cases().find(caseId)).as("the case opens when the request is released").isPresent();
        assertThat(auditTypes(pair.nl(), id)).containsSubsequence("held-for-release", "held-released", "message-sealed", "message-queued",
                "case-opened", "receipt-verified");
        assertThat(pair.nl().audit().forMessage(id)).filteredOn(r -> r.event().type().equals("held-released")).singleElement()
                .satisfies(r -> assertThat(r.event().actor()).isEqualTo("officer.a"));

        HttpResponse<String> again = decide(pair.nl(), id, "release", "{\"by\": \"officer.b\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"code\":\"held_not_pending\"").contains("officer.a");
        HttpResponse<String> rejectAfter = decide(pair.nl(), id, "reject", "{\"by\": \"officer.b\", \"reason\": \"too late\"}");
        assertThat(rejectAfter.statusCode()).isEqualTo(409);
        assertThat(deNational.receive(1000)).as("delivered once").isNull();
        assertNoPersonalValueInAudit(pair.nl());
    }

    @Test
    void aRejectedRequestNeverArrivesAndTheNationalSystemSeesTheOutcome() throws Exception {
        String id = submitHeld().get("messageId").asText();

        HttpResponse<String> rejected = decide(pair.nl(), id, "reject", "{\"by\": \"officer.b\", \"reason\": \"personal data not needed\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(get(pair.nl(), "/api/v1/held/" + id).body());
        assertThat(outcome.get("status").asText()).isEqualTo("REJECTED");
        assertThat(outcome.get("decidedBy").asText()).isEqualTo("officer.b");
        assertThat(outcome.get("reason").asText()).isEqualTo("personal data not needed");

        HttpResponse<String> release = decide(pair.nl(), id, "release", "{\"by\": \"officer.a\"}");
        assertThat(release.statusCode()).isEqualTo(409);
        assertThat(release.body()).contains("\"code\":\"held_not_pending\"").contains("REJECTED");
        assertThat(deNational.receive(1500)).isNull();
        assertThat(pair.nl().outbound().status(id)).isEmpty();
        assertThat(auditTypes(pair.nl(), id)).contains("held-rejected").doesNotContain("message-sealed");
        assertThat(auditTypes(pair.nl(), id)).contains("held-action-refused");

        HttpResponse<String> unknown = decide(pair.nl(), "NL-nope", "release", "{\"by\": \"officer.a\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"held_message_unknown\"");
        HttpResponse<String> nobody = decide(pair.nl(), id, "reject", "{\"reason\": \"x\"}");
        assertThat(nobody.statusCode()).isEqualTo(400);
        assertThat(nobody.body()).contains("\"code\":\"missing_field\"").contains("\"pointer\":\"/by\"");
    }

    @Test
    void twoOfficersReleasingAtOnceSendTheMessageOnce() throws Exception {
        String id = submitHeld().get("messageId").asText();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> both = List.of(() -> decide(pair.nl(), id, "release", "{\"by\": \"officer.a\"}").statusCode(),
                    () -> decide(pair.nl(), id, "release", "{\"by\": \"officer.b\"}").statusCode());
            List<Integer> codes = new java.util.ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(both)) {
                codes.add(f.get());
            }
            assertThat(codes).containsExactlyInAnyOrder(200, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(deNational.receive(WAIT.toMillis())).extracting(NationalQueue.Delivered::messageId).isEqualTo(id);
        assertThat(deNational.receive(1500)).isNull();
        assertThat(auditTypes(pair.nl(), id)).filteredOn("held-released"::equals).hasSize(1);
    }

    @Test
    void anOfficerCanReleaseWithMaskingAndTheFindingLeavesMasked() throws Exception {
        String id = submitHeld().get("messageId").asText();
        HttpResponse<String> released = decide(pair.nl(), id, "release", "{\"by\": \"officer.a\", \"mode\": \"mask\"}");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered.messageId()).isEqualTo(id);
        assertThat(delivered.xml()).doesNotContain(EMAIL).contains("questions to [E-MAIL-ADDRESS]");
    }

    @Test
    void aReleaseApprovedOnTheDatabaseIsSentByTheGatewaysDispatcher() throws Exception {
        String id = submitHeld().get("messageId").asText();
        // what `cmag held release ID --by NAME` does without --url
        new org.cmag.held.ManualRelease(new HeldStore(pair.nl().database(), pair.nl().audit()), pair.nl().registry(),
                null, null, java.time.Clock.systemUTC()).approve(id, "officer.c", HeldStore.Mode.AS_IS);

        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        assertThat(pair.nl().audit().forMessage(id)).filteredOn(r -> r.event().type().startsWith("held-"))
                .extracting(r -> r.event().type(), r -> r.event().actor()).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("held-for-release", "gateway"),
                        org.assertj.core.groups.Tuple.tuple("held-release-approved", "officer.c"),
                        org.assertj.core.groups.Tuple.tuple("held-released", "officer.c"));
    }

    @Test
    void aHeldAnswerLeavesTheCaseAsItIsUntilReleased() throws Exception {
        HttpResponse<String> plain = pair.submit(example.getBytes(StandardCharsets.UTF_8));
        assertThat(plain.statusCode()).as("no personal data in free text: sent at once").isEqualTo(202);
        assertThat(plain.body()).contains("\"status\":\"QUEUED\"");
        NationalQueue.Delivered request = deNational.receive(WAIT.toMillis());
        String caseId = request.caseId();
        await().atMost(WAIT).until(() -> pair.nl().cases().find(caseId).map(AssistanceCase::state).orElse(null),
                s -> s == CaseState.ACKNOWLEDGED);

        HttpResponse<String> answer = pair.post(pair.de().httpBase() + "/api/v1/cases/" + caseId + "/messages", "application/json",
                ("{\"type\":\"PARTIAL_RESPONSE\",\"summary\":\"Invoice lines\",\"declarations\":[{\"functionalReferenceID\":\"DE-EXP-1\","
                        + "\"goodsShipment\":{\"governmentAgencyGoodsItem\":[{\"sequenceNumeric\":\"1\",\"commodity\":{\"description\":"
                        + "\"Frames, contact +49 421 7654321\"}}]}}]}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode held = JSON.readTree(answer.body());
        assertThat(held.get("status").asText()).isEqualTo("HELD");
        String id = held.get("messageId").asText();
        assertThat(pair.de().cases().find(caseId).orElseThrow().state()).isEqualTo(CaseState.ACKNOWLEDGED);
        assertThat(nlNational.drain(1000)).extracting(NationalQueue.Delivered::messageId).doesNotContain(id);
        assertThat(pair.nl().cases().find(caseId).orElseThrow().state()).isEqualTo(CaseState.ACKNOWLEDGED);

        HttpResponse<String> released = decide(pair.de(), id, "release", "{\"by\": \"beamtin.d\"}");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(pair.de().cases().find(caseId).orElseThrow().state()).isEqualTo(CaseState.PARTIALLY_ANSWERED);
        await().atMost(WAIT).until(() -> pair.nl().cases().find(caseId).map(AssistanceCase::state).orElse(null),
                s -> s == CaseState.PARTIALLY_ANSWERED);
        List<AuditRecord> records = pair.de().audit().forMessage(id);
        assertThat(records).extracting(r -> r.event().type()).containsSubsequence("held-for-release", "held-released", "case-transition");
        assertNoPersonalValueInAudit(pair.de());
    }

    @Test
    void theCliActsThroughARunningGatewaysApi() throws Exception {
        String id = submitHeld().get("messageId").asText();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
        String url = pair.nl().httpBase();

        assertThat(org.cmag.cli.Cli.run(new String[] {"held", "show", id, "--url", url}, out, out)).as(bytes.toString()).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("status       HELD").contains("text: Bicycle frames of aluminium; questions to "
                + EMAIL);
        assertThat(org.cmag.cli.Cli.run(new String[] {"held", "release", id, "--by", "officer.e", "--url", url}, out, out))
                .as(bytes.toString()).isZero();
        assertThat(deNational.receive(WAIT.toMillis())).extracting(NationalQueue.Delivered::messageId).isEqualTo(id);
        bytes.reset();
        assertThat(org.cmag.cli.Cli.run(new String[] {"held", "reject", id, "--by", "officer.f", "--reason", "x", "--url", url}, out, out))
                .isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("error held_not_pending");
    }
}
