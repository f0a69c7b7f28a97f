package org.cmag.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayConfigTest {
    @TempDir
    Path dir;

    private static Properties packaged() throws IOException {
        Properties p = new Properties();
        try (InputStream in = GatewayConfigTest.class.getClassLoader().getResourceAsStream("config/application.properties")) {
            assertThat(in).as("packaged config/application.properties").isNotNull();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    private Path externalFile(String content) throws IOException {
        Files.writeString(dir.resolve("application.properties"), content, StandardCharsets.UTF_8);
        return dir;
    }

    private static GatewayException configError(Runnable r) {
        GatewayException e = catchThrowableOfType(GatewayException.class, r::run);
        assertThat(e).as("expected a configuration error").isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
        return e;
    }

    @Test
    void packagedDefaultsAreLoadedWhenNoOtherLayerIsGiven() throws IOException {
        Properties p = packaged();
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of());
        assertThat(c.asMap().keySet()).containsAll(p.stringPropertyNames());
        for (String key : p.stringPropertyNames()) {
            String raw = p.getProperty(key);
            if (!raw.contains("${")) {
                assertThat(c.asMap().get(key)).as(key).isEqualTo(raw.trim());
            }
        }
    }

    @Test
    void packagedReferencesAreResolved() throws IOException {
        Properties p = packaged();
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of());
        assertThat(c.asMap().values()).noneMatch(v -> v.contains("${"));
        assertThat(p.getProperty("gateway.soap.host")).isEqualTo("${gateway.http.host}");
        assertThat(c.get("gateway.soap.host")).isEqualTo(c.get("gateway.http.host"));
    }

    @Test
    void externalFileOverridesPackagedDefaults() throws IOException {
        Path ext = externalFile("gateway.http.port=9001\ngateway.name=From file\n");
        GatewayConfig c = GatewayConfig.load(ext, Map.of(), Map.of());
        assertThat(c.getInt("gateway.http.port")).isEqualTo(9001);
        assertThat(c.get("gateway.name")).isEqualTo("From file");
    }

    @Test
    void missingExternalFileKeepsPackagedDefaults() throws IOException {
        GatewayConfig withEmptyDir = GatewayConfig.load(dir, Map.of(), Map.of());
        assertThat(withEmptyDir.asMap()).isEqualTo(GatewayConfig.load(null, Map.of(), Map.of()).asMap());
    }

    @Test
    void environmentOverridesExternalFile() throws IOException {
        Path ext = externalFile("gateway.http.port=9001\ngateway.name=From file\n");
        GatewayConfig c = GatewayConfig.load(ext, Map.of("GATEWAY_HTTP_PORT", "9002"), Map.of());
        assertThat(c.getInt("gateway.http.port")).isEqualTo(9002);
        assertThat(c.get("gateway.name")).isEqualTo("From file");
    }

    @Test
    void overridesWinOverEveryOtherLayer() throws IOException {
        Path ext = externalFile("gateway.http.port=9001\n");
        GatewayConfig c = GatewayConfig.load(ext, Map.of("GATEWAY_HTTP_PORT", "9002"), Map.of("gateway.http.port", "9003"));
        assertThat(c.getInt("gateway.http.port")).isEqualTo(9003);
    }

    @Test
    void environmentAppliesToKeysDefinedOnlyInTheExternalFile() throws IOException {
        Path ext = externalFile("site.custom-key=file\n");
        GatewayConfig c = GatewayConfig.load(ext, Map.of("SITE_CUSTOM_KEY", "env"), Map.of());
        assertThat(c.get("site.custom-key")).isEqualTo("env");
    }

    @Test
    void environmentVariablesForUnknownKeysAreIgnored() {
        GatewayConfig c = GatewayConfig.load(null, Map.of("GATEWAY_NOT_A_KEY", "x", "PATH", "/usr/bin"), Map.of());
        assertThat(c.asMap()).doesNotContainKeys("gateway.not.a.key", "gateway.not-a-key", "path", "PATH");
    }

    @Test
    void referencesResolveAfterLayering() {
        GatewayConfig c = GatewayConfig.load(null, Map.of("GATEWAY_ID", "DE"), Map.of());
        assertThat(c.gatewayId()).isEqualTo("DE");
        // gateway.data-dir refers to gateway.id, gateway.pki.dir to gateway.data-dir: the env value flows through both
        assertThat(c.get("gateway.data-dir")).contains("DE").doesNotContain("NL");
        assertThat(c.get("gateway.pki.dir")).startsWith(c.get("gateway.data-dir"));
    }

    @Test
    void resolvesNestedReferencesInOverrides() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of(
                "t.host", "example.org", "t.port", "8443",
                "t.base", "https://${t.host}:${t.port}",
                "t.url", "${t.base}/api/${t.host}"));
        assertThat(c.get("t.url")).isEqualTo("https://example.org:8443/api/example.org");
    }

    @Test
    void keepsDollarAndBackslashInValuesThatAreNotReferences() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.secret", "pa$$w\\rd${", "t.copy", "${t.secret}"));
        assertThat(c.get("t.secret")).isEqualTo("pa$$w\\rd${");
        assertThat(c.get("t.copy")).isEqualTo("pa$$w\\rd${");
    }

    @Test
    void trimsResolvedValues() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.n", "  42  "));
        assertThat(c.getInt("t.n")).isEqualTo(42);
    }

    @Test
    void rejectsSelfReferenceNamingTheKey() {
        GatewayException e = configError(() -> GatewayConfig.load(null, Map.of(), Map.of("t.loop", "x${t.loop}")));
        assertThat(e.detail()).contains("Circular").contains("t.loop");
    }

    @Test
    void rejectsCircularReferenceNamingAKeyOfTheCycle() {
        GatewayException e = configError(() -> GatewayConfig.load(null, Map.of(),
                Map.of("t.a", "${t.b}", "t.b", "${t.c}", "t.c", "${t.a}")));
        assertThat(e.detail()).contains("Circular").containsAnyOf("t.a", "t.b", "t.c");
    }

    @Test
    void rejectsUndefinedReferenceNamingTheMissingKey() {
        GatewayException e = configError(() -> GatewayConfig.load(null, Map.of(), Map.of("t.url", "http://${t.nowhere}/x")));
        assertThat(e.detail()).contains("t.nowhere").contains("not defined");
    }

    @Test
    void rejectsUndefinedReferenceInExternalFile() throws IOException {
        Path ext = externalFile("gateway.db.url=jdbc:h2:${gateway.db.dir}/x\n");
        GatewayException e = configError(() -> GatewayConfig.load(ext, Map.of(), Map.of()));
        assertThat(e.detail()).contains("gateway.db.dir");
    }

    @ParameterizedTest
    @CsvSource({
        "gateway.http.port, GATEWAY_HTTP_PORT",
        "gateway.data-dir, GATEWAY_DATA_DIR",
        "gateway.queue.outbound-prefix, GATEWAY_QUEUE_OUTBOUND_PREFIX",
        "gateway.partner.DE.soap-endpoint, GATEWAY_PARTNER_DE_SOAP_ENDPOINT",
        "gateway.id, GATEWAY_ID",
    })
    void mapsKeyToEnvironmentVariableName(String key, String env) {
        assertThat(GatewayConfig.envName(key)).isEqualTo(env);
    }

    @Test
    void envNameIsLocaleIndependent() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertThat(GatewayConfig.envName("gateway.pki.dir")).isEqualTo("GATEWAY_PKI_DIR");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "12.5", "99999999999", "0x10"})
    void getIntRejectsNonIntegerNamingKeyAndValue(String value) {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.count", value));
        GatewayException e = configError(() -> c.getInt("t.count"));
        assertThat(e.detail()).contains("t.count").contains(value);
    }

    @Test
    void getLongRejectsNonIntegerNamingKey() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.big", "1e9"));
        assertThat(configError(() -> c.getLong("t.big")).detail()).contains("t.big");
        GatewayConfig ok = GatewayConfig.load(null, Map.of(), Map.of("t.big", "99999999999"));
        assertThat(ok.getLong("t.big")).isEqualTo(99_999_999_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "TRUE", "1", "on"})
    void getBooleanRejectsAnythingButTrueOrFalseNamingKeyAndValue(String value) {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.flag", value));
        GatewayException e = configError(() -> c.getBoolean("t.flag"));
        assertThat(e.detail()).contains("t.flag").contains(value);
    }

    @Test
    void getBooleanReadsTrueAndFalse() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.on", "true", "t.off", "false"));
        assertThat(c.getBoolean("t.on")).isTrue();
        assertThat(c.getBoolean("t.off")).isFalse();
    }

    @Test
    void getRejectsMissingOrEmptyKeyNamingIt() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("t.empty", ""));
        assertThat(configError(() -> c.get("t.absent")).detail()).contains("t.absent");
        assertThat(configError(() -> c.get("t.empty")).detail()).contains("t.empty");
        assertThat(configError(() -> c.getInt("t.absent")).detail()).contains("t.absent");
        assertThat(c.getOptional("t.empty")).isNull();
        assertThat(c.getOptional("t.absent")).isNull();
    }

    @Test
    void auditCheckpointsEveryFewSecondsAndAnAnchorFileOutsideTheDatabaseByDefault() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("gateway.data-dir", dir.toString()));
        assertThat(c.auditCheckpointInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(c.auditAnchorFile()).isEqualTo(dir.resolve("audit/anchor.json"));
    }

    @ParameterizedTest
    @CsvSource({"gateway.audit.checkpoint-interval-seconds,0", "gateway.audit.checkpoint-interval-seconds,-5",
        "gateway.audit.checkpoint-interval-seconds,5s", "gateway.audit.anchor-file,' '"})
    void badAuditCheckpointSettingsFailClosedNamingTheKey(String key, String value) {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of(key, value));
        assertThat(configError(() -> {
            c.auditCheckpointInterval();
            c.auditAnchorFile();
        }).detail()).contains(key);
    }

    @Test
    void anchorFileThatIsADirectoryIsRefused() {
        assertThat(configError(() -> org.cmag.audit.AuditAnchor.writable(dir)).detail()).contains("is a directory");
    }

    @Test
    void configurationIsImmutable() {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of());
        assertThat(catchThrowableOfType(UnsupportedOperationException.class, () -> c.asMap().put("x", "y"))).isNotNull();
    }
}
