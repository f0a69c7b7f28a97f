package org.cmag.identity;

/**
 * The gateway's roles, as realm roles (or client roles of the gateway's own client) in Keycloak. The names are the
 * realm model's (the realm init creates them); one role per endpoint group.
 */
public enum Role {
    /** Partner administrations: send messages on the partner channels ({@code /exchange/v1/messages}, SOAP). */
    PARTNER_ADMINISTRATION("partner-administration"),
    /** National systems: submit requests, answer and read cases ({@code /api/v1/requests}, {@code /api/v1/cases}). */
    NATIONAL_SYSTEM("national-system"),
    /** Legal officers: disclosure previews, held messages, written consents, audit. */
    LEGAL_OFFICER("legal-officer"),
    /** Gateway administrators: partners, keys, policies. */
    GATEWAY_ADMIN("gateway-admin");

    /** Client ids of partner administrations in our realm: {@code partner-DE} acts as partner {@code DE}. */
    public static final String PARTNER_CLIENT_PREFIX = "partner-";

    private final String roleName;

    Role(String roleName) {
        this.roleName = roleName;
    }

    /** The role's name in the realm, e.g. {@code national-system}. */
    public String roleName() {
        return roleName;
    }
}
