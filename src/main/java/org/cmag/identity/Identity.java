package org.cmag.identity;

import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cmag.config.GatewayConfig;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;

/**
 * The gateway's identity settings, read and checked once at start-up ({@code gateway.auth.*} and the partners'
 * {@code channel.auth} and {@code gateway.partner.<ID>.token-*}). Fail closed: mode {@code keycloak} without issuer or
 * audience, an algorithm outside RS/PS/ES (never {@code none} or HMAC), a partner whose channel requires tokens while
 * the mode is {@code none}, or such a partner without token endpoint and secret — each stops start-up naming the key.
 *
 * @param access the checks of inbound calls
 * @param partnerTokens the tokens we present to partners whose channel requires them
 */
public record Identity(AccessControl access, PartnerTokens partnerTokens) {
    /** Signature algorithms that may be accepted: asymmetric only. */
    static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    public static Identity from(GatewayConfig config, PartnerRegistry registry, Clock clock) {
        String mode = config.get("gateway.auth.mode").toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("keycloak")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.auth.mode is '" + mode + "'; allowed: none, keycloak");
        }
        List<Partner> tokenPartners = registry.all().stream().filter(p -> p.channelAuth().requiresToken()).toList();
        if (mode.equals("none")) {
            if (!tokenPartners.isEmpty()) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "Partner " + tokenPartners.get(0).id() + "'s channel.auth is "
                        + tokenPartners.get(0).channelAuth().value() + ", which needs gateway.auth.mode=keycloak (it is none)");
            }
            return new Identity(AccessControl.none(), new PartnerTokens(Map.of(), null, Duration.ZERO, Duration.ZERO, clock));
        }
        Duration timeout = seconds(config, "gateway.auth.http-timeout-seconds", 1);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Duration minRefresh = seconds(config, "gateway.auth.jwks-refresh-min-seconds", 1);
        Duration maxAge = seconds(config, "gateway.auth.jwks-max-age-seconds", 1);

        String ourIssuer = url(config, "gateway.auth.issuer", config.getOptional("gateway.auth.issuer"));
        String audience = config.getOptional("gateway.auth.audience");
        if (audience == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.auth.mode=keycloak needs gateway.auth.audience (this gateway's client id, "
                    + "e.g. cmag-gateway)");
        }
        List<TokenValidator.Issuer> issuers = new ArrayList<>();
        issuers.add(new TokenValidator.Issuer(ourIssuer, new JwksSource(URI.create(jwksUrl(config, "gateway.auth.jwks-url", ourIssuer)), http,
                timeout, minRefresh, maxAge, clock), null));
        Map<String, PartnerTokens.Client> clients = new HashMap<>();
        for (Partner p : registry.all()) {
            String prefix = "gateway.partner." + p.id() + ".";
            String issuer = config.getOptional(prefix + "token-issuer");
            if (issuer != null && !issuer.equals(ourIssuer)) {
                url(config, prefix + "token-issuer", issuer);
                for (TokenValidator.Issuer known : issuers) {
                    if (known.issuer().equals(issuer)) {
                        throw new GatewayException(ErrorCode.CONFIGURATION, prefix + "token-issuer " + issuer + " is also the issuer of partner "
                                + known.partnerId() + "; a partner's own issuer speaks for that partner only");
                    }
                }
                issuers.add(new TokenValidator.Issuer(issuer, new JwksSource(URI.create(jwksUrl(config, prefix + "token-jwks-url", issuer)), http,
                        timeout, minRefresh, maxAge, clock), p.id()));
            }
            if (p.channelAuth().requiresToken()) {
                clients.put(p.id(), client(config, p, prefix));
            }
        }
        TokenValidator validator = new TokenValidator(issuers, audience, algorithms(config), seconds(config, "gateway.auth.clock-skew-seconds", 0), clock);
        return new Identity(AccessControl.tokens(validator), new PartnerTokens(clients, http, timeout,
                seconds(config, "gateway.auth.token-expiry-margin-seconds", 0), clock));
    }

    private static PartnerTokens.Client client(GatewayConfig config, Partner p, String prefix) {
        String tokenUrl = config.getOptional(prefix + "token-url");
        if (tokenUrl == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Partner " + p.id() + "'s channel.auth is " + p.channelAuth().value() + ": set " + prefix
                    + "token-url (the partner's token endpoint)");
        }
        url(config, prefix + "token-url", tokenUrl);
        String clientId = config.getOptional(prefix + "token-client-id");
        if (clientId == null) {
            clientId = Realm.partnerClientId(config.gatewayId());
        }
        String secret = config.getOptional(prefix + "token-secret");
        String secretFile = config.getOptional(prefix + "token-secret-file");
        if (secret != null && secretFile != null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Set either " + prefix + "token-secret (environment "
                    + GatewayConfig.envName(prefix + "token-secret") + ") or " + prefix + "token-secret-file, not both");
        }
        if (secretFile != null) {
            try {
                secret = Files.readString(Path.of(secretFile), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read " + prefix + "token-secret-file " + secretFile, null, e);
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Partner " + p.id() + "'s channel.auth is " + p.channelAuth().value()
                    + ": the client secret for its token endpoint comes from the environment variable "
                    + GatewayConfig.envName(prefix + "token-secret") + " or the file named by " + prefix + "token-secret-file");
        }
        return new PartnerTokens.Client(p.id(), URI.create(tokenUrl), clientId, secret);
    }

    private static Set<JWSAlgorithm> algorithms(GatewayConfig config) {
        Set<JWSAlgorithm> out = new LinkedHashSet<>();
        for (String a : config.get("gateway.auth.algorithms").split(",")) {
            String name = a.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!ALLOWED_ALGORITHMS.contains(name)) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.auth.algorithms names '" + a.trim() + "'; only asymmetric signature "
                        + "algorithms can be accepted: " + new java.util.TreeSet<>(ALLOWED_ALGORITHMS));
            }
            out.add(JWSAlgorithm.parse(name));
        }
        if (out.isEmpty()) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.auth.algorithms must name at least one algorithm");
        }
        return out;
    }

    private static String jwksUrl(GatewayConfig config, String key, String issuer) {
        String explicit = config.getOptional(key);
        // Keycloak publishes a realm's keys at <issuer>/protocol/openid-connect/certs
        return url(config, key, explicit != null ? explicit : issuer + "/protocol/openid-connect/certs");
    }

    private static String url(GatewayConfig config, String key, String value) {
        if (value == null) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.auth.mode=keycloak needs " + key + " (the realm's issuer URL, e.g. "
                    + "https://keycloak.example/realms/cmag)");
        }
        if (!value.startsWith("https://") && !value.startsWith("http://")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, key + " must be an http(s) URL, not '" + value + "'");
        }
        try {
            URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, key + " is not a valid URL: '" + value + "'");
        }
        return value;
    }

    private static Duration seconds(GatewayConfig config, String key, long min) {
        long n = config.getLong(key);
        if (n < min) {
            throw new GatewayException(ErrorCode.CONFIGURATION, key + " must be at least " + min + ", not " + n);
        }
        return Duration.ofSeconds(n);
    }
}
