package org.cmag.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A national system submitting the example assistance request to NL's {@code POST /api/v1/requests} at 2-4 per second
 * (seeded inter-arrival times). Each submission has its own {@code Idempotency-Key}; after a connection error, a timeout
 * or a 5xx the SAME submission (same key, same bytes) is sent again later, until it gets an answer. Every 202 is kept
 * with its messageId and caseId, and the scenario during which the submission was made.
 *
 * <p>Each body carries a marker {@code [fault-suite submission N]} in its factsSummary, so a message that reaches DE's
 * national system can be traced to its submission even when NL's 202 for it never arrived.
 */
final class LoadDriver implements AutoCloseable {
    private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CASE_ID = Pattern.compile("\"caseId\"\\s*:\\s*\"([^\"]+)\"");

    /** One national submission and what became of it. */
    static final class Submission {
        final int seq;
        final String key;
        final String scenario;
        final byte[] body;
        final Instant created;
        final List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        volatile String messageId;
        volatile String caseId;
        volatile Instant acceptedAt;
        /** A final answer other than 202 (4xx), with its body, and when it came. */
        volatile String refused;
        volatile Instant refusedAt;

        Submission(int seq, String key, String scenario, byte[] body) {
            this.seq = seq;
            this.key = key;
            this.scenario = scenario;
            this.body = body;
            this.created = Instant.now();
        }

        boolean accepted() {
            return messageId != null;
        }

        boolean pending() {
            return messageId == null && refused == null;
        }

        @Override
        public String toString() {
            return "submission " + seq + " (key " + key + ", " + attempts.size() + " attempt(s): " + attempts + ")";
        }
    }

    private final URI url;
    private final String example;
    private final Random random;
    private final String runId;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService executor;
    private final List<Submission> submissions = new CopyOnWriteArrayList<>();
    private volatile String scenario;
    private volatile boolean generating;
    private final ConcurrentHashMap<Submission, Long> inFlight = new ConcurrentHashMap<>();
    private int next = 1;

    LoadDriver(URI url, byte[] example, Random random, String runId) {
        this.url = url;
        this.example = new String(example, StandardCharsets.UTF_8);
        if (!this.example.contains("\"factsSummary\": \"")) {
            throw new IllegalArgumentException("the example request has no factsSummary to carry the submission marker");
        }
        this.random = random;
        this.runId = runId;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(8, r -> {
            Thread t = new Thread(r, "load-driver");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    /** Starts submitting, each new submission tagged with {@code scenario}. */
    synchronized void start(String scenario) {
        this.scenario = scenario;
        if (!generating) {
            generating = true;
            executor.schedule(this::generate, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** No new submissions from now on; those not yet answered keep being retried. */
    synchronized void stopNew() {
        generating = false;
    }

    private void generate() {
        int seq;
        synchronized (this) {
            if (!generating) {
                return;
            }
            seq = next++;
        }
        String body = example.replaceFirst("\"factsSummary\": \"", "\"factsSummary\": \"[fault-suite submission " + seq + "] ");
        Submission s = new Submission(seq, "fs-" + runId + "-" + seq, scenario, body.getBytes(StandardCharsets.UTF_8));
        submissions.add(s);
        executor.execute(() -> attempt(s));
        long delay;
        synchronized (random) {
            delay = 250 + random.nextInt(251); // 2-4 per second
        }
        executor.schedule(this::generate, delay, TimeUnit.MILLISECONDS);
    }

    private void attempt(Submission s) {
        String outcome;
        boolean retry;
        inFlight.put(s, System.nanoTime());
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Idempotency-Key", s.key).POST(HttpRequest.BodyPublishers.ofByteArray(s.body)).build(), HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            outcome = String.valueOf(status);
            if (status == 202) {
                Matcher id = MESSAGE_ID.matcher(r.body());
                Matcher caseId = CASE_ID.matcher(r.body());
                if (id.find()) {
                    s.caseId = caseId.find() ? caseId.group(1) : null;
                    s.acceptedAt = Instant.now();
                    s.messageId = id.group(1);
                } else {
                    s.refusedAt = Instant.now();
                    s.refused = "202 without messageId: " + r.body();
                }
                retry = false;
            } else if (status >= 500) {
                retry = true;
            } else {
                s.refusedAt = Instant.now();
                s.refused = status + " " + r.body();
                retry = false;
            }
        } catch (IOException e) {
            outcome = e.getClass().getSimpleName();
            retry = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            inFlight.remove(s);
        }
        s.attempts.add(LocalTime.ofInstant(Instant.now(), ZoneOffset.UTC) + " " + outcome);
        if (retry && !executor.isShutdown()) {
            long delay = Math.min(4000, 500L << Math.min(3, s.attempts.size()));
            executor.schedule(() -> attempt(s), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** How long the oldest submission being sent right now (request out, no answer yet) has been waiting; -1 when none. */
    long oldestInFlightMillis() {
        long now = System.nanoTime();
        return inFlight.values().stream().mapToLong(t -> (now - t) / 1_000_000).max().orElse(-1);
    }

    List<Submission> submissions() {
        return List.copyOf(submissions);
    }

    long acceptedCount() {
        return submissions.stream().filter(Submission::accepted).count();
    }

    long pendingCount() {
        return submissions.stream().filter(Submission::pending).count();
    }

    @Override
    public void close() {
        generating = false;
        executor.shutdownNow();
    }
}
