package org.cmag.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.cmag.crypto.SecureXml;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.faults.LoadDriver.Submission;
import org.cmag.faults.NationalRecorder.Call;
import org.cmag.mapping.RequestTranslator;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.PartnerRegistry;
import org.cmag.testing.PostgresCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Crash-consistent exchange under faults: two gateways (NL sends, DE receives) run as separate OS processes from the
 * built jar, a load driver submits the example request to NL at 2-4/s with Idempotency-Keys, recorders stand in for
 * both national systems, and the scenarios of the issue inject faults: SIGKILL of the receiver (3 cycles) and of the
 * sender, the partner down for more than a minute, the national callback down, the database stopped (DE on a PostgreSQL
 * cluster of the test's own), the newest broker journal file cut after a SIGKILL, and one sealed message posted 100
 * times at once. Each scenario ends by waiting (bounded) until it settles: every submission answered, every accepted
 * message delivered to DE's national system and acknowledged to NL's. The invariants: every 202 delivered exactly once
 * to DE's national system (redelivery only with the same Idempotency-Key and bytes) or dead-lettered with its reason,
 * nothing delivered that was never accepted, receipts with their rows and audit records on the receiving side, no row in
 * a non-final state, every receipt accounted for, both audit chains intact ({@code GET /api/v1/audit/chain} after each
 * scenario, {@code audit verify} exiting 0 at each checkpoint).
 *
 * <p>Execution order (to reuse one pair and keep within 8 minutes): 7, 3, 4, checkpoint A, 1, 2, checkpoint B (DE moves to
 * PostgreSQL), 5, 6, final checkpoint. An H2 database is locked while its gateway runs, so the database invariants are
 * checked at the checkpoints: both gateways are stopped with SIGTERM, their databases read with JDBC, {@code audit
 * verify} run with the same {@code --set} as the start, and they are started again. Every finding is attributed to the
 * scenario of the message it names, and each scenario is reported as its own test.
 *
 * <p>Seeded: the seed is printed; {@code -Dfaults.seed=N} repeats the fault choices (kill moments, durations, arrival
 * times). The table is printed and written to {@code target/fault-report.md}; data, gateway logs and the evidence (CSV
 * of submissions and national callbacks) stay under {@code target/faults/run-*}, the class-data sharing archive of the
 * jar under {@code target/faults/cds}.
 */
class CrashConsistencyIT {
    /** The whole run's planned time, setup to final checkpoint (a run behind it says so; bounds are not cut). */
    private static final Duration BUDGET = Duration.ofSeconds(465);
    private static final Duration MIN_SETTLE = Duration.ofSeconds(15);
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(40);
    private static final Path REPORT = Path.of("target/fault-report.md");
    private static final Pattern MESSAGE_ID = Pattern.compile("<MessageID>([^<]+)</MessageID>");
    /** What a scenario still needs at least, in execution order, to keep the budget for the rest. */
    private static final Map<String, Integer> RESERVE_SECONDS = new LinkedHashMap<>();

    static {
        RESERVE_SECONDS.put("S7", 8);
        RESERVE_SECONDS.put("S3", 145);
        RESERVE_SECONDS.put("S4", 62);
        RESERVE_SECONDS.put("A", 30);
        RESERVE_SECONDS.put("S1", 45);
        RESERVE_SECONDS.put("S2", 25);
        RESERVE_SECONDS.put("B", 30);
        RESERVE_SECONDS.put("S5", 50);
        RESERVE_SECONDS.put("S6", 35);
        RESERVE_SECONDS.put("final", 15);
    }

    private final long seed = Long.getLong("faults.seed", new SecureRandom().nextLong() & 0xffffffffL);
    private final Random faults = new Random(seed);
    private final String runId = Long.toString(seed, 36) + "-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final Path runDir = Path.of("target/faults/run-" + runId).toAbsolutePath();
    private final Path pki = runDir.resolve("pki");
    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final List<String> harness = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Instant suiteStart;

    private final Scenario s1 = new Scenario(1, "SIGKILL of the receiving gateway DE under load, 3 cycles");
    private final Scenario s2 = new Scenario(2, "SIGKILL of the sending gateway NL under load");
    private final Scenario s3 = new Scenario(3, "partner DE down for 65 s (SIGKILL) while NL accepts");
    private final Scenario s4 = new Scenario(4, "DE's national callback down, then 503, for ~45 s");
    private final Scenario s5 = new Scenario(5, "DE's PostgreSQL stopped (immediate) for ~25 s under load");
    private final Scenario s6 = new Scenario(6, "SIGKILL of NL, newest broker journal file cut in half");
    private final Scenario s7 = new Scenario(7, "one sealed message posted to DE 100 times at once");
    private final List<Scenario> numbered = List.of(s1, s2, s3, s4, s5, s6, s7);
    private final List<Scenario> executed = new ArrayList<>();
    private final List<Invariants.Checkpoint> checkpoints = new ArrayList<>();
    private final Map<String, Scenario> extraAccepted = new LinkedHashMap<>();
    private final List<DbSnapshot> deSnapshots = new ArrayList<>();

    private int nlHttp;
    private int deHttp;
    private int nlPartner;
    private int dePartner;
    private int nlSoap;
    private int deSoap;
    private NationalRecorder deRecorder;
    private NationalRecorder nlRecorder;
    private GatewayProcess nl;
    private GatewayProcess de;
    private LoadDriver load;
    private volatile PostgresCluster pg;
    private CompletableFuture<PostgresCluster> pgReady;
    private Path cdsArchive;
    private String s7MessageId;
    private String s7Receipt;
    private final ExecutorService worker = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faults-worker");
        t.setDaemon(true);
        return t;
    });

    @TestFactory
    Stream<DynamicTest> crashConsistentExchangeUnderFaults() {
        suiteStart = Instant.now();
        System.out.println("[faults] seed " + seed + " (reproduce with -Dfaults.seed=" + seed + "), run " + runId + ", data and logs under " + runDir);
        try {
            runAll();
        } catch (Throwable t) {
            harness.add("the run stopped early: " + t);
            log("HARNESS ERROR " + t);
            t.printStackTrace(System.out);
        } finally {
            cleanUp();
        }
        evaluate();
        Duration took = Duration.between(suiteStart, Instant.now());
        String table = FaultReport.table(numbered);
        System.out.println("[faults] seed " + seed + ", took " + took.toSeconds() + " s\n" + table);
        FaultReport.write(REPORT, FaultReport.markdown(seed, runId, took, numbered, checkpoints, timeline, harness, runDir));
        System.out.println("[faults] report written to " + REPORT.toAbsolutePath());

        List<DynamicTest> tests = new ArrayList<>();
        if (!harness.isEmpty()) {
            tests.add(dynamicTest("harness", () -> fail("fault suite harness problems (seed " + seed + "):\n  - " + Invariants.join(harness, 20))));
        }
        for (Scenario s : numbered) {
            tests.add(dynamicTest(s.toString(), () -> {
                if (s.skipped != null) {
                    System.out.println("[faults] !!!!! " + s + " SKIPPED: " + s.skipped + " !!!!!");
                    Assumptions.abort(s + " SKIPPED: " + s.skipped);
                }
                if (!s.violations.isEmpty()) {
                    fail(s + ": " + s.violations.size() + " invariant violation(s) " + Invariants.categories(s.violations) + " (seed " + seed
                            + ", report " + REPORT + "):\n  - "
                            + Invariants.join(s.violations, 25));
                }
            }));
        }
        for (Invariants.Checkpoint cp : checkpoints) {
            tests.add(dynamicTest("checkpoint " + cp.name + ": audit verify on both gateways, rows of no scenario", () -> {
                if (!cp.violations.isEmpty()) {
                    fail("checkpoint " + cp.name + " (seed " + seed + "):\n  - " + Invariants.join(cp.violations, 25));
                }
            }));
        }
        return tests.stream();
    }

    // ------------------------------------------------------------------------------------------------------------ run

    private void runAll() throws Exception {
        setUp();
        scenario(s7, this::concurrentDuplicates);
        scenario(s3, this::partnerDownOverAMinute);
        scenario(s4, this::nationalCallbackDown);
        safeCheckpoint("A", true, false);
        scenario(s1, this::killReceiver);
        scenario(s2, this::killSender);
        boolean postgres = postgresReady();
        if (postgres) {
            safeCheckpoint("B", true, true);
            scenario(s5, this::databaseDown);
        } else {
            s5.skipped = s5.skipped != null ? s5.skipped : "PostgreSQL server binaries absent (/usr/lib/postgresql/<v>/bin)";
            System.out.println("[faults] !!!!! " + s5 + " SKIPPED: " + s5.skipped + " !!!!!");
            log("S5 SKIPPED: " + s5.skipped);
        }
        scenario(s6, this::truncatedJournal);
        safeCheckpoint("final", false, false);
    }

    /** A checkpoint whose failure (a gateway that does not come back) is reported and does not end the run. */
    private void safeCheckpoint(String name, boolean restart, boolean toPostgres) {
        try {
            checkpoint(name, restart, toPostgres);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            harness.add("checkpoint " + name + " could not be completed: " + cause);
            log("checkpoint " + name + " could not be completed: " + cause);
        }
    }

    private void setUp() throws Exception {
        if (!Files.isRegularFile(GatewayProcess.JAR)) {
            throw new IllegalStateException(GatewayProcess.JAR + " is missing: build it first (mvn -B -o -q -DskipTests package)");
        }
        // earlier runs' data (journals, databases, logs: ~200 MB each) make way for this one
        try (Stream<Path> old = Files.exists(runDir.getParent()) ? Files.list(runDir.getParent()) : Stream.empty()) {
            old.filter(p -> p.getFileName().toString().startsWith("run-")).forEach(CrashConsistencyIT::deleteTree);
        }
        Files.createDirectories(pki);
        nlHttp = freePort();
        nlSoap = freePort();
        deHttp = freePort();
        deSoap = freePort();
        nlPartner = freePort();
        dePartner = freePort();
        deRecorder = new NationalRecorder("DE-national", freePort());
        nlRecorder = new NationalRecorder("NL-national", freePort());
        deRecorder.start();
        nlRecorder.start();
        // both gateways share the development PKI (generated under a file lock by whichever starts first); the
        // pseudonymisation key beside it is written here so that two first starts do not each write their own
        byte[] pseudonymKey = new byte[32];
        new SecureRandom().nextBytes(pseudonymKey);
        Files.write(pki.resolve("pseudonym.key"), pseudonymKey);

        nl = new GatewayProcess("NL", runDir.resolve("work/NL"), runDir.resolve("logs/NL.log"),
                settings("NL", runDir.resolve("NL"), nlHttp, nlSoap, nlPartner, "DE", dePartner, deSoap, nlRecorder.url()));
        de = new GatewayProcess("DE", runDir.resolve("work/DE"), runDir.resolve("logs/DE.log"),
                settings("DE", runDir.resolve("DE"), deHttp, deSoap, dePartner, "NL", nlPartner, nlSoap, deRecorder.url()));
        classDataSharing();
        log("starting DE and NL from " + GatewayProcess.JAR);
        de.start();
        nl.start();
        CompletableFuture<Path> sealed = CompletableFuture.supplyAsync(this::sealForScenario7, worker);
        de.awaitHealthy(START);
        nl.awaitHealthy(START);
        sealed.get(120, TimeUnit.SECONDS);
        log("DE pid " + de.pid() + " and NL pid " + nl.pid() + " healthy; sealed message for S7 ready");
        byte[] example = Files.readAllBytes(Path.of("docs/examples/assistance-request.json"));
        load = new LoadDriver(URI.create(nl.base() + "/api/v1/requests"), example, new Random(seed * 31 + 7), runId);
    }

    private Map<String, String> settings(String id, Path dataDir, int http, int soap, int partnerChannel, String partner, int partnerHttp, int partnerSoap,
            String callback) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("gateway.id", id);
        s.put("gateway.country", id);
        s.put("gateway.data-dir", dataDir.toString());
        s.put("gateway.pki.dir", pki.toString());
        s.put("gateway.http.port", String.valueOf(http));
        s.put("gateway.soap.port", String.valueOf(soap));
        s.put("gateway.partner-http.port", String.valueOf(partnerChannel));
        s.put("gateway.soap.address", "http://127.0.0.1:" + soap + "/soap/exchange/v1");
        s.put("gateway.partner." + partner + ".channel", "REST");
        s.put("gateway.partner." + partner + ".endpoint", "http://127.0.0.1:" + partnerHttp);
        s.put("gateway.partner." + partner + ".soap-endpoint", "http://127.0.0.1:" + partnerSoap + "/soap/exchange/v1");
        s.put("gateway.national.callback-url", callback);
        return s;
    }

    /**
     * Class-data sharing for the gateway processes: a start takes half the time with an archive of the jar's classes (about
     * 10 s instead of 20 s on a busy 2-core machine), and the suite starts gateways about fifteen times. The archive of this
     * very jar is reused; without one, NL's first start (which also generates the development PKI) writes it when it is
     * stopped with SIGTERM, before the pair starts. A JVM that cannot use the archive runs without it.
     */
    private void classDataSharing() throws IOException {
        Path lib = GatewayProcess.JAR.getParent().resolve("lib");
        long libBytes;
        try (Stream<Path> files = Files.exists(lib) ? Files.list(lib) : Stream.empty()) {
            libBytes = files.mapToLong(p -> p.toFile().length() * 31 + p.getFileName().toString().hashCode()).sum();
        }
        String fingerprint = Long.toString(Files.size(GatewayProcess.JAR), 36) + "-"
                + Long.toString(Files.getLastModifiedTime(GatewayProcess.JAR).toMillis(), 36) + "-" + Long.toString(libBytes & 0xffffffffL, 36);
        Path dir = Path.of("target/faults/cds").toAbsolutePath();
        Files.createDirectories(dir);
        cdsArchive = dir.resolve("cmag-" + fingerprint + ".jsa");
        if (!Files.isRegularFile(cdsArchive)) {
            Path made = runDir.resolve("NL.jsa");
            nl.extraJvmFlags(List.of("-XX:ArchiveClassesAtExit=" + made, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            log("no class-data sharing archive for this jar yet: NL starts once alone to write it (and the development PKI)");
            nl.start();
            nl.awaitHealthy(START);
            nl.awaitLog("partners ", Duration.ofSeconds(30));
            nl.stopGracefully(STOP);
            if (Files.isRegularFile(made)) {
                Files.move(made, cdsArchive, StandardCopyOption.REPLACE_EXISTING);
                log("class-data sharing archive written: " + cdsArchive.getFileName());
            } else {
                log("NL wrote no class-data sharing archive; gateways start without one");
            }
        }
        List<String> flags = Files.isRegularFile(cdsArchive)
                ? List.of("-XX:SharedArchiveFile=" + cdsArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off")
                : List.of();
        nl.extraJvmFlags(flags);
        de.extraJvmFlags(flags);
    }

    /** The example request as NL would send it, sealed NL->DE with the shared development PKI by the CLI ({@code message seal}). */
    private Path sealForScenario7() {
        try {
            return seal();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path seal() throws IOException {
        byte[] json = Files.readAllBytes(Path.of("docs/examples/assistance-request.json"));
        var partner = PartnerRegistry.load(null, "NL", k -> null).find("DE").orElseThrow();
        var message = new RequestTranslator("NL", "NL", Clock.systemUTC()).translate(new NationalRequestParser().parse(json), partner);
        SecureXml xml = new SecureXml();
        Path plain = runDir.resolve("s7-plain.xml");
        Path sealed = runDir.resolve("s7-sealed.xml");
        Files.write(plain, xml.serialize(new ExchangeCodec().toDocument(message, xml.newDocument())));
        GatewayProcess.Run run = GatewayProcess.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-jar", GatewayProcess.JAR.toString(), "message", "seal", "--from", "NL", "--to", "DE", "--in", plain.toString(), "--out",
                sealed.toString(), "--pki", pki.toString()), runDir.resolve("work/cli"), Duration.ofSeconds(90));
        if (run.exit() != 0) {
            throw new IllegalStateException("message seal exited " + run.exit() + ":\n" + run.output());
        }
        return sealed;
    }

    @FunctionalInterface
    private interface Body {
        void run(Scenario s) throws Exception;
    }

    private void scenario(Scenario s, Body body) {
        s.start = Instant.now();
        executed.add(s);
        log("=== " + s + " ===");
        try {
            ensureRunning(s);
            body.run(s);
        } catch (Throwable t) {
            s.violation("HARNESS: the scenario could not be completed: " + t.getMessage());
            log(s.id() + " could not be completed: " + t);
        } finally {
            if (load != null) {
                load.stopNew();
            }
            s.end = Instant.now();
            auditChainsViaApi(s);
            log(s.id() + " done: " + interim(s));
        }
    }

    /** Brings up a gateway a failed scenario left down, so the next one starts from a running pair. */
    private void ensureRunning(Scenario s) {
        for (GatewayProcess g : new GatewayProcess[] {de, nl}) {
            if (!g.alive()) {
                log(s.id() + ": " + g.name() + " is not running before the scenario; starting it");
                g.start();
                g.awaitHealthy(START);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ scenarios

    /** Scenario 7: the same sealed message posted concurrently 100 times to DE's partner door. */
    private void concurrentDuplicates(Scenario s) throws Exception {
        byte[] sealed = Files.readAllBytes(runDir.resolve("s7-sealed.xml"));
        Matcher m = MESSAGE_ID.matcher(new String(sealed, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("no MessageID in the sealed message");
        }
        s7MessageId = m.group(1);
        int n = 100;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String[]>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(de.partnerBase() + "/exchange/v1/messages")).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(sealed)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return new String[] {String.valueOf(r.statusCode()), r.headers().firstValue("Content-Type").orElse(""), r.body()};
                } catch (IOException e) {
                    return new String[] {"-1", "", e.toString()};
                }
            }));
        }
        s.faultStart = Instant.now();
        go.countDown();
        List<String[]> results = new ArrayList<>();
        for (Future<String[]> f : answers) {
            results.add(f.get(90, TimeUnit.SECONDS));
        }
        pool.shutdownNow();
        s.faultEnd = Instant.now();
        Map<String, Long> byStatus = results.stream().collect(Collectors.groupingBy(r -> r[0], LinkedHashMap::new, Collectors.counting()));
        s.note("answers by HTTP status: " + byStatus);
        log("S7 answers by status " + byStatus + " for " + s7MessageId);
        Set<String> receipts = new LinkedHashSet<>();
        for (int i = 0; i < results.size(); i++) {
            String[] r = results.get(i);
            int status = Integer.parseInt(r[0]);
            if (status == 200) {
                receipts.add(r[2]);
                continue;
            }
            boolean stackTrace = r[2].contains("Exception") || r[2].contains("\tat ") || r[2].matches("(?s).*\\bat (org|java|io|jdk)\\..*");
            boolean coded = r[1].startsWith("application/problem+json") && r[2].contains("\"code\"");
            if (status == -1) {
                s.violation("S7 ANSWER: post " + i + " of " + s7MessageId + " got no answer: " + r[2]);
            } else if (stackTrace) {
                s.violation("S7 ANSWER: post " + i + " of " + s7MessageId + " was answered " + status + " with a stack trace: " + abbreviate(r[2], 300));
            } else if (status >= 500 && status != 503 || !coded) {
                s.violation("S7 ANSWER: post " + i + " of " + s7MessageId + " was answered " + status + " (" + r[1] + ") instead of the receipt or a coded"
                        + " refusal: " + abbreviate(r[2], 300));
            }
        }
        if (receipts.isEmpty()) {
            s.violation("S7 ANSWER: none of the " + n + " posts of " + s7MessageId + " got a receipt");
            return;
        }
        if (receipts.size() > 1) {
            s.violation("S7 ANSWER: DE answered " + receipts.size() + " different receipts for the one message " + s7MessageId + " (SHA-256 "
                    + receipts.stream().map(r -> NationalRecorder.sha256(r.getBytes(StandardCharsets.UTF_8)).substring(0, 16)).toList() + ")");
        }
        s7Receipt = receipts.iterator().next();
        if (!s7Receipt.contains(s7MessageId) || !s7Receipt.contains("SignatureValue")) {
            s.violation("S7 ANSWER: the receipt for " + s7MessageId + " does not name the message or is not signed: " + abbreviate(s7Receipt, 300));
        }
        extraAccepted.put(s7MessageId, s);
        s.settleBound = Duration.ofSeconds(30);
        try {
            await("national delivery of " + s7MessageId).atMost(s.settleBound).pollInterval(Duration.ofMillis(200))
                    .until(() -> deRecorder.calls().stream().anyMatch(c -> s7MessageId.equals(c.key()) && c.accepted()));
            s.settled = true;
        } catch (ConditionTimeoutException e) {
            s.note("not delivered within " + s.settleBound.toSeconds() + " s");
        }
    }

    /** Scenario 4: DE's national system does not answer (stopped), then answers 503, for ~45 s in all; then back. */
    private void nationalCallbackDown(Scenario s) {
        load.start(s.id());
        awaitAccepted(4 + faults.nextInt(6));
        int stopped = 18 + faults.nextInt(8);
        int unavailable = 45 - stopped + faults.nextInt(6);
        s.faultStart = Instant.now();
        deRecorder.stop();
        log("S4 DE national callback stopped (connection refused) for " + stopped + " s");
        hold(Duration.ofSeconds(stopped), "DE's national system stopped");
        deRecorder.answer(NationalRecorder.Mode.UNAVAILABLE);
        deRecorder.start();
        log("S4 DE national callback answers 503 for " + unavailable + " s");
        hold(Duration.ofSeconds(unavailable), "DE's national system answering 503");
        deRecorder.answer(NationalRecorder.Mode.OK);
        s.faultEnd = Instant.now();
        log("S4 DE national callback answers 200 again");
        awaitAccepted(4);
        // the callback's back-off (1 s doubling, gw.national.callback) puts the next attempt of the first failed messages up to
        // ~40 s (32 s and its jitter) after the national system is back
        settle(s, Duration.ofSeconds(60), Duration.ofSeconds(45));
    }

    /** Scenario 1: SIGKILL of the receiving gateway at random moments under load, three cycles, each restarted at once. */
    private void killReceiver(Scenario s) {
        load.start(s.id());
        awaitAccepted(3);
        for (int cycle = 1; cycle <= 3; cycle++) {
            int k = 2 + faults.nextInt(8);
            awaitAccepted(k);
            if (s.faultStart == null) {
                s.faultStart = Instant.now();
            }
            long pid = de.pid();
            de.kill9();
            log("S1 cycle " + cycle + ": SIGKILL DE (pid " + pid + ") after " + k + " more accepted; restarting");
            de.start();
            de.awaitHealthy(START);
            log("S1 cycle " + cycle + ": DE healthy again (pid " + de.pid() + ")");
        }
        s.faultEnd = Instant.now();
        awaitAccepted(4);
        settle(s, Duration.ofSeconds(40));
    }

    /** Scenario 2: SIGKILL of the sending gateway under load, restarted at once; the load driver retries with the same keys. */
    private void killSender(Scenario s) {
        load.start(s.id());
        int k = 3 + faults.nextInt(8);
        awaitAccepted(k);
        boolean busy = awaitSubmissionInFlight();
        s.faultStart = Instant.now();
        long pid = nl.pid();
        nl.kill9();
        log("S2 SIGKILL NL (pid " + pid + ") after " + k + " accepted" + (busy ? ", with a submission in flight" : "") + "; restarting");
        nl.start();
        nl.awaitHealthy(START);
        s.faultEnd = Instant.now();
        log("S2 NL healthy again (pid " + nl.pid() + ")");
        awaitAccepted(4);
        settle(s, Duration.ofSeconds(30));
    }

    /** Scenario 3: the partner DE killed and kept down for 65 s while NL keeps accepting, then restarted. */
    private void partnerDownOverAMinute(Scenario s) {
        load.start(s.id());
        int k = 3 + faults.nextInt(6);
        awaitAccepted(k);
        s.faultStart = Instant.now();
        long pid = de.pid();
        de.kill9();
        log("S3 SIGKILL DE (pid " + pid + ") after " + k + " accepted; DE stays down 65 s");
        long acceptedBefore = load.acceptedCount();
        preparePostgres();
        hold(Duration.ofSeconds(65), "DE down");
        long acceptedDuring = load.acceptedCount() - acceptedBefore;
        s.note("NL accepted " + acceptedDuring + " submissions while DE was down");
        if (acceptedDuring == 0) {
            s.violation("NOT ACCEPTING: NL accepted nothing in the 65 s DE was down (it must keep accepting and queue)");
        }
        de.start();
        de.awaitHealthy(START);
        s.faultEnd = Instant.now();
        log("S3 DE healthy again (pid " + de.pid() + "), NL accepted " + acceptedDuring + " meanwhile");
        awaitAccepted(4);
        // NL's redelivery back-off (0.5 s doubling) puts the last attempt of the first failed messages about 64 s after DE is back
        settle(s, Duration.ofSeconds(85), Duration.ofSeconds(72));
    }

    /** Scenario 5: DE on PostgreSQL; the cluster is stopped (immediate) for ~25 s under load, then started again. */
    private void databaseDown(Scenario s) {
        load.start(s.id());
        int k = 3 + faults.nextInt(6);
        awaitAccepted(k);
        int seconds = 20 + faults.nextInt(11);
        s.faultStart = Instant.now();
        pg.stop(true);
        log("S5 PostgreSQL of DE stopped (immediate) after " + k + " accepted, for " + seconds + " s");
        hold(Duration.ofSeconds(seconds), "DE's database down");
        pg.start();
        s.faultEnd = Instant.now();
        log("S5 PostgreSQL of DE started again");
        try {
            await("DE healthy after its database came back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(de::healthy);
            s.note("DE's /health UP " + Duration.between(s.faultEnd, Instant.now()).toMillis() + " ms after the database came back");
        } catch (ConditionTimeoutException e) {
            s.violation("NOT RECOVERED: DE's /health not UP within 60 s after its database came back");
        }
        awaitAccepted(4);
        settle(s, Duration.ofSeconds(45));
    }

    /** Scenario 6: SIGKILL of NL under load, the most recently modified journal file cut to half its written length, restart. */
    private void truncatedJournal(Scenario s) throws IOException {
        load.start(s.id());
        int k = 4 + faults.nextInt(8);
        awaitAccepted(k);
        boolean busy = awaitSubmissionInFlight();
        s.faultStart = Instant.now();
        long pid = nl.pid();
        nl.kill9();
        Path journal = nl.dataDir().resolve("broker/journal");
        Path newest;
        try (Stream<Path> files = Files.list(journal)) {
            newest = files.filter(p -> p.getFileName().toString().endsWith(".amq"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow(() -> new IllegalStateException("no *.amq in " + journal));
        }
        long size = Files.size(newest);
        long written = writtenLength(newest);
        long cut = written / 2;
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.setLength(cut);
        }
        String what = "SIGKILL NL (pid " + pid + ") after " + k + " accepted" + (busy ? ", with a submission in flight" : "") + "; truncated " + newest.getFileName() + " from " + size + " bytes ("
                + written + " written, the rest pre-allocated zeros) to " + cut + " bytes";
        s.note(what);
        log("S6 " + what);
        nl.note("test truncated " + newest + " to " + cut + " bytes");
        nl.start();
        nl.awaitHealthy(START);
        s.faultEnd = Instant.now();
        log("S6 NL healthy again (pid " + nl.pid() + ")");
        awaitAccepted(4);
        settle(s, Duration.ofSeconds(30));
    }

    /** Bytes of a pre-allocated journal file up to its last non-zero byte. */
    private static long writtenLength(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int last = all.length - 1;
        while (last >= 0 && all[last] == 0) {
            last--;
        }
        return last + 1;
    }

    // ---------------------------------------------------------------------------------------------------- checkpoints

    /**
     * Stops both gateways with SIGTERM, reads their databases, runs {@code audit verify} on each and starts them again
     * ({@code toPostgres}: DE comes back on the PostgreSQL cluster, in a data directory of its own). NL and DE go through
     * this at the same time.
     */
    private void checkpoint(String name, boolean restart, boolean toPostgres) throws Exception {
        Set<Scenario> covered = new LinkedHashSet<>();
        for (Scenario s : executed) {
            if (checkpoints.stream().noneMatch(cp -> cp.covered.contains(s))) {
                covered.add(s);
            }
        }
        Invariants.Checkpoint cp = new Invariants.Checkpoint(name, Instant.now(), covered);
        checkpoints.add(cp);
        log("=== checkpoint " + name + " (covers " + covered.stream().map(Scenario::id).toList() + ") ===");
        if (load != null) {
            load.stopNew();
        }
        CompletableFuture<Void> nlDone = CompletableFuture.runAsync(() -> {
            stop(cp, nl);
            try {
                cp.nl = DbSnapshot.read("NL", DbSnapshot.h2Url(nl.dataDir()), "sa", "");
            } catch (RuntimeException e) {
                cp.violations.add("HARNESS: NL database unreadable: " + e.getMessage());
            }
            auditVerified(cp, nl, nl.cli(Duration.ofSeconds(120), "audit", "verify"));
            if (restart) {
                nl.start();
                nl.awaitHealthy(START);
            }
        }, worker);
        CompletableFuture<Void> deDone = CompletableFuture.runAsync(() -> {
            stop(cp, de);
            try {
                cp.de = readDe(de);
            } catch (RuntimeException e) {
                cp.violations.add("HARNESS: " + de.name() + " database unreadable: " + e.getMessage());
            }
            auditVerified(cp, de, de.cli(Duration.ofSeconds(120), "audit", "verify"));
            if (restart) {
                if (toPostgres) {
                    Map<String, String> settings = new LinkedHashMap<>(de.settings());
                    settings.put("gateway.data-dir", runDir.resolve("DE-pg").toString());
                    settings.put("gateway.db.url", pg.jdbcUrl("cmag"));
                    settings.put("gateway.db.user", "postgres");
                    settings.put("gateway.db.password", "");
                    GatewayProcess dePg = new GatewayProcess("DE-pg", runDir.resolve("work/DE-pg"), runDir.resolve("logs/DE-pg.log"), settings);
                    dePg.extraJvmFlags(de.jvmFlags());
                    de = dePg;
                    log("DE moves to PostgreSQL " + pg.jdbcUrl("cmag") + " with data dir " + settings.get("gateway.data-dir"));
                }
                de.start();
                de.awaitHealthy(START);
            }
        }, worker);
        try {
            CompletableFuture.allOf(nlDone, deDone).get(5, TimeUnit.MINUTES);
        } finally {
            if (cp.de != null) {
                deSnapshots.add(cp.de);
            }
            cp.deAll = deSnapshots.isEmpty() ? null : DbSnapshot.union("DE", deSnapshots);
            if (cp.de != null && s7MessageId != null && s7Receipt != null && covered.contains(s7)) {
                DbSnapshot.Receipt stored = cp.de.receipts().get(s7MessageId);
                if (stored == null || stored.receiptXml() == null || !stored.receiptXml().strip().equals(s7Receipt.strip())) {
                    s7.violation("S7 RECEIPT: the receipt DE stored for " + s7MessageId + " (inbound_receipt.receipt_xml) "
                            + (stored == null ? "is absent" : "differs from the one it answered 100 times") + " [checkpoint " + name + "]");
                }
            }
        }
        log("checkpoint " + name + " done" + (restart ? "; DE pid " + de.pid() + ", NL pid " + nl.pid() : ""));
    }

    private DbSnapshot readDe(GatewayProcess g) {
        String url = g.settings().get("gateway.db.url");
        if (url != null && url.startsWith("jdbc:postgresql:")) {
            return DbSnapshot.read(g.name(), url, g.settings().get("gateway.db.user"), g.settings().getOrDefault("gateway.db.password", ""));
        }
        return DbSnapshot.read(g.name(), DbSnapshot.h2Url(g.dataDir()), "sa", "");
    }

    private void stop(Invariants.Checkpoint cp, GatewayProcess g) {
        if (!g.alive()) {
            cp.notes.add(g.name() + " was not running");
            return;
        }
        Instant t = Instant.now();
        try {
            int exit = g.stopGracefully(STOP);
            cp.notes.add(g.name() + " stopped with SIGTERM in " + Duration.between(t, Instant.now()).toMillis() + " ms, exit " + exit);
        } catch (RuntimeException e) {
            cp.violations.add("SHUTDOWN: " + g.name() + " did not shut down cleanly on SIGTERM: " + e.getMessage());
        }
    }

    private void auditVerified(Invariants.Checkpoint cp, GatewayProcess g, GatewayProcess.Run run) {
        String result = run.output().lines().filter(l -> l.startsWith("result") || l.startsWith("records checked") || l.startsWith("error"))
                .collect(Collectors.joining("; "));
        if (run.exit() == 0) {
            cp.notes.add("audit verify on " + g.name() + ": exit 0 (" + result + ")");
        } else {
            cp.violations.add("AUDIT VERIFY: audit verify on " + g.name() + " exited " + run.exit() + " (same --set as its start):\n" + abbreviate(run.output(), 1500));
        }
        log("audit verify " + g.name() + " exit " + run.exit() + " " + result);
    }

    // ------------------------------------------------------------------------------------------------------ PostgreSQL

    /** Creates and starts DE's PostgreSQL cluster in the background (during scenario 3's outage). */
    private void preparePostgres() {
        if (!PostgresCluster.available()) {
            s5.skipped = "PostgreSQL server binaries absent (/usr/lib/postgresql/<v>/bin/initdb, pg_ctl)";
            return;
        }
        pgReady = CompletableFuture.supplyAsync(() -> {
            PostgresCluster cluster = PostgresCluster.create("faults");
            pg = cluster;
            // the server runs detached (pg_ctl): stop it and delete its directory even if this JVM is ended early
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "faults-postgres-reaper"));
            cluster.start();
            cluster.createDatabase("cmag");
            return cluster;
        });
    }

    private boolean postgresReady() {
        if (pgReady == null) {
            if (s5.skipped == null) {
                s5.skipped = "PostgreSQL cluster was not prepared (scenario 3 did not get that far)";
            }
            return false;
        }
        try {
            pgReady.get(120, TimeUnit.SECONDS);
            log("PostgreSQL cluster of the test on port " + pg.port());
            return true;
        } catch (Exception e) {
            s5.skipped = "PostgreSQL cluster could not be created/started: " + e.getMessage();
            harness.add(s5.skipped);
            return false;
        }
    }

    // --------------------------------------------------------------------------------------------------------- helpers

    /** Waits until {@code n} more submissions have been accepted (the load's own clock: faults land at random points of it). */
    private void awaitAccepted(int n) {
        long target = load.acceptedCount() + n;
        await("" + n + " more accepted submissions").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> load.acceptedCount() >= target);
    }

    /**
     * Waits (at most 5 s) for a moment when a submission has been on its way to NL for a random 3-25 ms (NL answers in 25-45 ms
     * here), so that a SIGKILL of NL lands inside its processing (sometimes between its commit and its 202); false when none
     * came.
     */
    private boolean awaitSubmissionInFlight() {
        int age = 3 + faults.nextInt(23);
        try {
            await("a submission in flight for " + age + " ms").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> load.oldestInFlightMillis() >= age);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Keeps a fault in place for {@code d} (the fault's duration is what the scenario is about). */
    private static void hold(Duration d, String what) {
        Instant until = Instant.now().plus(d);
        await(what + " for " + d.toSeconds() + " s").atMost(d.plusSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> !Instant.now().isBefore(until));
    }

    /**
     * Stops new submissions and waits (bounded) until every submission of the scenario is answered, every accepted one
     * delivered to DE's national system and acknowledged to NL's.
     */
    private void settle(Scenario s, Duration nominal) {
        settle(s, nominal, MIN_SETTLE);
    }

    /** As {@link #settle(Scenario, Duration)}, never waiting less than {@code minimum} whatever the budget says. */
    private void settle(Scenario s, Duration nominal, Duration minimum) {
        load.stopNew();
        s.loadStopped = Instant.now();
        Duration bound = budgeted(s.id(), nominal);
        if (bound.compareTo(minimum) < 0) {
            log(s.id() + " settle bound kept at its minimum of " + minimum.toSeconds() + " s");
            bound = minimum;
        }
        s.settleBound = bound;
        try {
            await(s.id() + " settled").atMost(bound).pollInterval(Duration.ofMillis(500)).until(() -> unsettled(s).isEmpty());
            s.settled = true;
            log(s.id() + " settled " + Duration.between(s.faultEnd, Instant.now()).toMillis() + " ms after the fault ended");
        } catch (ConditionTimeoutException e) {
            List<String> open = unsettled(s);
            s.note("not settled within " + bound.toSeconds() + " s of the load stopping: " + open.size() + " open: "
                    + open.stream().limit(12).toList());
            log(s.id() + " NOT settled within " + bound.toSeconds() + " s: " + open.size() + " open");
        }
    }

    /** What of a scenario's submissions is not finished yet (unanswered, undelivered, unacknowledged). */
    private List<String> unsettled(Scenario s) {
        Set<String> delivered = new LinkedHashSet<>();
        for (Call c : deRecorder.calls()) {
            if (c.accepted()) {
                delivered.add(c.key());
            }
        }
        Set<String> acked = new LinkedHashSet<>();
        for (Call c : nlRecorder.calls()) {
            if (c.accepted() && Invariants.ACK.equals(c.type())) {
                acked.add(c.inReplyTo());
            }
        }
        List<String> open = new ArrayList<>();
        for (Submission sub : load.submissions()) {
            if (!s.id().equals(sub.scenario)) {
                continue;
            }
            if (sub.pending()) {
                open.add("unanswered submission " + sub.seq);
            } else if (sub.accepted() && !delivered.contains(sub.messageId)) {
                open.add("undelivered " + sub.messageId);
            } else if (sub.accepted() && !acked.contains(sub.messageId)) {
                open.add("unacknowledged " + sub.messageId);
            }
        }
        return open;
    }

    /**
     * The settle bound of a phase: always the nominal one (a wait ends as soon as the phase has settled, so the bound only
     * matters on a slow machine, and a slow machine must not turn into a false finding). When the run is behind its time
     * budget, it says so in the log.
     */
    private Duration budgeted(String phase, Duration nominal) {
        int reserve = 0;
        boolean after = false;
        for (Map.Entry<String, Integer> e : RESERVE_SECONDS.entrySet()) {
            if (after) {
                reserve += e.getValue();
            }
            after |= e.getKey().equals(phase);
        }
        Duration left = Duration.between(Instant.now(), suiteStart.plus(BUDGET)).minusSeconds(reserve);
        if (left.compareTo(nominal) < 0) {
            log(phase + " is behind the run's time budget of " + BUDGET.toSeconds() + " s (" + left.toSeconds()
                    + " s left for it); its settle bound stays " + nominal.toSeconds() + " s");
        }
        return nominal;
    }

    /** GET /api/v1/audit/chain on each running gateway: the chain must be intact after every scenario. */
    private void auditChainsViaApi(Scenario s) {
        for (GatewayProcess g : new GatewayProcess[] {nl, de}) {
            if (g == null || !g.alive()) {
                continue;
            }
            try {
                HttpResponse<String> r = g.get("/api/v1/audit/chain");
                if (r.statusCode() != 200 || !r.body().contains("\"intact\"")) {
                    s.violation("AUDIT CHAIN: " + g.name() + "'s audit chain is not intact after " + s.id() + " (GET /api/v1/audit/chain " + r.statusCode() + "): "
                            + abbreviate(r.body(), 400));
                }
            } catch (IOException e) {
                s.note(g.name() + "'s /api/v1/audit/chain unreachable after " + s.id() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String interim(Scenario s) {
        List<Submission> mine = load == null ? List.of() : load.submissions().stream().filter(x -> s.id().equals(x.scenario)).toList();
        long accepted = mine.stream().filter(Submission::accepted).count();
        Set<String> ids = mine.stream().filter(Submission::accepted).map(x -> x.messageId).collect(Collectors.toSet());
        if (s == s7 && s7MessageId != null) {
            ids = Set.of(s7MessageId);
            accepted = s7Receipt == null ? 0 : 1;
        }
        Set<String> finalIds = ids;
        long delivered = deRecorder.calls().stream().filter(c -> c.accepted() && finalIds.contains(c.key())).map(Call::key).distinct().count();
        return "submitted " + mine.size() + ", accepted " + accepted + ", delivered so far " + delivered + ", settled " + s.settled + ", "
                + s.violations.size() + " violation(s) so far";
    }

    /** The final evaluation over everything the recorders saw and the databases held. */
    private void evaluate() {
        if (load == null) {
            return;
        }
        Invariants inv = new Invariants(executed, load.submissions(), extraAccepted);
        DbSnapshot deAll = deSnapshots.isEmpty() ? null : DbSnapshot.union("DE", deSnapshots);
        inv.deliveries(load.submissions(), deRecorder.calls(), nlRecorder.calls(), deAll);
        for (Invariants.Checkpoint cp : checkpoints) {
            inv.database(cp, cp.nl);
        }
        if (s7MessageId != null) {
            long posts = deRecorder.calls().stream().filter(c -> s7MessageId.equals(c.key()) && c.accepted()).count();
            if (posts != 1) {
                s7.violation("S7 DELIVERIES: the message posted 100 times, " + s7MessageId + ", reached DE's national system " + posts + " times (exactly once expected)");
            }
        }
        if (checkpoints.stream().noneMatch(cp -> cp.name.equals("final"))) {
            harness.add("the final checkpoint (databases, audit verify) was not reached");
        }
        writeEvidence();
    }

    /** What the national systems saw and were told, as CSV beside the gateway logs (the evidence behind the report). */
    private void writeEvidence() {
        Path dir = runDir.resolve("evidence");
        StringBuilder subs = new StringBuilder("seq,idempotency_key,scenario,created,accepted_at,message_id,case_id,refused,attempts\n");
        for (Submission x : load.submissions()) {
            subs.append(x.seq).append(',').append(x.key).append(',').append(x.scenario).append(',').append(x.created).append(',')
                    .append(x.acceptedAt == null ? "" : x.acceptedAt).append(',').append(x.messageId == null ? "" : x.messageId).append(',')
                    .append(x.caseId == null ? "" : x.caseId).append(',').append(csv(x.refused)).append(',').append(csv(String.join(" | ", x.attempts)))
                    .append('\n');
        }
        FaultReport.write(dir.resolve("submissions.csv"), subs.toString());
        for (NationalRecorder r : new NationalRecorder[] {deRecorder, nlRecorder}) {
            StringBuilder calls = new StringBuilder("at,idempotency_key,case_id,message_type,in_reply_to,submission,sha256,bytes,status\n");
            for (Call c : r.calls()) {
                calls.append(c.at()).append(',').append(c.key()).append(',').append(c.caseId()).append(',').append(c.type()).append(',')
                        .append(c.inReplyTo() == null ? "" : c.inReplyTo()).append(',').append(c.submission() == null ? "" : c.submission()).append(',')
                        .append(c.sha256()).append(',').append(c.size()).append(',').append(c.status()).append('\n');
            }
            FaultReport.write(dir.resolve(r.name() + "-calls.csv"), calls.toString());
        }
    }

    private static String csv(String s) {
        return s == null ? "" : "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }

    private void cleanUp() {
        log("cleaning up: load driver, gateways, recorders, PostgreSQL");
        if (load != null) {
            load.close();
        }
        for (GatewayProcess g : new GatewayProcess[] {nl, de}) {
            if (g != null) {
                g.killQuietly();
            }
        }
        GatewayProcess.killAllLive();
        if (deRecorder != null) {
            deRecorder.close();
        }
        if (nlRecorder != null) {
            nlRecorder.close();
        }
        if (pgReady != null) {
            try {
                pgReady.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closed below if it was created
            }
        }
        if (pg != null) {
            pg.close();
        }
        worker.shutdownNow();
    }

    private void log(String text) {
        long s = suiteStart == null ? 0 : Duration.between(suiteStart, Instant.now()).toMillis();
        String line = String.format("%7.1f s  %s", s / 1000.0, text);
        timeline.add(line);
        System.out.println("[faults] " + line);
    }

    private static String abbreviate(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left behind under target/
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
