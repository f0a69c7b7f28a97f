package org.cmag.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A national system's REST endpoint for the gateway's national callback ({@code gateway.national.callback-url}), in the
 * test JVM on loopback. It records every POST (Idempotency-Key, X-CMAG-Case-Id, X-CMAG-Message-Type, SHA-256 and size of
 * the body, the fault suite's submission marker and the {@code InReplyTo} in the body, the status it answered) and can be
 * switched to answer 503, or be stopped (connection refused) and started again on the same port.
 */
final class NationalRecorder implements AutoCloseable {
    /** What the recorder answers while it runs. */
    enum Mode {
        OK,
        UNAVAILABLE
    }

    /** One POST as it arrived, and the status answered. */
    record Call(Instant at, String key, String caseId, String type, String inReplyTo, Integer submission, String sha256, int size, int status) {
        boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    static final String PATH = "/national/inbound";
    /** The marker the load driver puts into each request's factsSummary. */
    static final Pattern SUBMISSION = Pattern.compile("\\[fault-suite submission (\\d+)]");
    private static final Pattern IN_REPLY_TO = Pattern.compile("<InReplyTo>([^<]+)</InReplyTo>");

    private final String name;
    private final int port;
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private volatile Mode mode = Mode.OK;
    private HttpServer server;
    private ExecutorService executor;

    NationalRecorder(String name, int port) {
        this.name = name;
        this.port = port;
    }

    String url() {
        return "http://127.0.0.1:" + port + PATH;
    }

    String name() {
        return name;
    }

    /** Starts listening on the recorder's port (again, after {@link #stop()}). */
    synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            s.createContext(PATH, this::handle);
            executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "recorder-" + name);
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(executor);
            s.start();
            server = s;
        } catch (IOException e) {
            throw new UncheckedIOException("recorder " + name + " cannot listen on " + port, e);
        }
    }

    /** Stops listening: the gateway's callback gets connection refused until {@link #start()}. */
    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    synchronized boolean running() {
        return server != null;
    }

    /** Answer 200 ({@link Mode#OK}) or 503 ({@link Mode#UNAVAILABLE}) from now on. */
    void answer(Mode mode) {
        this.mode = mode;
    }

    /** Every call so far, in arrival order. */
    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = mode == Mode.OK ? 200 : 503;
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher submission = SUBMISSION.matcher(text);
            Matcher reply = IN_REPLY_TO.matcher(text);
            calls.add(new Call(Instant.now(), ex.getRequestHeaders().getFirst("Idempotency-Key"), ex.getRequestHeaders().getFirst("X-CMAG-Case-Id"),
                    ex.getRequestHeaders().getFirst("X-CMAG-Message-Type"), reply.find() ? reply.group(1) : null,
                    submission.find() ? Integer.valueOf(submission.group(1)) : null, sha256(body), body.length, status));
            ex.sendResponseHeaders(status, -1);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
