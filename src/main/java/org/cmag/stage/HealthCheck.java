package org.cmag.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.gateway.CertificateExpiry;
import org.cmag.gateway.KeyRing;
import org.cmag.health.StoreProbe;
import org.cmag.health.StoreProbe.Store;
import org.cmag.policy.PartnerRegistry;

/**
 * The operations endpoints. None of them touches a store: they read the store probe's last state, so they answer at
 * once whatever the database or broker do.
 * <ul>
 *   <li>{@code GET /health}: UP (200) only when the gateway has started, the broker and the database are up and this
 *       gateway can sign; certificates (ours and partners') expiring within {@code gateway.pki.expiry-warning-days} or
 *       expired are listed as {@code warnings} (still UP); no valid own signing or encryption certificate is listed
 *       under {@code errors} (DOWN, 503).</li>
 *   <li>{@code GET /health/live} ({@link #live}): 200 while the process and its Camel context run; no dependency is
 *       checked (a store outage is not cured by a restart).</li>
 *   <li>{@code GET /health/ready} ({@link #ready}): 200 only when every route is up and the database and the broker are
 *       up, else 503: whether to send this gateway traffic.</li>
 * </ul>
 */
public final class HealthCheck implements Processor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String ownId;
    private final StoreProbe stores;
    private final BooleanSupplier started;
    private final PartnerRegistry registry;
    private final KeyRing keys;
    private final Clock clock;
    private final int expiryWarningDays;

    public HealthCheck(String ownId, StoreProbe stores, BooleanSupplier started, PartnerRegistry registry, KeyRing keys, Clock clock,
            int expiryWarningDays) {
        this.ownId = ownId;
        this.stores = stores;
        this.started = started;
        this.registry = registry;
        this.keys = keys;
        this.clock = clock;
        this.expiryWarningDays = expiryWarningDays;
    }

    @Override
    public void process(Exchange exchange) {
        boolean brokerUp = stores.isUp(Store.BROKER);
        boolean dbUp = stores.isUp(Store.DATABASE);
        boolean isStarted = started.getAsBoolean();
        CertificateExpiry.Report certificates = CertificateExpiry.check(ownId, keys, clock.instant(), expiryWarningDays);
        boolean up = isStarted && brokerUp && dbUp && certificates.errors().isEmpty();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", up ? "UP" : "DOWN");
        health.put("gateway", ownId);
        health.put("started", isStarted);
        health.put("broker", brokerUp ? "UP" : "DOWN");
        health.put("database", dbUp ? "UP" : "DOWN");
        health.put("partners", registry.all().size());
        health.put("warnings", certificates.warnings());
        health.put("errors", certificates.errors());
        answer(exchange, up, health);
    }

    /** {@code GET /health/live}: the process and its Camel context run. */
    public void live(Exchange exchange) {
        var status = exchange.getContext().getStatus();
        boolean alive = status.isStarted() || status.isStarting();
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("status", alive ? "UP" : "DOWN");
        live.put("started", started.getAsBoolean());
        answer(exchange, alive, live);
    }

    /** {@code GET /health/ready}: started, database up, broker up. */
    public void ready(Exchange exchange) {
        boolean brokerUp = stores.isUp(Store.BROKER);
        boolean dbUp = stores.isUp(Store.DATABASE);
        boolean isStarted = started.getAsBoolean();
        boolean ready = isStarted && brokerUp && dbUp;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "READY" : "NOT_READY");
        body.put("started", isStarted);
        body.put("broker", brokerUp ? "UP" : "DOWN");
        body.put("database", dbUp ? "UP" : "DOWN");
        answer(exchange, ready, body);
    }

    private static void answer(Exchange exchange, boolean ok, Map<String, Object> body) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, ok ? 200 : 503);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
    }
}
