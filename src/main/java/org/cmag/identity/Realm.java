package org.cmag.identity;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The realm model shared by everything that talks to Keycloak: role names, client ids and the audience.
 * {@code realm init} and {@code partner onboard} create exactly these; token validation checks exactly these.
 *
 * <ul>
 *   <li>Realm roles: {@link #ROLE_PARTNER} (partner administrations: send and receive exchange messages),
 *       {@link #ROLE_NATIONAL} (national systems: submit, answer, read cases), {@link #ROLE_LEGAL_OFFICER}
 *       (audit log, evidence, consents), {@link #ROLE_GATEWAY_ADMIN} (partners, keys, policies).</li>
 *   <li>Clients: {@link #GATEWAY_CLIENT} (the audience every token for this gateway carries, bearer-only: no
 *       secret, no flows), {@code partner-<ID>} per partner administration (confidential, service account with
 *       {@link #ROLE_PARTNER}), {@code national-<name>} per national system (confidential, service account with
 *       {@link #ROLE_NATIONAL}; {@code realm init} creates {@link #DEFAULT_NATIONAL_CLIENT}),
 *       {@link #CONSOLE_CLIENT} (public, standard flow with PKCE, for legal officers and gateway admins who log
 *       in as users holding {@link #ROLE_LEGAL_OFFICER} / {@link #ROLE_GATEWAY_ADMIN}).</li>
 *   <li>Audience: an "oidc-audience-mapper" on each partner, national and console client puts
 *       {@link #GATEWAY_CLIENT} into {@code aud}; realm roles are in the standard {@code realm_access.roles} claim;
 *       the client id is in {@code azp} (and {@code client_id} for service accounts).</li>
 * </ul>
 */
public final class Realm {
    /** Default realm name ({@code gateway.keycloak.realm}). */
    public static final String DEFAULT_REALM = "cmag";

    public static final String ROLE_PARTNER = "partner-administration";
    public static final String ROLE_NATIONAL = "national-system";
    public static final String ROLE_LEGAL_OFFICER = "legal-officer";
    public static final String ROLE_GATEWAY_ADMIN = "gateway-admin";
    public static final List<String> ROLES = List.of(ROLE_PARTNER, ROLE_NATIONAL, ROLE_LEGAL_OFFICER, ROLE_GATEWAY_ADMIN);

    /** Our gateway's client id: the audience ({@code aud}) of every token presented to this gateway. */
    public static final String GATEWAY_CLIENT = "cmag-gateway";
    public static final String PARTNER_CLIENT_PREFIX = "partner-";
    public static final String NATIONAL_CLIENT_PREFIX = "national-";
    /** The national system client {@code realm init} creates. */
    public static final String DEFAULT_NATIONAL_CLIENT = NATIONAL_CLIENT_PREFIX + "customs";
    public static final String CONSOLE_CLIENT = "legal-officer-console";
    /** Name of the protocol mapper that adds {@link #GATEWAY_CLIENT} to {@code aud}. */
    public static final String AUDIENCE_MAPPER = "cmag-gateway-audience";

    /** As {@code policy.PartnerRegistry} checks {@code partner.id}. */
    private static final Pattern PARTNER_ID = Pattern.compile("[A-Z0-9][A-Z0-9\\-]{1,34}");

    private Realm() {}

    /** {@code partner-DE} for {@code DE}. */
    public static String partnerClientId(String partnerId) {
        return PARTNER_CLIENT_PREFIX + partnerId;
    }

    /** The partner id a client id stands for: {@code DE} for {@code partner-DE}; empty for any other client. */
    public static Optional<String> partnerIdOf(String clientId) {
        if (clientId == null || !clientId.startsWith(PARTNER_CLIENT_PREFIX)) {
            return Optional.empty();
        }
        String id = clientId.substring(PARTNER_CLIENT_PREFIX.length());
        return PARTNER_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** {@code national-<name>}. */
    public static String nationalClientId(String name) {
        return NATIONAL_CLIENT_PREFIX + name;
    }

    /** Issuer of tokens from {@code realm} on the server at {@code baseUrl}: {@code <baseUrl>/realms/<realm>}. */
    public static String issuer(String baseUrl, String realm) {
        return (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl) + "/realms/" + realm;
    }
}
