package org.cmag.identity;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The running gateway's view of offboarded partners: the set of OFFBOARDED bindings, read from the database at most
 * once per {@code gateway.identity.status-cache-seconds} (a monotonic clock, not the business clock), so an
 * offboarding done by the CLI on the database takes effect within that time without a per-message query. Partners
 * never onboarded through Keycloak (the embedded default) are not affected. Fails closed: if the status cannot be
 * read, nothing passes.
 */
public final class PartnerStatus {
    private final Supplier<Set<String>> offboarded;
    private final long ttlNanos;
    private volatile Snapshot snapshot;

    private record Snapshot(Set<String> offboarded, long readAt) {}

    public PartnerStatus(Supplier<Set<String>> offboarded, Duration ttl) {
        this.offboarded = offboarded;
        this.ttlNanos = ttl.toNanos();
    }

    /** Refuses a partner that is offboarded with {@code partner_offboarded}. */
    public void requireActive(String partnerId, String direction) {
        if (partnerId != null && current().contains(partnerId)) {
            throw new GatewayException(ErrorCode.PARTNER_OFFBOARDED, "Partner " + partnerId + " has been offboarded: " + direction + " refused");
        }
    }

    private Set<String> current() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (s == null || now - s.readAt() >= ttlNanos) {
            synchronized (this) {
                s = snapshot;
                if (s == null || now - s.readAt() >= ttlNanos) {
                    s = new Snapshot(offboarded.get(), System.nanoTime());
                    snapshot = s;
                }
            }
        }
        return s.offboarded();
    }
}
