package org.cmag.identity;

import java.util.Set;

/**
 * A caller whose access token verified: who it is and what it may do. Never holds the token itself.
 *
 * @param subject the token's {@code sub}
 * @param clientId the client the token was issued to ({@code azp}, or {@code client_id})
 * @param issuer the token's {@code iss}
 * @param partnerId the partner administration the caller acts as ({@code partner-DE} → {@code DE}, or the partner whose
 *     own issuer signed the token), or null when the caller is not a partner
 * @param roles realm roles plus the client roles on this gateway's client
 */
public record Principal(String subject, String clientId, String issuer, String partnerId, Set<String> roles) {
    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(Role role) {
        return roles.contains(role.roleName());
    }

    /** Who, for audit records: the client id (or subject when the token names no client). */
    public String name() {
        return clientId != null ? clientId : subject;
    }

    /**
     * Who, for a legal officer's audit records: a person logged in through the console client ({@link Realm#CONSOLE_CLIENT})
     * by the realm's user id ({@code sub}), since every officer shares that client; a service account by {@link #name()}.
     */
    public String officerName() {
        String who = Realm.CONSOLE_CLIENT.equals(clientId) && subject != null ? "user " + subject + " via " + clientId : name();
        return who.length() <= 100 ? who : who.substring(0, 100);
    }
}
