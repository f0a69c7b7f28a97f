package org.cmag.identity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.store.PartnerBindings;

/**
 * Partner onboarding, secret rotation and offboarding: the partner's identity in our realm (through
 * {@link KeycloakAdmin}) bound to its agreement (the legal basis, from the partner registry) in the gateway's database
 * ({@link PartnerBindings}, audited). Each operation is idempotent and can be re-run after a partial failure: onboarding
 * does Keycloak first (a binding never points at a client that does not exist); offboarding marks the binding first
 * (the gateway stops the partner's channels even if Keycloak is unreachable) and then disables the client.
 */
public final class PartnerOnboarding {
    private final KeycloakAdmin keycloak;
    private final PartnerBindings bindings;
    private final PartnerRegistry registry;
    private final Clock clock;

    public PartnerOnboarding(KeycloakAdmin keycloak, PartnerBindings bindings, PartnerRegistry registry, Clock clock) {
        this.keycloak = keycloak;
        this.bindings = bindings;
        this.registry = registry;
        this.clock = clock;
    }

    /** The credentials to hand over, and what changed. */
    public record Onboarded(String partnerId, String clientId, String secret, String tokenEndpoint, String agreementId,
            PartnerBindings.Outcome binding, List<String> changes) {}

    /** Onboards the partner whose agreement file is in the registry; {@code name} defaults to the agreement's. */
    public Onboarded onboard(String partnerId, String name, String by) {
        Partner partner = agreement(partnerId);
        String displayName = name == null || name.isBlank() ? partner.name() : name;
        KeycloakAdmin.PartnerClient client = keycloak.onboardPartner(partner.id(), displayName, partner.agreementId());
        PartnerBindings.Outcome outcome = bindings.bind(partner.id(), client.clientId(), displayName, partner.agreementId(),
                partner.agreementVersion(), by, clock.instant());
        List<String> changes = new ArrayList<>(client.changes());
        switch (outcome) {
            case CREATED -> changes.add("bound " + client.clientId() + " to agreement " + partner.agreementId() + " (ACTIVE)");
            case REACTIVATED -> changes.add("binding of " + partner.id() + " ACTIVE again (was OFFBOARDED)");
            default -> { }
        }
        return new Onboarded(partner.id(), client.clientId(), client.secret(), keycloak.tokenEndpoint(), partner.agreementId(), outcome,
                changes);
    }

    /** Regenerates the partner's secret; refused for a partner that is not onboarded or is offboarded. */
    public Onboarded rotateSecret(String partnerId, String by) {
        PartnerBindings.Binding b = bindings.find(partnerId).orElseThrow(() -> new GatewayException(ErrorCode.PARTNER_NOT_ONBOARDED,
                "Partner " + partnerId + " has never been onboarded"));
        if (!b.active()) {
            throw new GatewayException(ErrorCode.PARTNER_OFFBOARDED, "Partner " + partnerId + " was offboarded on " + b.offboardedAt()
                    + "; onboard it again to issue new credentials");
        }
        String secret = keycloak.rotateSecret(partnerId);
        bindings.secretRotated(partnerId, by, clock.instant());
        return new Onboarded(partnerId, b.clientId(), secret, keycloak.tokenEndpoint(), b.agreementId(), PartnerBindings.Outcome.UNCHANGED,
                List.of("new secret for " + b.clientId() + "; the previous one no longer works"));
    }

    /** Offboards the partner: binding OFFBOARDED (audited), then its client disabled. Returns what changed. */
    public List<String> offboard(String partnerId, String by, String reason) {
        List<String> changes = new ArrayList<>();
        if (bindings.offboard(partnerId, by, reason, clock.instant())) {
            changes.add("binding of " + partnerId + " OFFBOARDED: the gateway refuses messages to and from " + partnerId);
        }
        if (keycloak.disablePartner(partnerId)) {
            changes.add("disabled client " + Realm.partnerClientId(partnerId) + " (no new tokens)");
        }
        return changes;
    }

    /** A row of {@code partner list}: every agreement and every binding. */
    public record Listed(String partnerId, String agreementId, String clientId, String status, String createdAt, String offboardedAt) {}

    public static List<Listed> list(PartnerRegistry registry, PartnerBindings bindings) {
        List<Listed> rows = new ArrayList<>();
        List<PartnerBindings.Binding> bound = bindings.list();
        for (Partner p : registry.all()) {
            Optional<PartnerBindings.Binding> b = bound.stream().filter(x -> x.partnerId().equals(p.id())).findFirst();
            rows.add(b.map(x -> row(x, p.agreementId())).orElse(new Listed(p.id(), p.agreementId(), "-", "NOT_ONBOARDED", "-", "-")));
        }
        for (PartnerBindings.Binding b : bound) {
            if (registry.find(b.partnerId()).isEmpty()) {
                rows.add(row(b, b.agreementId() + " (agreement file missing)"));
            }
        }
        rows.sort(java.util.Comparator.comparing(Listed::partnerId));
        return rows;
    }

    private static Listed row(PartnerBindings.Binding b, String agreement) {
        return new Listed(b.partnerId(), agreement, b.clientId(), b.status(), String.valueOf(b.createdAt()),
                b.offboardedAt() == null ? "-" : b.offboardedAt().toString());
    }

    private Partner agreement(String partnerId) {
        return registry.find(partnerId).orElseThrow(() -> new GatewayException(ErrorCode.UNKNOWN_PARTNER, "No agreement file for partner '"
                + partnerId + "' in the gateway's policies (policies/partners/" + partnerId + ".yaml): the agreement is the legal basis"
                + " onboarding binds an identity to"));
    }
}
