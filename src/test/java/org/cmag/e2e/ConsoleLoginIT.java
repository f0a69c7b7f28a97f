package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmag.identity.KeycloakTestSupport.cli;

import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cmag.demo.GatewayPair;
import org.cmag.identity.KeycloakServer;
import org.cmag.identity.KeycloakTestSupport.Run;
import org.cmag.identity.Realm;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;

/**
 * The console's log-in against the real Keycloak server: the realm made by {@code realm init} (its public
 * {@code legal-officer-console} client, PKCE S256, redirect to this gateway's console), a legal officer and a clerk
 * without the role as realm users. In headless Chromium the page sends the officer to Keycloak's login form, exchanges
 * the code (with the PKCE verifier) for a token and reads the log with it; the clerk logs in too but is refused with
 * {@code role_missing}. The officer's reads are recorded under the realm user id.
 */
@ExtendWith(KeycloakServer.Extension.class)
class ConsoleLoginIT {
    private static final String REALM = "cmag-console";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path root;

    static KeycloakServer server;
    static Keycloak inspector;
    static GatewayPair pair;

    @BeforeAll
    static void start() {
        ConsoleBrowser.assumeInstalled();
        server = KeycloakServer.shared();
        inspector = server.inspector();
        pair = new GatewayPair(root, Map.of("gateway.auth.mode", "keycloak", "gateway.auth.audience", Realm.GATEWAY_CLIENT, "gateway.auth.issuer",
                Realm.issuer(server.url(), REALM))).start(Partner.Channel.REST);
        Run init = cli(server.adminEnv(), "realm", "init", "--url", server.url(), "--realm", REALM, "--set",
                "gateway.keycloak.console-redirect-uri=" + pair.nl().httpBase() + "/console/*");
        assertThat(init.exit()).as(init.all()).isZero();
        user("officer-anna", Realm.ROLE_LEGAL_OFFICER);
        user("clerk-ben", Realm.ROLE_NATIONAL);
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

    /** A realm user with a password and one realm role (what a Keycloak administrator sets up for a person). */
    static String user(String name, String role) {
        RealmResource realm = inspector.realm(REALM);
        UserRepresentation u = new UserRepresentation();
        u.setUsername(name);
        u.setEnabled(true);
        u.setEmail(name + "@customs.example");
        u.setEmailVerified(true);
        u.setFirstName(name.split("-")[1]);
        u.setLastName("Example");
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(name + "-password");
        password.setTemporary(false);
        u.setCredentials(List.of(password));
        try (Response r = realm.users().create(u)) {
            assertThat(r.getStatus()).isEqualTo(201);
        }
        String id = realm.users().searchByUsername(name, true).get(0).getId();
        realm.users().get(id).roles().realmLevel().add(List.of(realm.roles().get(role).toRepresentation()));
        return id;
    }

    static void logIn(ConsoleBrowser chromium, String name) {
        chromium.driver.get(pair.nl().httpBase() + "/console/");
        chromium.wait.until(d -> !d.findElements(By.id("username")).isEmpty());
        assertThat(chromium.driver.getCurrentUrl()).startsWith(Realm.issuer(server.url(), REALM) + "/protocol/openid-connect/auth")
                .contains("code_challenge_method=S256").contains("client_id=" + Realm.CONSOLE_CLIENT);
        chromium.driver.findElement(By.id("username")).sendKeys(name);
        chromium.driver.findElement(By.id("password")).sendKeys(name + "-password");
        chromium.driver.findElement(By.id("kc-login")).click();
    }

    @Test
    void anOfficerLogsInWithCodeAndPkceAndReadsTheLogAsThemself() throws Exception {
        String anna = inspector.realm(REALM).users().searchByUsername("officer-anna", true).get(0).getId();
        try (ConsoleBrowser chromium = ConsoleBrowser.start(root.resolve("anna"), WAIT)) {
            logIn(chromium, "officer-anna");
            chromium.wait.until(d -> d.findElement(By.id("chain-status")).getText().startsWith("Chain intact"));
            chromium.wait.until(d -> d.findElement(By.id("results-summary")).getText().startsWith("Showing"));
            assertThat(chromium.driver.findElement(By.id("who")).getText()).isEqualTo("Logged in as officer-anna");
            assertThat(chromium.driver.getCurrentUrl()).isEqualTo(pair.nl().httpBase() + "/console/"); // the code is not left in the URL
            chromium.screenshot("10-keycloak-login-officer");
        }
        List<AuditRecord> reads = pair.nl().audit().all().stream().filter(r -> r.event().type().equals("audit-log-accessed")).toList();
        assertThat(reads).isNotEmpty().allSatisfy(r -> assertThat(r.event().actor()).isEqualTo("user " + anna + " via legal-officer-console"));
    }

    @Test
    void aUserWithoutTheLegalOfficerRoleIsRefused() throws Exception {
        try (ConsoleBrowser chromium = ConsoleBrowser.start(root.resolve("ben"), WAIT)) {
            logIn(chromium, "clerk-ben");
            chromium.wait.until(d -> d.findElement(By.id("message")).getText().startsWith("error role_missing"));
            assertThat(chromium.driver.findElement(By.id("results")).findElements(By.cssSelector("tbody tr"))).isEmpty();
            chromium.screenshot("11-keycloak-login-without-role");
        }
    }
}
