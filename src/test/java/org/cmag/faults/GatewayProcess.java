package org.cmag.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One gateway as its own OS process, run from the built jar exactly as an operator runs it:
 * {@code java -jar target/cmag.jar start --set gateway.id=DE --set ...}, with its own data directory, ports and a log file
 * (appended across restarts, each start marked). Every process started here is registered and killed by a JVM shutdown
 * hook should the test not get to stop it.
 */
final class GatewayProcess {
    /** The packaged jar under test ({@code mvn package} builds it before failsafe runs). */
    static final Path JAR = Path.of("target/cmag.jar").toAbsolutePath();
    /**
     * JVM flags of the gateway processes: a bounded heap and the serial collector (two gateways share two cores with the
     * test JVM), C1 only, which shortens a cold start by about a third and changes no behaviour, only code speed.
     */
    static final List<String> JVM_FLAGS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(GatewayProcess::killAllLive, "faults-process-reaper"));
    }

    private final String name;
    private final String id;
    private final Path dataDir;
    private final Path workDir;
    private final Path log;
    private final int httpPort;
    private final Map<String, String> settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> extraJvmFlags = new ArrayList<>();
    private Process process;
    private int starts;

    /**
     * @param name a label for logs and messages ({@code DE}, {@code DE-pg})
     * @param settings every {@code --set KEY=VALUE} of the start (and of the CLI commands run on its data)
     */
    GatewayProcess(String name, Path workDir, Path log, Map<String, String> settings) {
        this.name = name;
        this.id = settings.get("gateway.id");
        this.dataDir = Path.of(settings.get("gateway.data-dir"));
        this.workDir = workDir;
        this.log = log;
        this.httpPort = Integer.parseInt(settings.get("gateway.http.port"));
        this.settings = new LinkedHashMap<>(settings);
    }

    String name() {
        return name;
    }

    String id() {
        return id;
    }

    Path dataDir() {
        return dataDir;
    }

    Path log() {
        return log;
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Base URL of its partner-channel listener. */
    String partnerBase() {
        return "http://127.0.0.1:" + settings.get("gateway.partner-http.port");
    }

    Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** JVM flags for the next starts in addition to {@link #JVM_FLAGS} (the class-data sharing archive). */
    synchronized void extraJvmFlags(List<String> flags) {
        extraJvmFlags.clear();
        extraJvmFlags.addAll(flags);
    }

    synchronized List<String> jvmFlags() {
        return List.copyOf(extraJvmFlags);
    }

    /** The {@code --set KEY=VALUE} arguments of this gateway. */
    List<String> setArguments() {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return args;
    }

    /** Starts the process (not waiting for it to be ready). */
    synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        starts++;
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(extraJvmFlags);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.add("start");
        cmd.addAll(setArguments());
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n===== [fault suite] start #" + starts + " of " + name + " at " + Instant.now() + " =====\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until {@code GET /health} answers 200 (UP); fails with the log tail when the process died or took too long. */
    void awaitHealthy(Duration atMost) {
        try {
            await(name + " healthy").atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!alive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue() + " while starting; log tail:\n" + logTail(40));
                }
                return healthy();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " did not become healthy within " + atMost.toSeconds() + " s; log tail:\n" + logTail(40), e);
        }
    }

    /** Waits until the log of the current start has a line containing {@code text}. */
    void awaitLog(String text, Duration atMost) {
        String marker = "start #" + starts + " of " + name;
        await(name + " logs '" + text + "'").atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            int from = all.lastIndexOf(marker);
            return from >= 0 && all.indexOf(text, from) >= 0;
        });
    }

    /** Whether {@code GET /health} answers 200 now. */
    boolean healthy() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** GET of a path on the gateway's REST listener; status and body, or status -1 with the error. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL ({@link Process#destroyForcibly()} is {@code kill -9} on Linux); waits until the process is gone. */
    synchronized void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitGone(Duration.ofSeconds(20));
        note("killed with SIGKILL");
    }

    /**
     * SIGTERM and wait for the clean shutdown; returns the exit code. A process that does not stop in time is killed and
     * that is reported as an exception (a gateway must shut down cleanly).
     */
    synchronized int stopGracefully(Duration atMost) {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        process.destroy();
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                waitGone(Duration.ofSeconds(20));
                throw new IllegalStateException(name + " did not stop within " + atMost.toSeconds() + " s of SIGTERM (killed); log tail:\n" + logTail(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LIVE.remove(process);
        note("stopped with SIGTERM, exit " + process.exitValue());
        return process.exitValue();
    }

    private void waitGone(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") still alive " + atMost.toSeconds() + " s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LIVE.remove(process);
    }

    /** A result of a CLI command. */
    record Run(int exit, String output) {}

    /** Runs {@code java -jar target/cmag.jar <args> --set ...} with this gateway's settings (e.g. {@code audit verify}). */
    Run cli(Duration atMost, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(setArguments());
        return run(cmd, workDir, atMost);
    }

    /** Runs a command (its own process, registered for the reaper) and returns exit code and combined output. */
    static Run run(List<String> cmd, Path dir, Duration atMost) {
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "cli-", ".log");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            LIVE.add(p);
            try {
                if (!p.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return new Run(-1, "did not finish within " + atMost.toSeconds() + " s: " + String.join(" ", cmd) + "\n" + Files.readString(out));
                }
            } finally {
                LIVE.remove(p);
            }
            return new Run(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a line into the gateway's log file (what the test did to it, and when). */
    void note(String what) {
        try {
            Files.writeString(log, "===== [fault suite] " + Instant.now() + " " + name + " " + what + " =====\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for people; the test goes on
        }
    }

    /** The last {@code lines} lines of the log file. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills (SIGKILL) this gateway if it runs; for cleanup paths, never throws. */
    void killQuietly() {
        try {
            if (alive()) {
                kill9();
            }
        } catch (RuntimeException e) {
            // cleanup goes on
        }
    }

    /** SIGKILL to every process started here that is still alive (the shutdown hook, and cleanup after a failure). */
    static void killAllLive() {
        for (Process p : LIVE) {
            p.destroyForcibly();
        }
        for (Process p : LIVE) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.clear();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
