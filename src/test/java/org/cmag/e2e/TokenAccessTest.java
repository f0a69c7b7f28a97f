package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
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
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.demo.GatewayPair;
import org.cmag.gateway.Gateway;
import org.cmag.identity.TestIssuer;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real gateways (NL, DE) in {@code gateway.auth.mode=keycloak} against a local test issuer standing in for the
 * realm (its JWKS and token endpoint on loopback): the channel between them requires tokens ({@code channel.auth:
 * token} for both), so NL obtains client-credentials tokens as {@code partner-NL} and DE validates them. Nothing else
 * is mocked; the same flows run against a real Keycloak by configuration only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenAccessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static TestIssuer issuer;
    static GatewayPair pair;
    static byte[] example;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = TokenAccessTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        issuer = TestIssuer.start("cmag");
        issuer.client("partner-NL", "nl-secret", "partner-administration");
        issuer.client("partner-DE", "de-secret", "partner-administration");
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        Files.writeString(secrets.resolve("nl-at-de"), "nl-secret\n");
        Files.writeString(secrets.resolve("de-at-nl"), "de-secret\n");
        Map<String, String> extra = new HashMap<>();
        extra.put("gateway.auth.mode", "keycloak");
        extra.put("gateway.auth.issuer", issuer.issuer());
        extra.put("gateway.auth.audience", TestIssuer.AUDIENCE);
        // NL's agreement with DE and DE's with NL: tokens on the channel, from the (shared test) realm's token endpoint
        extra.put("gateway.partner.DE.auth", "token");
        extra.put("gateway.partner.DE.token-url", issuer.tokenUrl());
        extra.put("gateway.partner.DE.token-secret-file", secrets.resolve("nl-at-de").toString());
        extra.put("gateway.partner.NL.auth", "token");
        extra.put("gateway.partner.NL.token-url", issuer.tokenUrl());
        extra.put("gateway.partner.NL.token-secret-file", secrets.resolve("de-at-nl").toString());
        pair = new GatewayPair(root, extra).start(Partner.Channel.REST);
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

    static HttpResponse<String> call(String method, String url, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String submit(String token) {
        HttpResponse<String> r = call("POST", pair.nl().httpBase() + "/api/v1/requests", token, "application/json",
                new String(example, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    static void awaitDelivered(String id) {
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
    }

    static List<AuditRecord> denied(Gateway g, String code) {
        return g.audit().all().stream().filter(r -> r.event().type().equals("access-denied") && code.equals(r.event().errorCode())).toList();
    }

    static String sealedNlToDe() {
        Sealing sealing = new Sealing(pair.nl());
        return sealing.serialize(sealing.seal(sealing.message(example)));
    }

    @Test
    @Order(1)
    void nationalApiWithoutATokenIsRefusedWithTokenMissingAndAudited() {
        HttpResponse<String> r = call("POST", pair.nl().httpBase() + "/api/v1/requests", null, "application/json", new String(example, StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"token_missing\"");
        assertThat(denied(pair.nl(), "token_missing")).singleElement().satisfies(rec -> {
            assertThat(rec.event().actor()).isEqualTo("anonymous");
            assertThat(rec.event().outcome()).isEqualTo("REJECTED");
            assertThat(rec.event().detail()).contains("/api/v1/requests").contains("outbound-request-submit");
        });
        assertThat(pair.nl().outbound().status("none")).isEmpty();
    }

    @Test
    @Order(2)
    void nationalSystemSubmitsAndNlDeliversToDeWithACachedClientCredentialsToken() {
        String national = issuer.token("nl-customs-system", "national-system");
        int before = issuer.tokenRequests("partner-NL");

        String first = submit(national);
        awaitDelivered(first);
        String second = submit(national);
        awaitDelivered(second);

        // DE required NL's token (channel.auth token) and accepted both; NL asked the token endpoint once for both
        assertThat(issuer.tokenRequests("partner-NL") - before).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(pair.de().audit().forMessage(first)).extracting(rec -> rec.event().type())
                .contains("message-received", "national-queued"));
        assertThat(pair.de().audit().forMessage(second)).extracting(rec -> rec.event().type()).contains("message-received");
        assertThat(pair.de().audit().all()).noneMatch(rec -> "access-denied".equals(rec.event().type()));
    }

    @Test
    @Order(3)
    void everyBadTokenIsRefusedWithItsOwnCodeAndNeverWrittenToTheAudit() {
        TestIssuer other = TestIssuer.start("elsewhere");
        try {
            Instant now = Instant.now();
            JWTClaimsSet good = issuer.claims("nl-customs-system", "national-system").build();
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("token_expired", issuer.sign(new JWTClaimsSet.Builder(good).issueTime(Date.from(now.minusSeconds(900)))
                    .expirationTime(Date.from(now.minusSeconds(300))).build()));
            cases.put("token_not_yet_valid", issuer.sign(new JWTClaimsSet.Builder(good).notBeforeTime(Date.from(now.plusSeconds(600))).build()));
            cases.put("token_issuer_invalid", other.token("nl-customs-system", "national-system"));
            cases.put("token_audience_invalid", issuer.sign(new JWTClaimsSet.Builder(good).audience("account").build()));
            cases.put("token_unsigned", TestIssuer.unsigned(good));
            cases.put("token_signature_invalid", TestIssuer.signWith(TestIssuer.newRsaKey("k1"), JWSAlgorithm.RS256, good));
            cases.put("token_malformed", "not.a.jwt");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                HttpResponse<String> r = call("GET", pair.nl().httpBase() + "/api/v1/cases", c.getValue(), null, null);
                assertThat(r.statusCode()).as(c.getKey()).isEqualTo(401);
                assertThat(r.body()).as(c.getKey()).contains("\"code\":\"" + c.getKey() + "\"").doesNotContain(c.getValue());
                assertThat(denied(pair.nl(), c.getKey())).as(c.getKey()).isNotEmpty();
            }
            // an HMAC token is not even tried against the issuer's keys
            HttpResponse<String> hs = call("GET", pair.nl().httpBase() + "/api/v1/cases",
                    TestIssuer.signHs256(new byte[32], good), null, null);
            assertThat(hs.body()).contains("\"code\":\"token_signature_invalid\"").contains("HS256");
            for (AuditRecord rec : pair.nl().audit().all()) {
                for (String token : cases.values()) {
                    assertThat(String.valueOf(rec.event().detail())).doesNotContain(token);
                }
            }
            // who was refused: the client the token claims, marked unverified
            assertThat(denied(pair.nl(), "token_expired")).singleElement()
                    .satisfies(rec -> assertThat(rec.event().actor()).isEqualTo("unverified:nl-customs-system"));
        } finally {
            other.close();
        }
    }

    @Test
    @Order(4)
    void everyEndpointGroupRequiresItsRole() {
        String national = issuer.token("nl-customs-system", "national-system");
        String officer = issuer.token("legal-console", "legal-officer");
        String admin = issuer.token("gateway-ops", "gateway-admin");
        String base = pair.nl().httpBase();
        // method, path, body, the token with the group's role
        List<String[]> endpoints = List.of(
                new String[] {"POST", "/api/v1/requests", "{}", national},
                new String[] {"GET", "/api/v1/cases", null, national},
                new String[] {"GET", "/api/v1/cases/CASE-X", null, national},
                new String[] {"POST", "/api/v1/cases/CASE-X/messages", "{}", national},
                new String[] {"GET", "/api/v1/openapi.yaml", null, national},
                new String[] {"POST", "/api/v1/policy/explain", "{}", officer},
                new String[] {"GET", "/api/v1/held", null, officer},
                new String[] {"GET", "/api/v1/held/H-X", null, officer},
                new String[] {"POST", "/api/v1/held/H-X/release", "{}", officer},
                new String[] {"POST", "/api/v1/held/H-X/reject", "{}", officer},
                new String[] {"POST", "/api/v1/consents", "{}", officer},
                new String[] {"POST", "/api/v1/cases/CASE-X/legal-hold", "{}", officer},
                new String[] {"DELETE", "/api/v1/cases/CASE-X/legal-hold", null, officer},
                new String[] {"GET", "/api/v1/audit/events", null, officer},
                new String[] {"GET", "/api/v1/audit/events.csv", null, officer},
                new String[] {"GET", "/api/v1/audit/cases/CASE-X/timeline", null, officer},
                new String[] {"GET", "/api/v1/audit/cases/CASE-X/bundle", null, officer},
                new String[] {"GET", "/api/v1/audit/chain", null, officer});
        for (String[] e : endpoints) {
            String wrong = e[3] == national ? officer : national;
            for (String token : new String[] {wrong, admin, issuer.token("partner-DE", "partner-administration")}) {
                HttpResponse<String> refused = call(e[0], base + e[1], token, e[2] == null ? null : "application/json", e[2]);
                assertThat(refused.statusCode()).as(e[0] + " " + e[1]).isEqualTo(403);
                assertThat(refused.body()).contains("\"code\":\"role_missing\"");
            }
            HttpResponse<String> allowed = call(e[0], base + e[1], e[3], e[2] == null ? null : "application/json", e[2]);
            assertThat(allowed.statusCode()).as(e[0] + " " + e[1] + ": " + allowed.body()).isNotIn(401, 403);
        }
        // /health stays open (probes carry no token)
        assertThat(call("GET", base + "/health", null, null, null).statusCode()).isEqualTo(200);
        // a national system cannot use the partner channel
        HttpResponse<String> partnerChannel = call("POST", pair.de().partnerBase() + "/exchange/v1/messages", national, "application/xml", sealedNlToDe());
        assertThat(partnerChannel.statusCode()).isEqualTo(403);
        assertThat(partnerChannel.body()).contains("\"code\":\"role_missing\"");
        assertThat(denied(pair.nl(), "role_missing")).anySatisfy(rec -> assertThat(rec.event().actor()).isEqualTo("gateway-ops"));
    }

    @Test
    @Order(5)
    void aPartnerMayOnlySendAsItselfOnThePartnerChannel() {
        String url = pair.de().partnerBase() + "/exchange/v1/messages";

        HttpResponse<String> none = call("POST", url, null, "application/xml", sealedNlToDe());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"code\":\"token_missing\"").contains("channel.auth token");

        HttpResponse<String> gb = call("POST", url, issuer.token("partner-GB", "partner-administration"), "application/xml", sealedNlToDe());
        assertThat(gb.statusCode()).isEqualTo(403);
        assertThat(gb.body()).contains("\"code\":\"partner_mismatch\"").contains("Sender NL");
        assertThat(denied(pair.de(), "partner_mismatch")).singleElement().satisfies(rec -> {
            assertThat(rec.event().actor()).isEqualTo("partner-GB");
            assertThat(rec.event().partnerId()).isEqualTo("GB");
            assertThat(rec.event().detail()).contains("/exchange/v1/messages");
        });

        HttpResponse<String> noRole = call("POST", url, issuer.token("partner-NL"), "application/xml", sealedNlToDe());
        assertThat(noRole.statusCode()).isEqualTo(403);
        assertThat(noRole.body()).contains("\"code\":\"role_missing\"");

        HttpResponse<String> own = call("POST", url, issuer.token("partner-NL", "partner-administration"), "application/xml", sealedNlToDe());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains("Receipt");
    }

    @Test
    @Order(6)
    void aTokenThePartnerRefusesIsRenewedOnceAndTheDeliveryRetried() {
        pair.restartNl(Partner.Channel.REST); // an empty token cache
        issuer.issueForgedTokens("partner-NL", 1); // DE cannot verify the first token NL gets: 401 token_signature_invalid
        int before = issuer.tokenRequests("partner-NL");
        int refusedBefore = denied(pair.de(), "token_signature_invalid").size();

        String id = submit(issuer.token("nl-customs-system", "national-system"));
        awaitDelivered(id);

        assertThat(issuer.tokenRequests("partner-NL") - before).isEqualTo(2);
        assertThat(denied(pair.de(), "token_signature_invalid")).hasSize(refusedBefore + 1);
        assertThat(pair.nl().audit().forMessage(id)).noneMatch(rec -> "delivery-attempt".equals(rec.event().type()));
    }

    @Test
    @Order(7)
    void soapChannelCarriesThePartnerTokenRenewsARefusedOneAndRefusesAnotherPartner() throws Exception {
        pair.restartNl(Partner.Channel.SOAP);
        issuer.issueForgedTokens("partner-NL", 1);
        int before = issuer.tokenRequests("partner-NL");

        String id = submit(issuer.token("nl-customs-system", "national-system"));
        awaitDelivered(id);
        assertThat(issuer.tokenRequests("partner-NL") - before).isEqualTo(2);
        assertThat(pair.nl().audit().forMessage(id)).filteredOn(r -> r.event().type().equals("receipt-verified")).singleElement()
                .satisfies(r -> assertThat(r.event().detail()).isEqualTo("delivered over SOAP"));

        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + sealedNlToDe().replaceFirst("<\\?xml[^>]*\\?>", "") + "</soap:Body></soap:Envelope>";
        for (String[] c : new String[][] {{null, "401", "token_missing"},
            {issuer.token("partner-GB", "partner-administration"), "403", "partner_mismatch"}}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pair.de().config().get("gateway.soap.address")))
                    .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:cmag:exchange:1:Submit\"");
            if (c[0] != null) {
                b.header("Authorization", "Bearer " + c[0]);
            }
            HttpResponse<String> r = HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.body()).contains("Fault").contains(c[2]).doesNotContain("at org.");
        }
    }

    @Test
    @Order(8)
    void theRoutesShowTheAccessSteps() {
        var model = (org.apache.camel.model.ModelCamelContext) pair.de().camelContext();
        for (String[] step : new String[][] {{"inbound-exchange-receive-rest", "authenticate-rest"},
            {"inbound-exchange-receive-soap", "authenticate-soap"}, {"inbound-exchange-accept", "authorise-sender"},
            {"outbound-request-submit", "authorise-submit"}, {"national-cases-list", "authorise-list-cases"},
            {"admin-held-release", "authorise-held-release"}, {"admin-policy-explain", "authorise-policy-explain"},
            {"admin-legal-hold-place", "authorise-legal-hold-place"}, {"admin-legal-hold-release", "authorise-legal-hold-release"},
            {"admin-audit-events", "authorise-audit-events"}, {"admin-audit-events-csv", "authorise-audit-events-csv"},
            {"admin-audit-case-timeline", "authorise-audit-case-timeline"}, {"admin-audit-case-bundle", "authorise-audit-case-bundle"},
            {"admin-audit-chain", "authorise-audit-chain"},
            {"outbound-delivery-NL", "attach-partner-token"}, {"outbound-delivery-NL", "refresh-partner-token"}}) {
            var route = model.getRouteDefinition(step[0]);
            assertThat(route).as(step[0]).isNotNull();
            assertThat(org.apache.camel.model.ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(),
                    org.apache.camel.model.ProcessorDefinition.class).stream().map(p -> p.getId()))
                    .as("node %s in %s", step[1], step[0]).contains(step[1]);
        }
    }
}
