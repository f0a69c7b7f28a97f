package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cmag.identity.KeycloakTestSupport.cli;
import static org.cmag.identity.KeycloakTestSupport.clientCredentials;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.cmag.demo.GatewayPair;
import org.cmag.gateway.Gateway;
import org.cmag.identity.KeycloakServer;
import org.cmag.identity.KeycloakTestSupport;
import org.cmag.identity.KeycloakTestSupport.Run;
import org.cmag.identity.Realm;
import org.cmag.identity.TestIssuer;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

/**
 * Token-authenticated channels end to end against the real Keycloak server: each administration runs its own realm
 * ({@code cmag-nl}, {@code cmag-de}), created by {@code realm init}; each onboards the other with {@code partner
 * onboard} and hands the credentials over; the two gateways run with {@code gateway.auth.mode=keycloak} and
 * {@code channel.auth: token}. Then: a national system's token from NL's realm submits, NL obtains a
 * client-credentials token from DE's realm and DE accepts the message (and NL DE's acknowledgement the same way);
 * every bad token is refused with its code; every API group refuses the other roles; a realm key rotation is followed
 * (unknown kid); an offboarded partner's still-valid token is refused. The only fixtures made with the admin client are
 * clients outside the realm model (a legal officer's and an admin's service account, a client without the audience, a
 * client with 5-second tokens).
 */
@ExtendWith(KeycloakServer.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakTokensIT {
    private static final String NL_REALM = "cmag-nl";
    private static final String DE_REALM = "cmag-de";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static KeycloakServer server;
    static Keycloak inspector;
    static GatewayPair pair;
    static byte[] example;
    static final Map<String, String> SECRETS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.shared();
        inspector = server.inspector();
        try (InputStream in = KeycloakTokensIT.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        // Each administration: its realm, then onboarding of the other (and DE of GB, a third partner of its own)
        for (String realm : List.of(NL_REALM, DE_REALM)) {
            Run init = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", realm);
            assertThat(init.exit()).as(init.all()).isZero();
        }
        Path handOver = Files.createDirectories(root.resolve("handover"));
        onboard("NL", NL_REALM, "DE", handOver.resolve("DE-at-NL.credentials"));
        onboard("DE", DE_REALM, "NL", handOver.resolve("NL-at-DE.credentials"));
        onboard("DE", DE_REALM, "GB", handOver.resolve("GB-at-DE.credentials"));
        // what the partners do with the hand-over: keep the secret in a file the gateway reads
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        Files.writeString(secrets.resolve("nl-at-de"), secretIn(handOver.resolve("NL-at-DE.credentials")) + "\n");
        Files.writeString(secrets.resolve("de-at-nl"), secretIn(handOver.resolve("DE-at-NL.credentials")) + "\n");
        SECRETS.put(DE_REALM + "/" + Realm.partnerClientId("GB"), secretIn(handOver.resolve("GB-at-DE.credentials")));
        SECRETS.put(NL_REALM + "/" + Realm.partnerClientId("DE"), secretIn(handOver.resolve("DE-at-NL.credentials")));
        SECRETS.put(DE_REALM + "/" + Realm.partnerClientId("NL"), secretIn(handOver.resolve("NL-at-DE.credentials")));
        for (String realm : List.of(NL_REALM, DE_REALM)) {
            SECRETS.put(realm + "/" + Realm.DEFAULT_NATIONAL_CLIENT, secretOf(realm, Realm.DEFAULT_NATIONAL_CLIENT));
        }
        fixtureClient(NL_REALM, "it-legal-officer", Realm.ROLE_LEGAL_OFFICER, true, null);
        fixtureClient(NL_REALM, "it-gateway-admin", Realm.ROLE_GATEWAY_ADMIN, true, null);
        fixtureClient(NL_REALM, "it-no-audience", Realm.ROLE_NATIONAL, false, null);
        fixtureClient(NL_REALM, "it-short-lived", Realm.ROLE_NATIONAL, true, 5);

        Map<String, String> extra = new HashMap<>();
        extra.put("gateway.auth.mode", "keycloak");
        extra.put("gateway.auth.audience", Realm.GATEWAY_CLIENT);
        extra.put("gateway.auth.clock-skew-seconds", "1");
        extra.put("gateway.auth.jwks-refresh-min-seconds", "1");
        extra.put("gateway.identity.status-cache-seconds", "1");
        extra.put("NL:gateway.auth.issuer", Realm.issuer(server.url(), NL_REALM));
        extra.put("NL:gateway.partner.DE.auth", "token");
        extra.put("NL:gateway.partner.DE.token-url", tokenEndpoint(DE_REALM));
        extra.put("NL:gateway.partner.DE.token-secret-file", secrets.resolve("nl-at-de").toString());
        extra.put("DE:gateway.auth.issuer", Realm.issuer(server.url(), DE_REALM));
        extra.put("DE:gateway.partner.NL.auth", "token");
        extra.put("DE:gateway.partner.NL.token-url", tokenEndpoint(NL_REALM));
        extra.put("DE:gateway.partner.NL.token-secret-file", secrets.resolve("de-at-nl").toString());
        pair = new GatewayPair(root, extra).start(Partner.Channel.REST);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
        if (inspector != null) {
            inspector.close();
        }
    }

    /** {@code partner onboard} as {@code operator}'s administration runs it, credentials written to {@code file}. */
    static void onboard(String operator, String realm, String partnerId, Path file) {
        Run run = operatorCli(operator, "partner", "onboard", "--id", partnerId, "--url", server.url(), "--realm", realm,
                "--credentials-out", file.toString());
        assertThat(run.exit()).as(run.all()).isZero();
    }

    static Run operatorCli(String operator, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "gateway.id=" + operator, "--set", "gateway.data-dir=" + root.resolve(operator), "--by", "it-operator"));
        return cli(server.adminEnv(), all.toArray(String[]::new));
    }

    static String secretIn(Path credentials) throws java.io.IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(credentials)) {
            p.load(in);
        }
        return p.getProperty("client_secret");
    }

    static String secretOf(String realm, String clientId) {
        RealmResource rr = inspector.realm(realm);
        String uuid = rr.clients().findByClientId(clientId).get(0).getId();
        return rr.clients().get(uuid).getSecret().getValue();
    }

    /** A confidential client with a service account holding {@code role}; with the gateway audience or not. */
    static void fixtureClient(String realm, String clientId, String role, boolean audience, Integer tokenLifespanSeconds) {
        RealmResource rr = inspector.realm(realm);
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(clientId);
        c.setPublicClient(false);
        c.setServiceAccountsEnabled(true);
        c.setStandardFlowEnabled(false);
        c.setDirectAccessGrantsEnabled(false);
        if (tokenLifespanSeconds != null) {
            c.setAttributes(Map.of("access.token.lifespan", String.valueOf(tokenLifespanSeconds)));
        }
        if (audience) {
            ProtocolMapperRepresentation m = new ProtocolMapperRepresentation();
            m.setName("audience");
            m.setProtocol("openid-connect");
            m.setProtocolMapper("oidc-audience-mapper");
            m.setConfig(Map.of("included.client.audience", Realm.GATEWAY_CLIENT, "access.token.claim", "true"));
            c.setProtocolMappers(List.of(m));
        }
        try (Response r = rr.clients().create(c)) {
            assertThat(r.getStatus()).as("create fixture client " + clientId).isEqualTo(201);
        }
        String uuid = rr.clients().findByClientId(clientId).get(0).getId();
        String account = rr.clients().get(uuid).getServiceAccountUser().getId();
        rr.users().get(account).roles().realmLevel().add(List.of(rr.roles().get(role).toRepresentation()));
        SECRETS.put(realm + "/" + clientId, rr.clients().get(uuid).getSecret().getValue());
    }

    static String tokenEndpoint(String realm) {
        return Realm.issuer(server.url(), realm) + "/protocol/openid-connect/token";
    }

    /** A fresh access token for {@code clientId} from {@code realm}, by client credentials. */
    static String token(String realm, String clientId) {
        HttpResponse<String> r = clientCredentials(tokenEndpoint(realm), clientId, SECRETS.get(realm + "/" + clientId));
        assertThat(r.statusCode()).as(realm + "/" + clientId + ": " + r.body()).isEqualTo(200);
        try {
            return KeycloakTestSupport.JSON.readTree(r.body()).get("access_token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HttpResponse<String> call(String method, String url, String token, String body) {
        return TokenAccessTest.call(method, url, token, body == null ? null : "application/json", body);
    }

    static String submit(String token) {
        HttpResponse<String> r = call("POST", pair.nl().httpBase() + "/api/v1/requests", token, new String(example, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    static List<AuditRecord> audit(Gateway g, String type) {
        return g.audit().all().stream().filter(r -> r.event().type().equals(type)).toList();
    }

    static List<AuditRecord> denied(Gateway g, String code) {
        return audit(g, "access-denied").stream().filter(r -> code.equals(r.event().errorCode())).toList();
    }

    static String sealedNlToDe() {
        Sealing sealing = new Sealing(pair.nl());
        return sealing.serialize(sealing.seal(sealing.message(example)));
    }

    @Test
    @Order(1)
    void aNationalSystemSubmitsAndEachGatewayPresentsTheOtherRealmsTokenOnTheChannel() {
        String id = submit(token(NL_REALM, Realm.DEFAULT_NATIONAL_CLIENT));

        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        // DE accepted NL's message on a partner-NL token from DE's realm, and delivered it nationally
        await().atMost(WAIT).untilAsserted(() -> assertThat(pair.de().audit().forMessage(id)).extracting(r -> r.event().type())
                .contains("message-received", "national-queued"));
        // DE's automatic acknowledgement came back on a partner-DE token from NL's realm
        await().atMost(WAIT).until(() -> audit(pair.nl(), "message-received").stream().anyMatch(r -> "DE".equals(r.event().partnerId())));
        assertThat(audit(pair.de(), "access-denied")).isEmpty();
        assertThat(audit(pair.nl(), "access-denied")).isEmpty();
    }

    @Test
    @Order(2)
    void everyBadTokenIsRefusedWithItsOwnCode() throws Exception {
        String url = pair.nl().httpBase() + "/api/v1/cases";
        String good = token(NL_REALM, Realm.DEFAULT_NATIONAL_CLIENT);
        assertThat(call("GET", url, good, null).statusCode()).isEqualTo(200);
        SignedJWT real = SignedJWT.parse(good);
        JWTClaimsSet claims = real.getJWTClaimsSet();
        String[] parts = good.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String widened = b64.encodeToString(new JWTClaimsSet.Builder(claims).claim("realm_access",
                Map.of("roles", List.of(Realm.ROLE_NATIONAL, Realm.ROLE_GATEWAY_ADMIN, Realm.ROLE_LEGAL_OFFICER))).build().toString()
                .getBytes(StandardCharsets.UTF_8));

        Map<String, String> cases = new LinkedHashMap<>();
        // a real token of DE's realm: signed, unexpired, but not from the issuer NL trusts
        cases.put("token_issuer_invalid", token(DE_REALM, Realm.DEFAULT_NATIONAL_CLIENT));
        // a real token of NL's realm from a client without the gateway audience
        cases.put("token_audience_invalid", token(NL_REALM, "it-no-audience"));
        cases.put("token_unsigned", TestIssuer.unsigned(claims));
        // the real token's claims with more roles, under the real signature
        cases.put("token_signature_invalid", parts[0] + "." + widened + "." + parts[2]);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = call("GET", url, c.getValue(), null);
            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(401);
            assertThat(r.body()).as(c.getKey()).contains("\"code\":\"" + c.getKey() + "\"").doesNotContain(c.getValue());
            assertThat(denied(pair.nl(), c.getKey())).as(c.getKey()).isNotEmpty();
        }
        // the same claims signed by a key that is not the realm's, under the realm key's id
        String forged = TestIssuer.signWith(TestIssuer.newRsaKey(real.getHeader().getKeyID()), JWSAlgorithm.RS256, claims);
        HttpResponse<String> r = call("GET", url, forged, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"token_signature_invalid\"");
        // another partner's token at the national API: authenticated, but without the role
        HttpResponse<String> partner = call("GET", url, token(NL_REALM, Realm.partnerClientId("DE")), null);
        assertThat(partner.statusCode()).isEqualTo(403);
        assertThat(partner.body()).contains("\"code\":\"role_missing\"");
        assertThat(denied(pair.nl(), "role_missing")).anySatisfy(rec -> assertThat(rec.event().actor()).isEqualTo("partner-DE"));
        for (AuditRecord rec : pair.nl().audit().all()) {
            assertThat(String.valueOf(rec.event().detail())).doesNotContain(good).doesNotContain(parts[2]);
        }
    }

    @Test
    @Order(3)
    void aRealTokenIsAcceptedUntilItExpiresAndRefusedAfterwards() {
        String url = pair.nl().httpBase() + "/api/v1/cases";
        String shortLived = token(NL_REALM, "it-short-lived"); // the client's tokens live 5 s; 1 s skew is tolerated

        assertThat(call("GET", url, shortLived, null).statusCode()).isEqualTo(200);
        await().pollInterval(Duration.ofMillis(500)).atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> r = call("GET", url, shortLived, null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("\"code\":\"token_expired\"");
        });
        assertThat(denied(pair.nl(), "token_expired")).anySatisfy(rec -> assertThat(rec.event().actor()).isEqualTo("unverified:it-short-lived"));
    }

    @Test
    @Order(4)
    void everyApiGroupRefusesTheOtherRolesRealTokens() {
        String national = token(NL_REALM, Realm.DEFAULT_NATIONAL_CLIENT);
        String officer = token(NL_REALM, "it-legal-officer");
        String admin = token(NL_REALM, "it-gateway-admin");
        String partner = token(NL_REALM, Realm.partnerClientId("DE"));
        String base = pair.nl().httpBase();
        // method, path, body, the token holding the group's role
        List<String[]> endpoints = List.of(
                new String[] {"POST", "/api/v1/requests", "{}", national},
                new String[] {"GET", "/api/v1/cases", null, national},
                new String[] {"POST", "/api/v1/cases/CASE-X/messages", "{}", national},
                new String[] {"POST", "/api/v1/policy/explain", "{}", officer},
                new String[] {"GET", "/api/v1/held", null, officer},
                new String[] {"POST", "/api/v1/consents", "{}", officer});
        for (String[] e : endpoints) {
            for (String other : List.of(national, officer, admin, partner)) {
                if (other.equals(e[3])) {
                    continue;
                }
                HttpResponse<String> refused = call(e[0], base + e[1], other, e[2]);
                assertThat(refused.statusCode()).as(e[0] + " " + e[1] + ": " + refused.body()).isEqualTo(403);
                assertThat(refused.body()).contains("\"code\":\"role_missing\"");
            }
            HttpResponse<String> allowed = call(e[0], base + e[1], e[3], e[2]);
            assertThat(allowed.statusCode()).as(e[0] + " " + e[1] + ": " + allowed.body()).isNotIn(401, 403);
        }
        // the partner channel: only partner administrations, and only as the message's Sender
        String channel = pair.de().partnerBase() + "/exchange/v1/messages";
        HttpResponse<String> nationalOnChannel = TokenAccessTest.call("POST", channel, token(DE_REALM, Realm.DEFAULT_NATIONAL_CLIENT),
                "application/xml", sealedNlToDe());
        assertThat(nationalOnChannel.statusCode()).isEqualTo(403);
        assertThat(nationalOnChannel.body()).contains("\"code\":\"role_missing\"");
        HttpResponse<String> gb = TokenAccessTest.call("POST", channel, token(DE_REALM, Realm.partnerClientId("GB")), "application/xml",
                sealedNlToDe());
        assertThat(gb.statusCode()).isEqualTo(403);
        assertThat(gb.body()).contains("\"code\":\"partner_mismatch\"");
        assertThat(denied(pair.de(), "partner_mismatch")).singleElement().satisfies(rec -> {
            assertThat(rec.event().actor()).isEqualTo("partner-GB");
            assertThat(rec.event().partnerId()).isEqualTo("GB");
        });
        HttpResponse<String> own = TokenAccessTest.call("POST", channel, token(DE_REALM, Realm.partnerClientId("NL")), "application/xml",
                sealedNlToDe());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains("Receipt");
    }

    @Test
    @Order(5)
    void aRealmKeyRotationIsFollowedThroughTheKeySet() throws Exception {
        String before = SignedJWT.parse(token(NL_REALM, Realm.DEFAULT_NATIONAL_CLIENT)).getHeader().getKeyID();
        RealmResource rr = inspector.realm(NL_REALM);
        ComponentRepresentation key = new ComponentRepresentation();
        key.setName("it-rotated-rsa");
        key.setProviderId("rsa-generated");
        key.setProviderType("org.keycloak.keys.KeyProvider");
        key.setParentId(rr.toRepresentation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("priority", "1000");
        config.putSingle("algorithm", "RS256");
        key.setConfig(config);
        try (Response r = rr.components().add(key)) {
            assertThat(r.getStatus()).isEqualTo(201);
        }

        String rotated = token(NL_REALM, Realm.DEFAULT_NATIONAL_CLIENT);
        assertThat(SignedJWT.parse(rotated).getHeader().getKeyID()).isNotEqualTo(before);
        // NL has cached the old key set; the unknown kid makes it fetch the new one (at most once per second here)
        await().pollDelay(Duration.ofMillis(1_100)).atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> r = call("GET", pair.nl().httpBase() + "/api/v1/cases", rotated, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        });
    }

    @Test
    @Order(6)
    void anOffboardedPartnersUnexpiredTokenIsRefused() {
        String stillValid = token(DE_REALM, Realm.partnerClientId("NL"));

        Run run = operatorCli("DE", "partner", "offboard", "--id", "NL", "--url", server.url(), "--realm", DE_REALM, "--reason", "test");
        assertThat(run.exit()).as(run.all()).isZero();
        HttpResponse<String> noMore = clientCredentials(tokenEndpoint(DE_REALM), Realm.partnerClientId("NL"),
                SECRETS.get(DE_REALM + "/" + Realm.partnerClientId("NL")));
        assertThat(noMore.statusCode()).isIn(400, 401);

        // DE's running gateway re-reads the bindings once its 1 s status cache has expired
        await().pollDelay(Duration.ofMillis(1_300)).atMost(WAIT).until(() -> true);
        HttpResponse<String> r = TokenAccessTest.call("POST", pair.de().partnerBase() + "/exchange/v1/messages", stillValid, "application/xml",
                sealedNlToDe());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":\"partner_offboarded\"");
        assertThat(audit(pair.de(), "message-rejected")).anySatisfy(rec -> assertThat(rec.event().errorCode()).isEqualTo("partner_offboarded"));
        assertThat(pair.de().audit().verifyChain()).isEmpty();
    }
}
