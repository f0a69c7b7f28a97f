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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmag.demo.GatewayPair;
import org.cmag.identity.TestIssuer;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legal-officer audit API on two real gateways (NL, DE) in {@code gateway.auth.mode=keycloak} with a local test
 * issuer: real exchanges (one delivered, one refused), then search, paging, CSV, case timeline, chain status and the
 * evidence export over real HTTP; only the legal-officer role gets in, and every read is itself on the audit log.
 */
class AuditConsoleApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    static TestIssuer issuer;
    static GatewayPair pair;
    static String officer;
    static String caseId;
    static String messageId;

    @BeforeAll
    static void start() throws IOException {
        byte[] example;
        try (InputStream in = AuditConsoleApiTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        issuer = TestIssuer.start("cmag");
        // no timer checkpoints: chainStatusIsIntactWithTheHead writes its own and counts it
        pair = new GatewayPair(root, Map.of("gateway.auth.mode", "keycloak", "gateway.auth.issuer", issuer.issuer(), "gateway.auth.audience",
                TestIssuer.AUDIENCE, "gateway.audit.checkpoint-interval-seconds", "3600")).start(Partner.Channel.REST);
        officer = issuer.token("legal-console", "legal-officer");
        String national = issuer.token("nl-customs-system", "national-system");
        // a verification of origin: the agreement drops and pseudonymises some declaration data (what was withheld)
        HttpResponse<String> accepted = TokenAccessTest.call("POST", pair.nl().httpBase() + "/api/v1/requests", national, "application/json",
                new String(example, StandardCharsets.UTF_8).replace("VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode a = JSON.readTree(accepted.body());
        messageId = a.get("messageId").asText();
        caseId = a.get("caseId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.nl().outbound().status(messageId), s -> s.equals(Optional.of("DELIVERED")));
        HttpResponse<String> refused = TokenAccessTest.call("POST", pair.nl().httpBase() + "/api/v1/requests", national, "application/json",
                new String(example, StandardCharsets.UTF_8).replace("CUSTOMS_VALUE", "TAX_COLLECTION"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    static HttpResponse<String> get(String path) {
        return call(pair.nl().httpBase() + path, officer);
    }

    static HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(pair.nl().httpBase()
                + path)).header("Authorization", "Bearer " + officer).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> call(String url, String token) {
        return TokenAccessTest.call("GET", url, token, null, null);
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<AuditRecord> accessRecords() {
        return pair.nl().audit().all().stream().filter(r -> r.event().type().equals("audit-log-accessed")).toList();
    }

    @Test
    void onlyTheLegalOfficerRoleReadsTheLogAndRefusalsAreAudited() {
        List<String> paths = List.of("/api/v1/audit/events", "/api/v1/audit/events.csv", "/api/v1/audit/cases/" + caseId + "/timeline",
                "/api/v1/audit/chain", "/api/v1/audit/cases/" + caseId + "/bundle");
        String[] wrong = {issuer.token("nl-customs-system", "national-system"), issuer.token("gateway-ops", "gateway-admin"),
            issuer.token("partner-DE", "partner-administration")};
        int accessBefore = accessRecords().size();
        for (String path : paths) {
            HttpResponse<String> none = call(pair.nl().httpBase() + path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.body()).contains("\"code\":\"token_missing\"");
            for (String token : wrong) {
                HttpResponse<String> refused = call(pair.nl().httpBase() + path, token);
                assertThat(refused.statusCode()).as(path).isEqualTo(403);
                assertThat(refused.body()).contains("\"code\":\"role_missing\"").doesNotContain(caseId + "\",\"type\"");
            }
            HttpResponse<String> allowed = get(path);
            assertThat(allowed.statusCode()).as(path + ": " + allowed.body()).isNotIn(401, 403);
        }
        // refused callers read nothing, so only the officer's five reads are access records
        assertThat(accessRecords()).hasSize(accessBefore + paths.size());
        assertThat(pair.nl().audit().all()).filteredOn(r -> r.event().type().equals("access-denied") && "gateway-ops".equals(r.event().actor()))
                .extracting(r -> r.event().detail()).anySatisfy(d -> assertThat(d).contains("/api/v1/audit/chain"));
    }

    @Test
    void searchFiltersByOutcomeCodePartnerAndMessageType() {
        JsonNode rejected = json(get("/api/v1/audit/events?outcome=REJECTED&errorCode=purpose_not_permitted"));
        assertThat(rejected.get("events")).isNotEmpty().allSatisfy(e -> {
            assertThat(e.get("outcome").asText()).isEqualTo("REJECTED");
            assertThat(e.get("errorCode").asText()).isEqualTo("purpose_not_permitted");
        });
        assertThat(rejected.get("events").get(0).get("type").asText()).isEqualTo("submission-rejected");

        JsonNode requests = json(get("/api/v1/audit/events?messageType=ASSISTANCE_REQUEST&partner=DE&limit=500"));
        assertThat(requests.get("events")).extracting(e -> e.get("messageId").asText()).containsOnly(messageId);
        assertThat(requests.get("events")).extracting(e -> e.get("type").asText()).contains("submission-received", "policy-applied",
                "message-sealed", "receipt-verified");
        assertThat(requests.get("events")).allSatisfy(e -> assertThat(e.get("direction").asText()).isEqualTo("outbound"));

        JsonNode none = json(get("/api/v1/audit/events?partner=FR"));
        assertThat(none.get("events")).isEmpty();
        assertThat(none.get("next").isNull()).isTrue();
    }

    @Test
    void pagesAreNewestFirstDisjointAndCompleteAndAHeaderNamedLikeAFilterIsIgnored() throws Exception {
        // a snapshot: the newest record now, then every page below it (records appended meanwhile do not shift them)
        List<Long> all = new ArrayList<>();
        json(get("/api/v1/audit/events?partner=DE&limit=500")).get("events").forEach(e -> all.add(e.get("seq").asLong()));
        List<Long> paged = new ArrayList<>();
        String cursor = String.valueOf(all.get(0) + 1);
        do {
            JsonNode page = json(get("/api/v1/audit/events?partner=DE&limit=3&before=" + cursor));
            page.get("events").forEach(e -> paged.add(e.get("seq").asLong()));
            assertThat(page.get("events").size()).isLessThanOrEqualTo(3);
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        assertThat(paged).isEqualTo(all).doesNotHaveDuplicates().isSortedAccordingTo((x, y) -> Long.compare(y, x));
        assertThat(all).hasSizeGreaterThan(3);

        // filters come from the query string only
        JsonNode unfiltered = json(send(HttpRequest.newBuilder(URI.create(pair.nl().httpBase() + "/api/v1/audit/events?limit=500"))
                .header("Authorization", "Bearer " + officer).header("partner", "FR").build()));
        assertThat(unfiltered.get("events")).extracting(e -> e.get("partner").asText()).contains("DE");
    }

    @Test
    void badParametersAre400WithACodeNamingTheParameter() {
        String[][] cases = {{"outcome=MAYBE", "invalid_field", "outcome"}, {"limit=501", "invalid_field", "limit"},
            {"before=abc", "invalid_field", "before"}, {"from=last-week", "invalid_field", "from"}, {"colour=red", "unknown_field", "colour"}};
        for (String[] c : cases) {
            for (String path : new String[] {"/api/v1/audit/events?", "/api/v1/audit/events.csv?"}) {
                HttpResponse<String> r = get(path + c[0]);
                assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
                assertThat(r.body()).contains("\"code\":\"" + c[1] + "\"").contains("\"pointer\":\"" + c[2] + "\"").doesNotContain("\tat ");
            }
        }
        HttpResponse<String> longCase = get("/api/v1/audit/cases/" + "X".repeat(71) + "/timeline");
        assertThat(longCase.statusCode()).isEqualTo(400);
        assertThat(longCase.body()).contains("\"pointer\":\"id\"");
        assertThat(pair.nl().audit().all()).anySatisfy(r -> {
            assertThat(r.event().type()).isEqualTo("audit-access-refused");
            assertThat(r.event().actor()).isEqualTo("legal-console");
            assertThat(r.event().errorCode()).isEqualTo("unknown_field");
        });
    }

    @Test
    void csvExportHasAHeaderAndTheSameRecordsAsTheSearch() {
        HttpResponse<String> r = get("/api/v1/audit/events.csv?partner=DE&outcome=REJECTED");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/csv");
        assertThat(r.headers().firstValue("Content-Disposition")).get().asString().contains("attachment").contains(".csv");
        String[] lines = r.body().split("\r\n");
        assertThat(lines[0]).startsWith("seq,occurred_at,event_type,outcome,actor,partner,message_id,case_id,message_type,direction");
        JsonNode search = json(get("/api/v1/audit/events?partner=DE&outcome=REJECTED&limit=500"));
        assertThat(lines).hasSize(1 + search.get("events").size());
        assertThat(lines[1]).contains(",submission-rejected,REJECTED,").contains("purpose_not_permitted");
    }

    @Test
    void caseTimelineShowsBothGatewaysViewsWithWhatWasWithheld() {
        JsonNode nl = json(get("/api/v1/audit/cases/" + caseId + "/timeline"));
        assertThat(nl.get("case").get("partner").asText()).isEqualTo("DE");
        List<String> types = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        nl.get("events").forEach(e -> {
            types.add(e.get("type").asText());
            seqs.add(e.get("seq").asLong());
        });
        assertThat(types).contains("submission-received", "policy-applied", "message-sealed", "message-queued", "receipt-verified");
        assertThat(seqs).isSorted();
        JsonNode policy = null;
        for (JsonNode e : nl.get("events")) {
            if (e.get("type").asText().equals("policy-applied")) {
                policy = e;
            }
        }
        assertThat(policy.get("withheld").asText()).as(policy.toString()).contains("drop").contains("42A/");
        assertThat(policy.get("detail").asText()).doesNotContain("Fietsonderdelen");

        // the partner's side of the same case: received, verified, delivered nationally (inbound)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> pair.de().audit().all().stream()
                .anyMatch(r -> caseId.equals(r.event().caseId()) && r.event().type().equals("national-queued")));
        JsonNode de = json(call(pair.de().httpBase() + "/api/v1/audit/cases/" + caseId + "/timeline", officer));
        Set<String> deTypes = new HashSet<>();
        de.get("events").forEach(e -> deTypes.add(e.get("type").asText()));
        assertThat(deTypes).contains("message-received", "national-queued");
        assertThat(de.get("events")).filteredOn(e -> e.get("type").asText().equals("message-received"))
                .allSatisfy(e -> assertThat(e.get("direction").asText()).isEqualTo("inbound"));

        HttpResponse<String> unknown = get("/api/v1/audit/cases/NO-SUCH-CASE/timeline");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"case_unknown\"");
    }

    @Test
    void chainStatusIsIntactWithTheHead() {
        JsonNode chain = json(get("/api/v1/audit/chain"));
        assertThat(chain.get("status").asText()).isEqualTo("intact");
        assertThat(chain.get("problem").isNull()).isTrue();
        assertThat(chain.get("headSeq").asLong()).isPositive();
        assertThat(chain.get("records").asLong()).isEqualTo(chain.get("headSeq").asLong());
        // the signed checkpoints are checked too: one written now is counted
        int before = chain.get("checkpoints").asInt();
        long checkpointed = pair.nl().auditCheckpoints().write().orElseThrow().headSeq();
        JsonNode after = json(get("/api/v1/audit/chain"));
        assertThat(after.get("checkpoints").asInt()).isEqualTo(before + 1);
        assertThat(after.get("anchorSeq").asLong()).as("the checkpoint is the anchor now").isEqualTo(checkpointed);
        assertThat(chain.get("headHash").asText()).matches("[0-9a-f]{64}");
        assertThat(chain.get("checkedAt").asText()).endsWith("Z");
    }

    @Test
    void evidenceExportDownloadsTheCasesSignedBundleWhichVerifiesOffline() throws Exception {
        HttpResponse<byte[]> r = getBytes("/api/v1/audit/cases/" + caseId + "/bundle");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/zip"));
        Path bundle = Files.write(root.resolve("case-bundle.zip"), r.body());
        java.security.cert.X509Certificate ca = org.cmag.crypto.KeyStores.readPem(root.resolve("pki").resolve("ca.crt"));
        org.cmag.evidence.BundleVerifier.Result result = org.cmag.evidence.BundleVerifier.verify(bundle, ca);
        assertThat(result.problem()).as(result.summary()).isEmpty();
        assertThat(accessRecords()).anySatisfy(a -> assertThat(a.event().detail()).isEqualTo("evidence export case=" + caseId));
        assertThat(pair.nl().audit().all()).anySatisfy(a -> {
            assertThat(a.event().type()).isEqualTo("evidence-exported");
            assertThat(a.event().caseId()).isEqualTo(caseId);
        });
        HttpResponse<String> unknown = get("/api/v1/audit/cases/CASE-NOPE/bundle");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"evidence_not_found\"").doesNotContain("\tat ");
    }

    @Test
    void everyOfficerReadIsOnTheLogWithTheOfficerAndTheFiltersButNoPersonalValues() {
        int before = accessRecords().size();
        json(get("/api/v1/audit/events?partner=DE&outcome=OK&limit=5"));
        json(get("/api/v1/audit/chain"));
        List<AuditRecord> added = accessRecords().subList(before, accessRecords().size());
        assertThat(added).hasSize(2).allSatisfy(a -> {
            assertThat(a.event().actor()).isEqualTo("legal-console");
            assertThat(a.event().outcome()).isEqualTo("OK");
            assertThat(a.event().partnerId()).isNull();
            assertThat(a.event().caseId()).isNull();
        });
        assertThat(added.get(0).event().detail()).isEqualTo("search partner=DE outcome=OK limit=5");
        assertThat(added.get(1).event().detail()).isEqualTo("chain verification");
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
    }

    @Test
    void theConsolePageIsPublicServedFromAnAllowListWithSecurityHeadersAndLogsInAgainstTheIssuer() throws Exception {
        String base = pair.nl().httpBase();
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/console/")).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        String issuerOrigin = URI.create(issuer.issuer()).resolve("/").toString().replaceAll("/$", "");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'")
                .contains("frame-ancestors 'none'").contains("connect-src 'self' " + issuerOrigin).doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
        for (String[] f : new String[][] {{"/console/console.js", "text/javascript"}, {"/console/console.css", "text/css"},
            {"/console/config.json", "application/json"}}) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + f[0])).build());
            assertThat(r.statusCode()).as(f[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith(f[1]);
        }
        JsonNode config = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/console/config.json")).build()).body());
        assertThat(config.get("authMode").asText()).isEqualTo("keycloak");
        assertThat(config.get("issuer").asText()).isEqualTo(issuer.issuer());
        assertThat(config.get("clientId").asText()).isEqualTo("legal-officer-console");
        for (String missing : new String[] {"/console/../config/application.properties", "/console/%2e%2e/pom.xml", "/console/Gateway.class",
            "/console/console.js.bak"}) {
            assertThat(send(HttpRequest.newBuilder(URI.create(base + missing)).build()).statusCode()).as(missing).isEqualTo(404);
        }
        HttpResponse<String> bare = send(HttpRequest.newBuilder(URI.create(base + "/console")).build());
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).contains("/console/");
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(base + "/console/")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isIn(404, 405);
    }
}
