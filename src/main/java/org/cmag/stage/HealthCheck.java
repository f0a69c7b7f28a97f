package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.messaging.Broker;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.Database;

/** {@code GET /health}: UP (200) only when the broker and the database answer. */
public final class HealthCheck implements Processor {
    private final String ownId;
    private final Broker broker;
    private final Database database;
    private final PartnerRegistry registry;

    public HealthCheck(String ownId, Broker broker, Database database, PartnerRegistry registry) {
        this.ownId = ownId;
        this.broker = broker;
        this.database = database;
        this.registry = registry;
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
        boolean up = brokerUp && dbUp;
        String json = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"gateway\":\"" + ownId + "\",\"broker\":\""
                + (brokerUp ? "UP" : "DOWN") + "\",\"database\":\"" + (dbUp ? "UP" : "DOWN") + "\",\"partners\":"
                + registry.all().size() + "}";
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(json.getBytes(StandardCharsets.UTF_8));
    }
}
