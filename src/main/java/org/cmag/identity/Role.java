package org.cmag.identity;

/**
 * The gateway's roles, one per endpoint group, as realm roles in Keycloak: the names are {@link Realm}'s (the realm
 * model {@code realm init} creates).
 */
public enum Role {
    /** Partner administrations: send messages on the partner channels ({@code /exchange/v1/messages}, SOAP). */
    PARTNER_ADMINISTRATION(Realm.ROLE_PARTNER),
    /** National systems: submit requests, answer and read cases ({@code /api/v1/requests}, {@code /api/v1/cases}). */
    NATIONAL_SYSTEM(Realm.ROLE_NATIONAL),
    /** Legal officers: disclosure previews, held messages, written consents, audit. */
    LEGAL_OFFICER(Realm.ROLE_LEGAL_OFFICER),
    /** Gateway administrators: partners, keys, policies. */
    GATEWAY_ADMIN(Realm.ROLE_GATEWAY_ADMIN);

    private final String roleName;

    Role(String roleName) {
        this.roleName = roleName;
    }

    /** The role's name in the realm, e.g. {@code national-system}. */
    public String roleName() {
        return roleName;
    }
}
