package org.cmag.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Keycloak server for the identity integration tests: ONE per test JVM, shared by every test class that
 * uses {@link Extension}. The distribution ({@code org.keycloak:keycloak-quarkus-dist}) is unpacked under
 * {@code target/keycloak} by the pom (maven-dependency-plugin, pre-integration-test) and started here with
 * {@code kc.sh start-dev} on 127.0.0.1, a free port, an in-memory database, the hostname pinned (so the token
 * issuer does not follow the Host header), a random bootstrap admin password and the fixture realm of
 * {@code src/test/resources/keycloak/} imported (only what is not under test). Ready when the fixture realm's
 * OpenID configuration answers. Stopped with SIGTERM to the PID kc.sh was started as (it forwards the signal to its
 * java child) when the test plan ends, and from a shutdown hook; any process left behind is then ended too.
 * A server that cannot start fails the tests loudly: CI must run them.
 */
public final class KeycloakServer implements ExtensionContext.Store.CloseableResource {
    public static final String FIXTURE_REALM = "cmag-it-fixture";
    public static final String ADMIN_USER = "it-admin";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static KeycloakServer shared;
    private static AssertionError startFailure;

    private final Path home;
    private final Path log;
    private final int port;
    private final String adminPassword;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private KeycloakServer(Path home, Path log, int port, String adminPassword, Process process) {
        this.home = home;
        this.log = log;
        this.port = port;
        this.adminPassword = adminPassword;
        this.process = process;
    }

    /** The JVM's server, started on first use. */
    public static synchronized KeycloakServer shared() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (AssertionError e) {
                startFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "keycloak-it-stop"));
        }
        return shared;
    }

    private static KeycloakServer start() {
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.4.7")).toAbsolutePath();
        Path kc = home.resolve("bin/kc.sh");
        if (!Files.isRegularFile(kc)) {
            throw loud("the Keycloak distribution is not unpacked at " + home + " (run the tests with mvn verify: the pom unpacks"
                    + " org.keycloak:keycloak-quarkus-dist into target/keycloak)", null);
        }
        int port = freePort();
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path log = home.getParent().resolve("keycloak-it-" + port + ".log");
        Process process;
        long t0 = System.nanoTime();
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (InputStream in = KeycloakServer.class.getResourceAsStream("/keycloak/" + FIXTURE_REALM + "-realm.json")) {
                Files.copy(in, imports.resolve(FIXTURE_REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder pb = new ProcessBuilder(List.of("bash", kc.toString(), "start-dev", "--db=dev-mem", "--http-host=127.0.0.1",
                    "--http-port=" + port, "--hostname=http://127.0.0.1:" + port, "--import-realm"))
                    .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", password);
            env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
            process = pb.start();
        } catch (IOException e) {
            throw loud("cannot start " + kc + ": " + e.getMessage(), null);
        }
        KeycloakServer server = new KeycloakServer(home, log, port, password, process);
        server.awaitReady(t0);
        System.err.printf("[keycloak-it] Keycloak %s ready on %s in %d s (pid %d, log %s)%n", home.getFileName(), server.url(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), process.pid(), log);
        return server;
    }

    private void awaitReady(long t0) {
        URI wellKnown = URI.create(url() + "/realms/" + FIXTURE_REALM + "/.well-known/openid-configuration");
        long deadline = t0 + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw loud("kc.sh exited with code " + process.exitValue() + " before the server was ready", log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(wellKnown).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw loud("interrupted while waiting for the server", log);
            }
            try {
                // polling an external process for readiness; there is no event to wait on
                process.waitFor(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
        throw loud("the server was not ready within " + START_TIMEOUT.toSeconds() + " s", log);
    }

    private static AssertionError loud(String why, Path log) {
        StringBuilder msg = new StringBuilder("\n")
                .append("=".repeat(100)).append('\n')
                .append("KEYCLOAK TEST SERVER DID NOT START: ").append(why).append('\n')
                .append("The identity integration tests need it and FAIL without it.\n");
        if (log != null) {
            msg.append("Last lines of ").append(log).append(":\n");
            try {
                List<String> lines = Files.readAllLines(log);
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> msg.append("  ").append(l).append('\n'));
            } catch (IOException e) {
                msg.append("  (unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        msg.append("=".repeat(100));
        System.err.println(msg);
        return new AssertionError(msg.toString());
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The environment an operator would set for the CLI: the admin credentials of this server. */
    public Map<String, String> adminEnv() {
        return Map.of(KeycloakAdmin.ENV_ADMIN_USER, ADMIN_USER, KeycloakAdmin.ENV_ADMIN_PASSWORD, adminPassword);
    }

    /** An admin client logged in to the master realm as the bootstrap admin, for tests to look at what was made. */
    public org.keycloak.admin.client.Keycloak inspector() {
        return org.keycloak.admin.client.KeycloakBuilder.builder().serverUrl(url()).realm("master").clientId("admin-cli")
                .grantType("password").username(ADMIN_USER).password(adminPassword).build();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM to kc.sh (forwarded to its java child); then anything still alive below it is ended as well. */
    synchronized void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy(); // SIGTERM
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("[keycloak-it] kc.sh (pid " + process.pid() + ") ignored SIGTERM for 30 s; killing it");
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroy();
                child.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> {
                    child.destroyForcibly();
                    return child;
                }).join();
            }
        }
        Path imported = home.resolve("data/import/" + FIXTURE_REALM + "-realm.json");
        try {
            Files.deleteIfExists(imported);
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registers the shared server with the root of the test plan, so it is stopped when the plan ends (the
     * shutdown hook is the backstop).
     */
    public static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            KeycloakServer server = shared();
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(KeycloakServer.class, k -> server,
                    KeycloakServer.class);
        }
    }
}
