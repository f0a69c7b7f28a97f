package org.cmag.health;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;
import org.cmag.error.ErrorCode;
import org.cmag.error.FaultMapper;
import org.cmag.error.GatewayException;

/**
 * The first handler of the REST listener, in place before the listener accepts its first connection: until the gateway
 * has started every route (those of the YAML files and the per-partner delivery routes added after them) every request
 * is answered {@code 503} {@code starting} (problem+json, {@code Retry-After}) instead of Vert.x's HTML 404 page, which a
 * national client would take as final; {@code GET /health/live} answers 200 meanwhile (the process runs). Once
 * {@link #open() opened} it only passes requests on. These answers are not audited: nothing was read or processed, and a
 * client polling a starting gateway would otherwise fill the chain.
 */
public final class StartupGate implements Handler<RoutingContext> {
    /** The liveness path, answered by the gate itself while the routes are not there yet. */
    public static final String LIVE_PATH = "/health/live";

    private static final byte[] STARTING = FaultMapper.problemJson(new GatewayException(ErrorCode.STARTING,
            "The gateway is starting; nothing was read or processed. Send the request again in a moment."));

    private volatile boolean open;
    private final AtomicLong refused = new AtomicLong();

    @Override
    public void handle(RoutingContext ctx) {
        if (open) {
            ctx.next();
            return;
        }
        if (ctx.request().method() == HttpMethod.GET && LIVE_PATH.equals(ctx.normalizedPath())) {
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"UP\",\"started\":false}");
            return;
        }
        refused.incrementAndGet();
        ctx.response().setStatusCode(ErrorCode.STARTING.httpStatus()).putHeader("Content-Type", "application/problem+json")
                .putHeader("Retry-After", String.valueOf(ErrorCode.STARTING.retryAfterSeconds()))
                .end(Buffer.buffer(STARTING));
    }

    /** Every route is up: requests pass from now on. */
    public void open() {
        open = true;
    }

    /** Whether every route is up. */
    public boolean isOpen() {
        return open;
    }

    /** How many requests were answered {@code starting}. */
    public long refused() {
        return refused.get();
    }
}
