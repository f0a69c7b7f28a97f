package org.cmag.identity;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Our realm on a Keycloak server, through keycloak-admin-client: {@code realm init} and the partner clients. One
 * long-lived instance (its HTTP client pool and admin token are reused), closed on shutdown. The admin credentials
 * come from the environment only ({@value #ENV_ADMIN_USER}, {@value #ENV_ADMIN_PASSWORD}, optionally
 * {@value #ENV_ADMIN_REALM}, default {@code master}), never from configuration files. Every operation is idempotent:
 * it creates or corrects what is missing and reports what it changed.
 */
public final class KeycloakAdmin implements AutoCloseable {
    public static final String ENV_ADMIN_USER = "CMAG_KEYCLOAK_ADMIN_USER";
    public static final String ENV_ADMIN_PASSWORD = "CMAG_KEYCLOAK_ADMIN_PASSWORD";
    public static final String ENV_ADMIN_REALM = "CMAG_KEYCLOAK_ADMIN_REALM";
    private static final Pattern REALM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}");

    private final Keycloak keycloak;
    private final String url;
    private final String realm;

    private KeycloakAdmin(Keycloak keycloak, String url, String realm) {
        this.keycloak = keycloak;
        this.url = url;
        this.realm = realm;
    }

    /**
     * Connects to the server at {@code url} to administer {@code realm}, logging in with the admin credentials from
     * {@code env}; fails at once (not at the first operation) when the server cannot be reached or refuses them.
     */
    public static KeycloakAdmin connect(String url, String realm, Map<String, String> env) {
        if (url == null || url.isBlank()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "No Keycloak server: set gateway.keycloak.url or pass --url");
        }
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!base.matches("https?://[^/\\s]+(/[^\\s]*)?")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.keycloak.url must be an http(s) URL, not '" + url + "'");
        }
        if (realm == null || !REALM_NAME.matcher(realm).matches()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.keycloak.realm must be a realm name (letters, digits, - and _), not '"
                    + realm + "'");
        }
        String user = env.get(ENV_ADMIN_USER);
        String password = env.get(ENV_ADMIN_PASSWORD);
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Keycloak admin credentials come from the environment: set " + ENV_ADMIN_USER
                    + " and " + ENV_ADMIN_PASSWORD);
        }
        Keycloak keycloak = KeycloakBuilder.builder().serverUrl(base).realm(env.getOrDefault(ENV_ADMIN_REALM, "master"))
                .clientId("admin-cli").grantType("password").username(user).password(password).build();
        KeycloakAdmin admin = new KeycloakAdmin(keycloak, base, realm);
        try {
            admin.call("log in as " + user, () -> keycloak.tokenManager().getAccessTokenString());
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        return admin;
    }

    public String url() {
        return url;
    }

    public String realm() {
        return realm;
    }

    /** The realm's token endpoint, for hand-over to partners. */
    public String tokenEndpoint() {
        return Realm.issuer(url, realm) + "/protocol/openid-connect/token";
    }

    // ---------------------------------------------------------------- realm init

    /**
     * Creates what is missing of the realm model ({@link Realm}): the realm, its four roles, the gateway audience client,
     * the national system client {@code nationalClient} (service account with {@link Realm#ROLE_NATIONAL}) and the
     * legal-officer console client (public, standard flow with PKCE, redirect {@code consoleRedirectUri}). Returns what
     * it changed; empty when everything was already in place.
     */
    public List<String> initRealm(String nationalClient, String consoleRedirectUri) {
        List<String> changes = new ArrayList<>();
        boolean exists = call("read realm " + realm, () -> {
            try {
                keycloak.realm(realm).toRepresentation();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
        if (!exists) {
            RealmRepresentation r = new RealmRepresentation();
            r.setRealm(realm);
            r.setEnabled(true);
            r.setDisplayName("CMAG - Customs Mutual Assistance Gateway");
            r.setSslRequired("external");
            call("create realm " + realm, () -> {
                keycloak.realms().create(r);
                return null;
            });
            changes.add("created realm " + realm);
        }
        RealmResource rr = keycloak.realm(realm);
        for (String role : Realm.ROLES) {
            ensureRole(rr, role, changes);
        }
        ClientRepresentation gw = new ClientRepresentation();
        gw.setClientId(Realm.GATEWAY_CLIENT);
        gw.setName("CMAG gateway (token audience)");
        gw.setDescription("The audience of tokens presented to the gateway; no flows, no secret in use");
        gw.setPublicClient(false);
        gw.setStandardFlowEnabled(false);
        gw.setImplicitFlowEnabled(false);
        gw.setDirectAccessGrantsEnabled(false);
        gw.setServiceAccountsEnabled(false);
        ensureClient(rr, gw, changes);

        ClientRepresentation national = serviceClient(nationalClient, "National system " + nationalClient);
        String nationalUuid = ensureClient(rr, national, changes);
        ensureAudienceMapper(rr, nationalUuid, nationalClient, changes);
        ensureServiceAccountRole(rr, nationalUuid, nationalClient, Realm.ROLE_NATIONAL, changes);

        ClientRepresentation console = new ClientRepresentation();
        console.setClientId(Realm.CONSOLE_CLIENT);
        console.setName("Legal-officer console");
        console.setDescription("Legal officers and gateway admins log in as users with legal-officer / gateway-admin");
        console.setPublicClient(true);
        console.setStandardFlowEnabled(true);
        console.setImplicitFlowEnabled(false);
        console.setDirectAccessGrantsEnabled(false);
        console.setServiceAccountsEnabled(false);
        console.setRedirectUris(List.of(consoleRedirectUri));
        console.setWebOrigins(List.of("+")); // CORS for the page's token request: the origins of the redirect URIs
        console.setAttributes(Map.of("pkce.code.challenge.method", "S256"));
        String consoleUuid = ensureClient(rr, console, changes);
        ensureAudienceMapper(rr, consoleUuid, Realm.CONSOLE_CLIENT, changes);
        return changes;
    }

    // ---------------------------------------------------------------- partner clients

    /** A partner's client, its secret and what onboarding changed. */
    public record PartnerClient(String clientId, String secret, boolean enabled, List<String> changes) {}

    /**
     * Creates what is missing of the partner's confidential client {@code partner-<ID>}: the client (service account,
     * no other flow), the audience mapper, {@link Realm#ROLE_PARTNER} on its service account, and enables it if it was
     * disabled (re-onboarding after offboarding; then the secret is regenerated, so an old hand-over does not work again).
     */
    public PartnerClient onboardPartner(String partnerId, String partnerName, String agreementId) {
        String clientId = Realm.partnerClientId(partnerId);
        RealmResource rr = realmResource();
        List<String> changes = new ArrayList<>();
        ClientRepresentation want = serviceClient(clientId, partnerName);
        want.setDescription("Partner administration " + partnerId + " under agreement " + agreementId);
        String uuid = ensureClient(rr, want, changes);
        ensureAudienceMapper(rr, uuid, clientId, changes);
        ensureServiceAccountRole(rr, uuid, clientId, Realm.ROLE_PARTNER, changes);
        ClientResource client = rr.clients().get(uuid);
        ClientRepresentation current = call("read client " + clientId, client::toRepresentation);
        String secret;
        if (!Boolean.TRUE.equals(current.isEnabled())) {
            current.setEnabled(true);
            call("enable client " + clientId, () -> {
                client.update(current);
                return null;
            });
            secret = call("regenerate secret of " + clientId, () -> client.generateNewSecret().getValue());
            changes.add("enabled client " + clientId + " again with a new secret");
        } else {
            secret = call("read secret of " + clientId, () -> client.getSecret().getValue());
        }
        return new PartnerClient(clientId, secret, true, changes);
    }

    /** Regenerates the partner's client secret: the old one stops working at once. Returns the new secret. */
    public String rotateSecret(String partnerId) {
        String clientId = Realm.partnerClientId(partnerId);
        ClientResource client = realmResource().clients().get(requireClientUuid(partnerId));
        return call("regenerate secret of " + clientId, () -> client.generateNewSecret().getValue());
    }

    /** Disables the partner's client (no new tokens; existing ones expire). False when it already was disabled. */
    public boolean disablePartner(String partnerId) {
        String clientId = Realm.partnerClientId(partnerId);
        ClientResource client = realmResource().clients().get(requireClientUuid(partnerId));
        ClientRepresentation c = call("read client " + clientId, client::toRepresentation);
        if (!Boolean.TRUE.equals(c.isEnabled())) {
            return false;
        }
        c.setEnabled(false);
        call("disable client " + clientId, () -> {
            client.update(c);
            return null;
        });
        return true;
    }

    /** Whether the partner's client exists and is enabled; empty when it does not exist. */
    public Optional<Boolean> partnerEnabled(String partnerId) {
        return findClient(realmResource(), Realm.partnerClientId(partnerId)).map(c -> Boolean.TRUE.equals(c.isEnabled()));
    }

    // ---------------------------------------------------------------- helpers

    private RealmResource realmResource() {
        RealmResource rr = keycloak.realm(realm);
        call("read realm " + realm, () -> {
            try {
                return rr.toRepresentation();
            } catch (NotFoundException e) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "Realm " + realm + " does not exist on " + url + ": run realm init first");
            }
        });
        return rr;
    }

    private String requireClientUuid(String partnerId) {
        String clientId = Realm.partnerClientId(partnerId);
        return findClient(realmResource(), clientId).map(ClientRepresentation::getId).orElseThrow(() -> new GatewayException(
                ErrorCode.PARTNER_NOT_ONBOARDED, "Client " + clientId + " does not exist in realm " + realm + " (run partner onboard)"));
    }

    private static ClientRepresentation serviceClient(String clientId, String name) {
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(clientId);
        c.setName(name);
        c.setEnabled(true);
        c.setProtocol("openid-connect");
        c.setPublicClient(false);
        c.setClientAuthenticatorType("client-secret");
        c.setServiceAccountsEnabled(true);
        c.setStandardFlowEnabled(false);
        c.setImplicitFlowEnabled(false);
        c.setDirectAccessGrantsEnabled(false);
        return c;
    }

    private void ensureRole(RealmResource rr, String role, List<String> changes) {
        boolean exists = call("read role " + role, () -> {
            try {
                rr.roles().get(role).toRepresentation();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
        if (!exists) {
            call("create role " + role, () -> {
                rr.roles().create(new RoleRepresentation(role, "CMAG: " + role, false));
                return null;
            });
            changes.add("created realm role " + role);
        }
    }

    private Optional<ClientRepresentation> findClient(RealmResource rr, String clientId) {
        return call("find client " + clientId, () -> rr.clients().findByClientId(clientId).stream()
                .filter(c -> clientId.equals(c.getClientId())).findFirst());
    }

    /** The client's internal id; created from {@code want} when missing. */
    private String ensureClient(RealmResource rr, ClientRepresentation want, List<String> changes) {
        Optional<ClientRepresentation> found = findClient(rr, want.getClientId());
        if (found.isPresent()) {
            return found.get().getId();
        }
        call("create client " + want.getClientId(), () -> {
            try (Response r = rr.clients().create(want)) {
                if (r.getStatus() != 201) {
                    throw new WebApplicationException("create client " + want.getClientId() + " answered HTTP " + r.getStatus(), r.getStatus());
                }
            }
            return null;
        });
        changes.add("created client " + want.getClientId());
        return findClient(rr, want.getClientId()).orElseThrow(() -> new GatewayException(ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
                "Client " + want.getClientId() + " was created but cannot be found")).getId();
    }

    private void ensureAudienceMapper(RealmResource rr, String uuid, String clientId, List<String> changes) {
        var mappers = rr.clients().get(uuid).getProtocolMappers();
        boolean present = call("read mappers of " + clientId, () -> mappers.getMappers().stream()
                .anyMatch(m -> "oidc-audience-mapper".equals(m.getProtocolMapper())
                        && Realm.GATEWAY_CLIENT.equals(m.getConfig().get("included.client.audience"))));
        if (present) {
            return;
        }
        ProtocolMapperRepresentation m = new ProtocolMapperRepresentation();
        m.setName(Realm.AUDIENCE_MAPPER);
        m.setProtocol("openid-connect");
        m.setProtocolMapper("oidc-audience-mapper");
        m.setConfig(Map.of("included.client.audience", Realm.GATEWAY_CLIENT, "access.token.claim", "true", "id.token.claim", "false",
                "introspection.token.claim", "true"));
        call("add audience mapper to " + clientId, () -> {
            try (Response r = mappers.createMapper(m)) {
                if (r.getStatus() != 201) {
                    throw new WebApplicationException("add audience mapper answered HTTP " + r.getStatus(), r.getStatus());
                }
            }
            return null;
        });
        changes.add("added audience " + Realm.GATEWAY_CLIENT + " to tokens of " + clientId);
    }

    private void ensureServiceAccountRole(RealmResource rr, String uuid, String clientId, String role, List<String> changes) {
        UserRepresentation account = call("read service account of " + clientId, () -> rr.clients().get(uuid).getServiceAccountUser());
        var mapping = rr.users().get(account.getId()).roles().realmLevel();
        boolean has = call("read roles of " + clientId, () -> mapping.listAll().stream().anyMatch(r -> role.equals(r.getName())));
        if (has) {
            return;
        }
        RoleRepresentation r = call("read role " + role, () -> rr.roles().get(role).toRepresentation());
        call("grant " + role + " to " + clientId, () -> {
            mapping.add(List.of(r));
            return null;
        });
        changes.add("granted role " + role + " to the service account of " + clientId);
    }

    /** Runs one admin call; the server's failures become coded one-line errors. */
    private <T> T call(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (GatewayException e) {
            throw e;
        } catch (ProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new GatewayException(ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE, "Keycloak at " + url + " could not " + what + ": "
                    + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage()), null, e);
        } catch (WebApplicationException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatus();
            ErrorCode code = status == 401 || status == 403 ? ErrorCode.IDENTITY_ADMIN_REFUSED : ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE;
            throw new GatewayException(code, "Keycloak at " + url + " refused to " + what + " (HTTP " + status + ")"
                    + (status == 401 ? ": check " + ENV_ADMIN_USER + " / " + ENV_ADMIN_PASSWORD : ""), null, e);
        }
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
