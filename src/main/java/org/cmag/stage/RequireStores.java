package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ExchangeHelper;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.health.StoreProbe;
import org.cmag.health.StoreProbe.Store;

/**
 * Fail fast: while the store probe reports the database or the broker down, a request is refused at once with
 * {@code storage_unavailable} (503 problem+json, or the coded SOAP fault) instead of waiting on the connection pool;
 * nothing of it is read or processed. The legal officers' and administrators' APIs (routes {@code admin-*}) need only the
 * database: anything of theirs that queues a message goes through the sealing route, which needs both.
 */
public final class RequireStores implements Processor {
    private final StoreProbe stores;

    public RequireStores(StoreProbe stores) {
        this.stores = stores;
    }

    @Override
    public void process(Exchange exchange) {
        refuseIfDown(Store.DATABASE);
        String route = ExchangeHelper.getAtRouteId(exchange);
        if (route == null || !route.startsWith("admin-")) {
            refuseIfDown(Store.BROKER);
        }
    }

    private void refuseIfDown(Store store) {
        StoreProbe.Status status = stores.status(store);
        if (!status.up()) {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "The " + store.label() + " is not available (since " + status.since()
                    + "); nothing was processed. Send the request again later.");
        }
    }
}
