package org.cmag.gateway;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.cmag.error.ErrorCode;
import org.cmag.error.FaultMapper;
import org.cmag.error.GatewayException;

/**
 * The partner channel's own listener ({@code gateway.partner-http.host}/{@code .port}): it serves the partner REST door
 * ({@code POST /exchange/v1/messages}) and nothing else, so exposing it to partner administrations never exposes the
 * national API, the legal-officer console or the audit API, which stay on {@code gateway.http.port}. Requests for the door
 * go through the main router (its start-up gate, body limits, routes and failure handling); anything else is answered
 * 404 {@code not_found} problem+json without reaching a route. Served over TLS when the listeners use TLS (the router's
 * Vert.x creates its servers hardened).
 */
final class PartnerListener implements AutoCloseable {
    /** The paths partners may reach. */
    static final Set<String> PATHS = Set.of("/exchange/v1/messages");

    private final HttpServer server;

    private PartnerListener(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port}; a port that is taken fails start-up. */
    static PartnerListener start(VertxPlatformHttpRouter router, String host, int port) {
        HttpServer server = router.vertx().createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(request -> {
                    if (PATHS.contains(request.path())) {
                        router.handle(request);
                    } else {
                        notFound(request);
                    }
                });
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new GatewayException(ErrorCode.CONFIGURATION, "The partner channel's listener cannot listen on " + host + ":" + port + ": "
                    + cause.getMessage(), null, cause);
        }
        return new PartnerListener(server);
    }

    /**
     * The main listener does not serve the partner door: a request for it that did not arrive on {@code partnerPort} is
     * answered 404 {@code not_found} (after the start-up gate, before any route).
     */
    static void closeDoorOn(VertxPlatformHttpRouter router, int partnerPort) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            if (PATHS.contains(canonical(ctx.normalizedPath())) && (ctx.request().localAddress() == null
                    || ctx.request().localAddress().port() != partnerPort)) {
                notFound(ctx.request());
            } else {
                ctx.next();
            }
        });
    }

    /** The path as the router matches it: dot segments resolved (normalizedPath), repeated and trailing slashes dropped. */
    static String canonical(String normalizedPath) {
        String p = normalizedPath.replaceAll("/{2,}", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The port it listens on. */
    int port() {
        return server.actualPort();
    }

    private static void notFound(HttpServerRequest request) {
        byte[] body = FaultMapper.problemJson(new GatewayException(ErrorCode.NOT_FOUND, PATHS.contains(request.path())
                ? "The partner channel is served on its own listener (gateway.partner-http.port), not on this one"
                : "This listener serves the partner channel only (POST /exchange/v1/messages)"));
        request.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json").end(
                io.vertx.core.buffer.Buffer.buffer(body));
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing: best effort
        }
    }
}
