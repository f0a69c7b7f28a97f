package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cmag.identity.KeycloakTestSupport.cli;
import static org.cmag.identity.KeycloakTestSupport.clientCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmag.demo.GatewayPair;
import org.cmag.identity.KeycloakTestSupport.Run;
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
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * Partner onboarding, secret rotation and offboarding with the CLI against the real Keycloak server and two real
 * gateways (NL administers the realm and onboards DE): the handed-over secret obtains a token with the partner role
 * and our audience, a rotated secret invalidates the old one, and after offboarding the client gets no tokens and NL
 * refuses messages to and from DE with partner_offboarded, audited.
 */
@ExtendWith(KeycloakServer.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerOnboardingIT {
    private static final String REALM = "cmag-partners";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static KeycloakServer server;
    static Keycloak inspector;
    static GatewayPair pair;
    static byte[] nlToDe;
    static byte[] deToNl;
    static String tokenEndpoint;
    static String secretAtOnboarding;
    static String secretAfterRotation;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.shared();
        inspector = server.inspector();
        try (InputStream in = PartnerOnboardingIT.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            nlToDe = in.readAllBytes();
        }
        deToNl = new String(nlToDe, StandardCharsets.UTF_8).replace("\"partner\": \"DE\"", "\"partner\": \"NL\"").getBytes(StandardCharsets.UTF_8);
        pair = new GatewayPair(root, Map.of("gateway.identity.status-cache-seconds", "1")).start(Partner.Channel.REST);
        tokenEndpoint = Realm.issuer(server.url(), REALM) + "/protocol/openid-connect/token";
        Run init = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", REALM);
        assertThat(init.exit()).as(init.all()).isZero();
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

    /** The CLI as NL's operator runs it: NL's configuration (its database and policies), our Keycloak server. */
    static Run partner(String... args) {
        List<String> all = new ArrayList<>(List.of("partner"));
        all.addAll(List.of(args));
        all.addAll(List.of("--url", server.url(), "--realm", REALM, "--set", "gateway.id=NL", "--set",
                "gateway.data-dir=" + root.resolve("NL"), "--by", "it-operator"));
        return cli(server.adminEnv(), all.toArray(String[]::new));
    }

    static List<AuditRecord> nlAudit(String type) {
        return pair.nl().audit().all().stream().filter(r -> r.event().type().equals(type)).toList();
    }

    static String submit(String base, byte[] json) {
        HttpResponse<String> r = pair.post(base + "/api/v1/requests", "application/json", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    @Test
    @Order(1)
    void onboardingCreatesTheClientBindsItToTheAgreementAndHandsOverWorkingCredentials() throws Exception {
        Path handOver = root.resolve("handover/DE.credentials");
        Run run = partner("onboard", "--id", "DE", "--name", "Generalzolldirektion", "--credentials-out", handOver.toString());

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).contains("created client partner-DE", "granted role partner-administration to the service account of partner-DE",
                "added audience cmag-gateway to tokens of partner-DE", "bound partner-DE to agreement EU-515-97-DE (ACTIVE)",
                "written to " + handOver + " (mode 600)").doesNotContain("client_secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(handOver))).isEqualTo("rw-------");
        Properties credentials = new Properties();
        credentials.load(Files.newBufferedReader(handOver));
        assertThat(credentials.getProperty("client_id")).isEqualTo("partner-DE");
        assertThat(credentials.getProperty("token_endpoint")).isEqualTo(tokenEndpoint);
        secretAtOnboarding = credentials.getProperty("client_secret");

        RealmResource realm = inspector.realm(REALM);
        ClientRepresentation client = realm.clients().findByClientId("partner-DE").get(0);
        assertThat(client.isPublicClient()).isFalse();
        assertThat(client.isServiceAccountsEnabled()).isTrue();
        assertThat(client.isStandardFlowEnabled()).isFalse();
        assertThat(client.isDirectAccessGrantsEnabled()).isFalse();
        String account = realm.clients().get(client.getId()).getServiceAccountUser().getId();
        assertThat(realm.users().get(account).roles().realmLevel().listAll()).extracting(RoleRepresentation::getName)
                .contains(Realm.ROLE_PARTNER).doesNotContain(Realm.ROLE_NATIONAL, Realm.ROLE_GATEWAY_ADMIN, Realm.ROLE_LEGAL_OFFICER);

        HttpResponse<String> token = clientCredentials(tokenEndpoint, "partner-DE", secretAtOnboarding);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode claims = KeycloakTestSupport.claims(token);
        assertThat(RealmInitIT.texts(claims.get("aud"))).contains(Realm.GATEWAY_CLIENT);
        assertThat(RealmInitIT.texts(claims.at("/realm_access/roles"))).contains(Realm.ROLE_PARTNER);
        assertThat(claims.get("azp").asText()).isEqualTo("partner-DE");
        assertThat(Realm.partnerIdOf(claims.get("azp").asText())).contains("DE");

        List<AuditRecord> onboarded = nlAudit("partner-onboarded");
        assertThat(onboarded).hasSize(1);
        assertThat(onboarded.get(0).event().partnerId()).isEqualTo("DE");
        assertThat(onboarded.get(0).event().actor()).isEqualTo("it-operator");
        assertThat(onboarded.get(0).event().detail()).contains("EU-515-97-DE").doesNotContain(secretAtOnboarding);
    }

    @Test
    @Order(2)
    void onboardingAgainChangesNothingAndAPartnerWithoutAgreementIsRefused() {
        Run again = partner("onboard", "--id", "DE");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("partner DE is already onboarded: nothing to change", "client_secret=" + secretAtOnboarding);
        assertThat(inspector.realm(REALM).clients().findByClientId("partner-DE")).hasSize(1);
        assertThat(nlAudit("partner-onboarded")).hasSize(1);

        Run noAgreement = partner("onboard", "--id", "FR", "--name", "DGDDI");
        assertThat(noAgreement.exit()).isEqualTo(2);
        assertThat(noAgreement.err()).startsWith("error unknown_partner: No agreement file for partner 'FR'").hasLineCount(1);
        assertThat(inspector.realm(REALM).clients().findByClientId("partner-FR")).isEmpty();

        Run own = partner("onboard", "--id", "NL");
        assertThat(own.exit()).isEqualTo(2);
        assertThat(own.err()).startsWith("error unknown_partner");

        Run notOnboarded = partner("rotate-secret", "--id", "GB");
        assertThat(notOnboarded.exit()).isEqualTo(2);
        assertThat(notOnboarded.err()).startsWith("error partner_not_onboarded").hasLineCount(1);
    }

    @Test
    @Order(3)
    void rotatingTheSecretInvalidatesTheOldOne() {
        Run run = partner("rotate-secret", "--id", "DE");

        assertThat(run.exit()).as(run.all()).isZero();
        Matcher m = Pattern.compile("client_secret=(\\S+)").matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        secretAfterRotation = m.group(1);
        assertThat(secretAfterRotation).isNotEqualTo(secretAtOnboarding);

        HttpResponse<String> old = clientCredentials(tokenEndpoint, "partner-DE", secretAtOnboarding);
        assertThat(old.statusCode()).as(old.body()).isEqualTo(401);
        assertThat(old.body()).contains("unauthorized_client");
        HttpResponse<String> fresh = clientCredentials(tokenEndpoint, "partner-DE", secretAfterRotation);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(nlAudit("partner-secret-rotated")).singleElement().satisfies(r -> assertThat(r.event().detail())
                .doesNotContain(secretAfterRotation));
    }

    @Test
    @Order(4)
    void messagesFlowBothWaysWhileThePartnerIsActive() {
        String toDe = submit(pair.nl().httpBase(), nlToDe);
        String toNl = submit(pair.de().httpBase(), deToNl);

        await().atMost(WAIT).until(() -> pair.nl().outbound().status(toDe), s -> s.equals(Optional.of("DELIVERED")));
        await().atMost(WAIT).until(() -> pair.de().outbound().status(toNl), s -> s.equals(Optional.of("DELIVERED")));
        // NL sealed our request and its automatic acknowledgement of DE's request
        await().atMost(WAIT).until(() -> sealedForDe(), n -> n == 2);
    }

    static long sealedForDe() {
        return nlAudit("message-sealed").stream().filter(r -> "DE".equals(r.event().partnerId())).count();
    }

    @Test
    @Order(5)
    void offboardingDisablesTheClientAndTheRunningGatewayRefusesMessagesToAndFromThePartner() {
        Run run = partner("offboard", "--id", "DE", "--reason", "agreement terminated");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).contains("binding of DE OFFBOARDED", "disabled client partner-DE", "partner DE offboarded");
        assertThat(inspector.realm(REALM).clients().findByClientId("partner-DE").get(0).isEnabled()).isFalse();
        HttpResponse<String> token = clientCredentials(tokenEndpoint, "partner-DE", secretAfterRotation);
        assertThat(token.statusCode()).as(token.body()).isIn(400, 401);
        assertThat(token.body()).doesNotContain("access_token");
        assertThat(nlAudit("partner-offboarded")).singleElement().satisfies(r -> assertThat(r.event().detail())
                .contains("agreement terminated"));

        // NL's national system: refused before anything is signed. The running gateway re-reads the bindings once its
        // 1 s status cache (set for this test) has expired; a snapshot taken before the offboarding is stale after that.
        await().pollDelay(Duration.ofMillis(1_300)).atMost(WAIT).until(() -> true);
        HttpResponse<String> refused = pair.post(pair.nl().httpBase() + "/api/v1/requests", "application/json", nlToDe);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("\"code\":\"partner_offboarded\"");
        assertThat(nlAudit("submission-rejected")).anySatisfy(r -> assertThat(r.event().errorCode()).isEqualTo("partner_offboarded"));
        assertThat(sealedForDe()).as("nothing more signed for DE").isEqualTo(2);

        // DE's message to NL: refused by NL at the door, audited there; DE records the rejection
        String toNl = submit(pair.de().httpBase(), deToNl);
        await().atMost(WAIT).until(() -> pair.de().outbound().status(toNl), s -> s.equals(Optional.of("FAILED")));
        assertThat(nlAudit("message-rejected")).anySatisfy(r -> {
            assertThat(r.event().errorCode()).isEqualTo("partner_offboarded");
            assertThat(r.event().partnerId()).isEqualTo("DE");
            assertThat(r.event().messageId()).isEqualTo(toNl);
        });
        assertThat(new org.cmag.flow.InboundRecorder(pair.nl().database(), pair.nl().audit(), pair.nl().cases(), pair.nl().receivedData(),
                java.time.Clock.systemUTC()).lookup("DE", toNl, null)).as("no receipt issued").isEmpty();
        assertThat(pair.nl().audit().verifyChain()).isEmpty();
    }

    @Test
    @Order(6)
    void offboardingAgainChangesNothingRotationIsRefusedAndTheListShowsIt() {
        Run again = partner("offboard", "--id", "DE");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("partner DE is already offboarded: nothing to change");
        assertThat(nlAudit("partner-offboarded")).hasSize(1);

        Run rotate = partner("rotate-secret", "--id", "DE");
        assertThat(rotate.exit()).isEqualTo(2);
        assertThat(rotate.err()).startsWith("error partner_offboarded").hasLineCount(1);

        Run list = partner("list");
        assertThat(list.exit()).as(list.all()).isZero();
        String de = list.out().lines().filter(l -> l.startsWith("DE ")).findFirst().orElseThrow();
        assertThat(de).contains("EU-515-97-DE", "partner-DE", "OFFBOARDED").containsPattern("20\\d\\d-\\d\\d-\\d\\dT.*20\\d\\d-\\d\\d-\\d\\dT");
        String gb = list.out().lines().filter(l -> l.startsWith("GB ")).findFirst().orElseThrow();
        assertThat(gb).contains("NOT_ONBOARDED");
    }

    @Test
    @Order(7)
    void onboardingAgainReactivatesWithANewSecretAndTheGatewayAcceptsThePartnerAgain() {
        Run run = partner("onboard", "--id", "DE");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).contains("enabled client partner-DE again with a new secret", "binding of DE ACTIVE again");
        Matcher m = Pattern.compile("client_secret=(\\S+)").matcher(run.out());
        assertThat(m.find()).isTrue();
        assertThat(clientCredentials(tokenEndpoint, "partner-DE", secretAfterRotation).statusCode()).isEqualTo(401);
        assertThat(clientCredentials(tokenEndpoint, "partner-DE", m.group(1)).statusCode()).isEqualTo(200);

        await().atMost(WAIT).untilAsserted(() -> assertThat(pair.post(pair.nl().httpBase() + "/api/v1/requests", "application/json", nlToDe)
                .statusCode()).isEqualTo(202));
        assertThat(nlAudit("partner-reonboarded")).hasSize(1);
    }
}
