package org.cmag.error;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.cmag.audit.RefusalAudit;
import org.cmag.store.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to a request body larger than the HTTP server accepts ({@code camel.server.max-body-size}: the message
 * limit plus some slack). The server stops reading such a body before any route runs, so {@link FaultMapper} never
 * sees it; this handler (a failure handler on every HTTP route; other failures pass on) gives the same coded
 * problem+json answer,
 * {@code message_too_large}, and the same audit record a route would. Bodies just over the message limit reach the
 * routes and are refused there with the same code.
 */
public final class OversizedRequests implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(OversizedRequests.class);

    private final RefusalAudit audit;
    private final long limit;

    public OversizedRequests(RefusalAudit audit, long limit) {
        this.audit = audit;
        this.limit = limit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.statusCode() != 413) {
            ctx.next();
            return;
        }
        String method = ctx.request().method().name();
        String path = ctx.request().path();
        String length = ctx.request().getHeader("Content-Length");
        GatewayException e = new GatewayException(ErrorCode.MESSAGE_TOO_LARGE, "The request body exceeds the " + limit + " bytes this server reads"
                + (length == null ? "" : " (Content-Length " + length + ")") + "; nothing of it was processed", "body");
        String type = path.startsWith("/exchange/") ? "message-rejected" : path.startsWith("/api/v1/requests") ? "submission-rejected"
                : "request-rejected";
        byte[] body = FaultMapper.problemJson(e);
        // the audit append is a database write: off the event loop
        ctx.vertx().executeBlocking(() -> {
            audit.record(AuditEvent.rejected(type, "anonymous", null, null, null, e.errorCode().code(), method + " " + path + ": " + e.detail()));
            return null;
        }, false).onComplete(done -> {
            if (done.failed()) {
                LOG.error("Could not audit an oversized request to {} {}", method, path, done.cause());
            }
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(e.errorCode().httpStatus()).putHeader("Content-Type", "application/problem+json")
                        .putHeader("Connection", "close").end(Buffer.buffer(body));
            }
        });
    }
}
