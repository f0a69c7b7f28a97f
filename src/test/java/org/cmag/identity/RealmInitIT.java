package org.cmag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmag.identity.KeycloakTestSupport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmag.identity.KeycloakTestSupport.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/** {@code realm init} against the real Keycloak server: what it creates, idempotence, and its one-line errors. */
@ExtendWith(KeycloakServer.Extension.class)
class RealmInitIT {
    static KeycloakServer server;
    /** An independent admin session, to look at the server the way an operator's console would. */
    static Keycloak inspector;

    @BeforeAll
    static void connect() {
        server = KeycloakServer.shared();
        inspector = server.inspector();
    }

    @AfterAll
    static void close() {
        if (inspector != null) {
            inspector.close();
        }
    }

    @Test
    void createsTheRealmModelAndASecondRunChangesNothing() throws Exception {
        Run first = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", "cmag-init");

        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.out()).contains("created realm cmag-init", "created realm role partner-administration",
                "created realm role national-system", "created realm role legal-officer", "created realm role gateway-admin",
                "created client cmag-gateway", "created client national-customs", "created client legal-officer-console",
                "granted role national-system to the service account of national-customs", "change(s)");

        RealmResource realm = inspector.realm("cmag-init");
        assertThat(realm.roles().list()).extracting(RoleRepresentation::getName).containsAll(Realm.ROLES);
        ClientRepresentation console = realm.clients().findByClientId(Realm.CONSOLE_CLIENT).get(0);
        assertThat(console.isPublicClient()).isTrue();
        assertThat(console.isStandardFlowEnabled()).isTrue();
        assertThat(console.isDirectAccessGrantsEnabled()).isFalse();
        assertThat(console.getAttributes()).containsEntry("pkce.code.challenge.method", "S256");
        ClientRepresentation gateway = realm.clients().findByClientId(Realm.GATEWAY_CLIENT).get(0);
        assertThat(gateway.isStandardFlowEnabled()).isFalse();
        assertThat(gateway.isServiceAccountsEnabled()).isFalse();

        // the national system's credentials obtain a token for our gateway carrying its role
        ClientRepresentation national = realm.clients().findByClientId(Realm.DEFAULT_NATIONAL_CLIENT).get(0);
        String secret = realm.clients().get(national.getId()).getSecret().getValue();
        HttpResponse<String> token = KeycloakTestSupport.clientCredentials(Realm.issuer(server.url(), "cmag-init")
                + "/protocol/openid-connect/token", Realm.DEFAULT_NATIONAL_CLIENT, secret);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        JsonNode claims = KeycloakTestSupport.claims(token);
        assertThat(claims.get("iss").asText()).isEqualTo(Realm.issuer(server.url(), "cmag-init"));
        assertThat(texts(claims.get("aud"))).contains(Realm.GATEWAY_CLIENT);
        assertThat(texts(claims.at("/realm_access/roles"))).contains(Realm.ROLE_NATIONAL).doesNotContain(Realm.ROLE_PARTNER);
        assertThat(claims.get("azp").asText()).isEqualTo(Realm.DEFAULT_NATIONAL_CLIENT);

        Run second = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", "cmag-init");
        assertThat(second.exit()).as(second.all()).isZero();
        assertThat(second.out()).isEqualTo("realm cmag-init on " + server.url() + " is complete: nothing to change\n");
        assertThat(realm.clients().findByClientId(Realm.DEFAULT_NATIONAL_CLIENT)).hasSize(1);
        assertThat(realm.clients().get(national.getId()).getSecret().getValue()).isEqualTo(secret);
    }

    @Test
    void completesARealmThatAnInterruptedRunLeftHalfDone() {
        // the fixture realm (imported at server start) already has the realm and one role
        Run run = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", KeycloakServer.FIXTURE_REALM);

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).doesNotContain("created realm " + KeycloakServer.FIXTURE_REALM)
                .doesNotContain("created realm role partner-administration")
                .contains("created realm role national-system", "created client cmag-gateway", "created client legal-officer-console");
        assertThat(inspector.realm(KeycloakServer.FIXTURE_REALM).roles().list()).extracting(RoleRepresentation::getName)
                .containsAll(Realm.ROLES);
    }

    @Test
    void badCredentialsMissingCredentialsAndAnUnreachableServerAreOneLineCodedErrors() throws Exception {
        Map<String, String> wrong = new HashMap<>(server.adminEnv());
        wrong.put(KeycloakAdmin.ENV_ADMIN_PASSWORD, "not-the-password");
        Run refused = cli(wrong, "realm", "init", "--url", server.url(), "--realm", "cmag-never");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error identity_admin_refused: ").contains("HTTP 401").hasLineCount(1);

        Run noEnv = cli(Map.of(), "realm", "init", "--url", server.url(), "--realm", "cmag-never");
        assertThat(noEnv.exit()).isEqualTo(2);
        assertThat(noEnv.err()).startsWith("error configuration: ").contains(KeycloakAdmin.ENV_ADMIN_USER).hasLineCount(1);

        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Run down = cli(server.adminEnv(), "realm", "init", "--url", "http://127.0.0.1:" + closed, "--realm", "cmag-never");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).startsWith("error identity_provider_unavailable: ").hasLineCount(1);

        Run noUrl = cli(server.adminEnv(), "realm", "init", "--realm", "cmag-never");
        assertThat(noUrl.exit()).isEqualTo(2);
        assertThat(noUrl.err()).startsWith("error configuration: No Keycloak server");

        assertThat(inspector.realms().findAll()).extracting(r -> r.getRealm()).doesNotContain("cmag-never");
    }

    static List<String> texts(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> out = new java.util.ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
