package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cmag.crypto.SecureXml;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.mapping.RequestTranslator;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.PartnerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: {@code java -jar target/cmag.jar ...}. */
class CliIT {
    private static final Path JAR = Path.of("target/cmag.jar");

    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    private Run cmag(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("out-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cmag " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    @Test
    void demoExchangesOverRestAndSoapAndExitsZero() throws Exception {
        Run run = cmag(Duration.ofMinutes(3), "demo", "--data", dir.resolve("demo").toString());

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("[1] NL national system -> POST /api/v1/requests (REST channel to DE)")
                .contains("[2] NL national system -> POST /api/v1/requests (SOAP channel to DE)")
                .contains("receipt-verified OK by DE - delivered over REST")
                .contains("receipt-verified OK by DE - delivered over SOAP")
                .contains("signature-verified OK by gateway - RSA_SHA256 with the registered certificate of NL")
                .contains("Audit chain of NL: intact").contains("Audit chain of DE: intact")
                .contains("NL case ANSWERED -> CLOSED  (CLOSURE_NOTICE, OUT, by national)")
                .contains("DE case DELIVERED -> ACKNOWLEDGED  (REQUEST_ACKNOWLEDGEMENT, OUT, by gateway)")
                .contains("DE case ACKNOWLEDGED -> REFUSED  (REFUSAL, OUT, by national)")
                .contains("RESULT: both messages arrived verified");

        String[] nl = {"--set", "gateway.id=NL", "--set", "gateway.data-dir=" + dir.resolve("demo/NL")};
        Run list = cmag(Duration.ofSeconds(60), concat(new String[] {"case", "list"}, nl));
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out()).contains("4 case(s)").contains("REQUESTING").contains("CLOSED").contains("REFUSED");
        String caseId = list.out().lines().filter(l -> l.startsWith("CASE-NL-DE-")).findFirst().orElseThrow().split("\\s+")[0];
        Run show = cmag(Duration.ofSeconds(60), concat(new String[] {"case", "show", caseId}, nl));
        assertThat(show.exit()).as(show.out()).isZero();
        assertThat(show.out()).contains("our side    REQUESTING (partner DE)").contains("ASSISTANCE_REQUEST")
                .contains("TRANSPORT_RECEIPT").contains("SUBMITTED -> DELIVERED");
        Run unknown = cmag(Duration.ofSeconds(60), concat(new String[] {"case", "show", "NOPE"}, nl));
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).contains("error case_unknown");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void everyCommandAnswersHelpAndBadUsageExitsTwo() throws Exception {
        for (String[] cmd : new String[][] {{"--help"}, {"demo", "--help"}, {"start", "--help"}, {"message", "--help"},
            {"bench", "--help"}, {"health", "--help"}, {"translate", "--help"}, {"case", "--help"}, {"policy", "--help"},
            {"consent", "--help"}, {"purge", "--help"}, {"held", "--help"}}) {
            Run run = cmag(Duration.ofSeconds(60), cmd);
            assertThat(run.exit()).as(String.join(" ", cmd)).isZero();
            assertThat(run.out()).contains("Usage");
        }
        Run unknown = cmag(Duration.ofSeconds(60), "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).contains("Unknown command 'frobnicate'");
        Run missing = cmag(Duration.ofSeconds(60), "message", "seal", "--from", "NL");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.out()).contains("--to is required").doesNotContain("Exception");
    }

    @Test
    void sealThenOpenPassesEveryCheckAndATamperedFileFailsWithItsCode() throws Exception {
        Path plain = dir.resolve("plain.xml");
        Files.write(plain, plainMessage());
        Path pki = dir.resolve("pki");
        Path sealed = dir.resolve("sealed.xml");

        Run seal = cmag(Duration.ofSeconds(90), "message", "seal", "--from", "NL", "--to", "DE", "--in", plain.toString(), "--out",
                sealed.toString(), "--pki", pki.toString());
        assertThat(seal.exit()).as(seal.out()).isZero();
        assertThat(Files.readString(sealed)).contains("EncryptedData").doesNotContain("Fahrradteile");

        Run open = cmag(Duration.ofSeconds(60), "message", "open", "--as", "DE", "--in", sealed.toString(), "--pki", pki.toString());
        assertThat(open.exit()).as(open.out()).isZero();
        assertThat(open.out()).contains("check decrypt         ok").contains("check signature       ok (RSA_SHA256, signer CN=CMAG NL signing")
                .contains("check schema          ok").contains("OPENED NL-");

        Path tampered = dir.resolve("tampered.xml");
        Files.writeString(tampered, Files.readString(sealed).replace("<Purpose>CUSTOMS_VALUE: Verify", "<Purpose>CUSTOMS_VALUE: Verifz"));
        Run bad = cmag(Duration.ofSeconds(60), "message", "open", "--as", "DE", "--in", tampered.toString(), "--pki", pki.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("FAILED signature_invalid").doesNotContain("OPENED");

        Run wrongReceiver = cmag(Duration.ofSeconds(60), "message", "open", "--as", "NL", "--in", sealed.toString(), "--pki", pki.toString());
        assertThat(wrongReceiver.exit()).isEqualTo(1);
        assertThat(wrongReceiver.out()).contains("FAILED wrong_receiver");
    }

    @Test
    void translateWritesAValidPayloadAndRejectsAnInvalidDeclarationWithExitTwo() throws Exception {
        Path shared = Path.of("../shared/wco").toAbsolutePath();
        if (!Files.isDirectory(shared)) {
            System.err.println("../shared/wco is absent - translate CLI test SKIPPED");
            org.junit.jupiter.api.Assumptions.abort("../shared/wco absent");
        }
        String schemas = shared.resolve("hmrc__customs-declarations/public/api/conf/3.0/schemas/wco/declaration").toString();
        Path valid = shared.resolve("hmrc__customs-declarations/public/api/conf/3.0/examples/annotated_XML_samples/CUS_Code/New_Export_CUS_Code_Sample.xml");
        Run ok = cmag(Duration.ofSeconds(60), "translate", "--in", valid.toString(), "--wco-schemas", schemas);
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("<Declaration xmlns=\"urn:cmag:exchange:1\">").contains("<FunctionalReferenceID>NEW-TT-SAMPLE-CUS 9")
                .contains("unmapped MetaData /MetaData/WCOTypeName").contains("translated: 5 input items not carried");

        Path json = dir.resolve("declaration.json");
        Run toJson = cmag(Duration.ofSeconds(60), "translate", "--in", valid.toString(), "--wco-schemas", schemas, "--to", "national-json");
        assertThat(toJson.exit()).isZero();
        Files.writeString(json, toJson.out());
        Run fromJson = cmag(Duration.ofSeconds(60), "translate", "--in", json.toString());
        assertThat(fromJson.exit()).as(fromJson.out()).isZero();
        assertThat(fromJson.out()).contains("<FunctionalReferenceID>NEW-TT-SAMPLE-CUS 9").contains("translated: 0 input items not carried");

        for (String line : Files.readAllLines(shared.resolve("samples.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length >= 4 && f[1].equals("WCO DEC declaration") && f[3].equals("INVALID")) {
                Run invalid = cmag(Duration.ofSeconds(60), "translate", "--in", shared.resolve(f[0]).toString(), "--wco-schemas", schemas);
                assertThat(invalid.exit()).as(f[0] + ":\n" + invalid.out()).isEqualTo(2);
                assertThat(invalid.out()).containsPattern("error (schema_invalid|xml_malformed)").containsPattern("line \\d+, column \\d+")
                        .doesNotContain("Exception");
            }
        }

        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, Files.readString(valid).replace("<FunctionCode>9</FunctionCode>", "<FunctionCode>X9</FunctionCode>"));
        Run bad = cmag(Duration.ofSeconds(60), "translate", "--in", broken.toString(), "--wco-schemas", schemas);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).contains("error schema_invalid").containsPattern("line \\d+, column \\d+").contains("[WCO 42A:017]")
                .contains("[at /MetaData/Declaration/FunctionCode]").doesNotContain("Exception");
    }

    @Test
    void policyCheckAndExplainShowWhatLeavesTheCountry() throws Exception {
        Run check = cmag(Duration.ofSeconds(60), "policy", "check");
        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("3 agreement(s) valid").contains("partner DE, agreement EU-515-97-DE")
                .contains("partner GB, agreement EU-UK-TCA-MAA-GB");

        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        String shipped = new String(getClass().getClassLoader()
                .getResourceAsStream("policies/partners/DE.yaml").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(broken.resolve("XX.yaml"), shipped.replace("action: pseudonymise", "action: shred"));
        int line = shipped.substring(0, shipped.indexOf("action: pseudonymise")).split("\n", -1).length;
        Run bad = cmag(Duration.ofSeconds(60), "policy", "check", broken.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).contains("error configuration").contains("XX.yaml:" + line + ": field fieldRules.default[11].action 'shred'");

        Path json = dir.resolve("declaration.json");
        var example = new com.fasterxml.jackson.databind.ObjectMapper().readTree(getClass().getClassLoader()
                .getResourceAsStream("examples/assistance-request.json"));
        Files.writeString(json, example.get("declarations").get(0).toString());
        Run explain = cmag(Duration.ofSeconds(60), "policy", "explain", "--partner", "DE", "--type", "VERIFICATION_OF_ORIGIN", "--in",
                json.toString());
        assertThat(explain.exit()).as(explain.out()).isZero();
        assertThat(explain.out()).contains("Disclosure preview: VERIFICATION_OF_ORIGIN to DE under agreement EU-515-97-DE")
                .containsPattern("KEEP +42A:D026 +Declaration/FunctionalReferenceID")
                .containsPattern("GENERALISE +42A:109 +Declaration/InvoiceAmount")
                .containsPattern("PSEUDONYMISE +42A/67A/74A:R038")
                .containsPattern("DROP +42A/67A/74A:R037 +Declaration/GoodsShipment/Importer/Name +default deny")
                .contains("Payload that would leave the country:").doesNotContain("Fietsonderdelen BV")
                .doesNotContain("NL123456789");
    }

    @Test
    void startRunsAGatewayThatAnswersHealthAndStopsOnSigterm() throws Exception {
        int http = freePort();
        int soap = freePort();
        int partner = freePort();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString(), "start", "--set", "gateway.http.port=" + http, "--set", "gateway.soap.port=" + soap,
                "--set", "gateway.partner-http.port=" + partner);
        Path log = dir.resolve("start.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("partners "));
            assertThat(Files.readString(log)).contains("CMAG gateway NL started").contains("partners       [DE (REST");
            assertThat(Files.exists(dir.resolve("data/NL/pki/NL.p12"))).as("development keys generated under the data dir").isTrue();
            Run health = cmag(Duration.ofSeconds(60), "health", "--url", "http://127.0.0.1:" + http + "/health");
            assertThat(health.exit()).as(health.out()).isZero();
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM:\n" + Files.readString(log)).isTrue();
            Run down = cmag(Duration.ofSeconds(60), "health", "--url", "http://127.0.0.1:" + http + "/health");
            assertThat(down.exit()).as("health after stop").isEqualTo(1);
        }
    }

    private static byte[] plainMessage() throws IOException {
        byte[] json;
        try (InputStream in = CliIT.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            json = in.readAllBytes();
        }
        var de = PartnerRegistry.load(null, "NL", k -> null).find("DE").orElseThrow();
        var message = new RequestTranslator("NL", "NL", Clock.systemUTC()).translate(new NationalRequestParser().parse(json), de);
        SecureXml xml = new SecureXml();
        return xml.serialize(new ExchangeCodec().toDocument(message, xml.newDocument()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
