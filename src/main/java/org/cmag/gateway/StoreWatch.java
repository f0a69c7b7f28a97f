package org.cmag.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.cmag.audit.AuditSpool;
import org.cmag.audit.RefusalAudit;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.health.StartupGate;
import org.cmag.health.StoreProbe;
import org.cmag.health.StoreProbe.Store;
import org.cmag.messaging.Broker;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway's watch on its stores, wired once at start-up: the store probe (database and broker), the audit of
 * refusals with its spool (drained at start-up and whenever the database comes back), the pause of the queue consumers
 * while the database is down, and the start-up gate of the REST listener. README "When a store is down".
 */
final class StoreWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);
    final StoreProbe stores;
    final RefusalAudit refusals;
    final StartupGate gate = new StartupGate();
    private ConsumerPause consumerPause;

    private StoreWatch(StoreProbe stores, RefusalAudit refusals) {
        this.stores = stores;
        this.refusals = refusals;
    }

    /** Starts the probe and the refusal audit; appends refusals an earlier run left in the spool. */
    static StoreWatch start(GatewayConfig config, Database database, Broker broker, AuditLog audit, Clock clock) {
        Duration interval = millis(config, "gateway.health.probe-interval-ms");
        Duration timeout = millis(config, "gateway.health.probe-timeout-ms");
        int validSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        Map<Store, StoreProbe.Check> checks = new EnumMap<>(Store.class);
        checks.put(Store.DATABASE, () -> database.check(validSeconds));
        checks.put(Store.BROKER, broker::check);
        StoreProbe stores = new StoreProbe(config.gatewayId(), checks, interval, timeout, clock);
        RefusalAudit refusals;
        try {
            refusals = new RefusalAudit(audit, new AuditSpool(config.getPath("gateway.audit.spool-dir"), clock), database,
                    () -> stores.isUp(Store.DATABASE), interval, config.gatewayId());
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
        stores.addListener((store, status) -> {
            if (store != Store.DATABASE) {
                return;
            }
            if (status.up()) {
                database.markAvailable();
                refusals.drainSoon();
            } else {
                int aborted = database.markUnavailable(status.since().toString()); // no more waits on the pool, in flight or new
                if (aborted > 0) {
                    LOG.warn("Gateway {}: database down: {} transaction(s) in flight aborted", config.gatewayId(), aborted);
                }
            }
        });
        try {
            stores.start();
        } catch (RuntimeException e) {
            refusals.close();
            throw e;
        }
        refusals.drainNow();
        return new StoreWatch(stores, refusals);
    }

    private static Duration millis(GatewayConfig config, String key) {
        long ms = config.getLong(key);
        if (ms < 50) {
            throw new GatewayException(ErrorCode.CONFIGURATION, key + " must be at least 50, not " + ms);
        }
        return Duration.ofMillis(ms);
    }

    /** Every route is up: the queue consumers follow the database's state from now on, and the REST listener opens. */
    void routesUp(CamelContext context, String gatewayId) {
        consumerPause = new ConsumerPause(context, stores, gatewayId);
        stores.addListener(consumerPause);
        consumerPause.sync(); // the database may have gone down while the routes were being added
        gate.open();
    }

    /** Stops watching (first thing at shutdown: no transitions, no suspensions while the routes stop). */
    void stopProbing() {
        stores.close();
        if (consumerPause != null) {
            consumerPause.close();
        }
    }

    /** Stops the spool's retries (before the database closes). */
    @Override
    public void close() {
        stopProbing();
        refusals.close();
    }
}
