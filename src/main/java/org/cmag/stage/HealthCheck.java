package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.gateway.CertificateExpiry;
import org.cmag.gateway.KeyRing;
import org.cmag.messaging.Broker;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.Database;

/**
 * {@code GET /health}: UP (200) only when the broker and the database answer and this gateway can sign; certificates
 * (ours and partners') expiring within {@code gateway.pki.expiry-warning-days} or expired are listed as
 * {@code warnings} (still UP); no valid own signing or encryption certificate is listed under {@code errors} (DOWN).
 */
public final class HealthCheck implements Processor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String ownId;
    private final Broker broker;
    private final Database database;
    private final PartnerRegistry registry;
    private final KeyRing keys;
    private final Clock clock;
    private final int expiryWarningDays;

    public HealthCheck(String ownId, Broker broker, Database database, PartnerRegistry registry, KeyRing keys, Clock clock,
            int expiryWarningDays) {
        this.ownId = ownId;
        this.broker = broker;
        this.database = database;
        this.registry = registry;
        this.keys = keys;
        this.clock = clock;
        this.expiryWarningDays = expiryWarningDays;
    }

    @Override
    public void process(Exchange exchange) {
        boolean brokerUp = broker.isActive();
        boolean dbUp;
        try (Connection c = database.dataSource().getConnection()) {
            dbUp = c.isValid(2);
        } catch (Exception e) {
            dbUp = false;
        }
        CertificateExpiry.Report certificates = CertificateExpiry.check(ownId, keys, clock.instant(), expiryWarningDays);
        boolean up = brokerUp && dbUp && certificates.errors().isEmpty();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", up ? "UP" : "DOWN");
        health.put("gateway", ownId);
        health.put("broker", brokerUp ? "UP" : "DOWN");
        health.put("database", dbUp ? "UP" : "DOWN");
        health.put("partners", registry.all().size());
        health.put("warnings", certificates.warnings());
        health.put("errors", certificates.errors());
        String json;
        try {
            json = JSON.writeValueAsString(health);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
    }
}
