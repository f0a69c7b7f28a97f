package org.cmag.identity;

import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.policy.Partner;

/**
 * Who may call which endpoint. With {@code gateway.auth.mode=keycloak} every endpoint group requires a valid access token
 * with its role; on the partner channels the token must belong to the message's Sender. With {@code none} (the embedded
 * default) nothing is checked here: the deployment then relies on network controls and mutual TLS, and start-up refuses
 * an agreement whose channel requires tokens.
 */
public final class AccessControl {
    private final TokenValidator validator;

    private AccessControl(TokenValidator validator) {
        this.validator = validator;
    }

    /** Mode {@code none}: every check passes. */
    public static AccessControl none() {
        return new AccessControl(null);
    }

    /** Mode {@code keycloak}: tokens validated by {@code validator}. */
    public static AccessControl tokens(TokenValidator validator) {
        return new AccessControl(validator);
    }

    public boolean enabled() {
        return validator != null;
    }

    /**
     * Who calls: the verified token's principal. A token is mandatory unless {@code optional} (the partner channels,
     * where whether one is required depends on the Sender, see {@link #checkSender}). Null in mode none, and when an
     * optional token is absent.
     *
     * @param authorization the {@code Authorization} header value (may be null)
     */
    public Principal authenticate(String authorization, boolean optional) {
        if (validator == null || (optional && authorization == null)) {
            return null;
        }
        return validator.validate(authorization);
    }

    /** The caller must hold {@code role}; nothing to check in mode none or without a caller on a partner channel. */
    public void authorise(Principal caller, Role role) {
        if (validator == null || caller == null) {
            return;
        }
        if (!caller.hasRole(role)) {
            throw new GatewayException(ErrorCode.ROLE_MISSING, "Client '" + caller.name() + "' lacks the role " + role.roleName()
                    + " that this endpoint requires");
        }
    }

    /**
     * Once the envelope names the Sender: a partner whose channel requires tokens must have presented one, and a caller
     * with a token may only send as itself.
     */
    public void checkSender(Principal caller, Partner sender) {
        if (validator == null) {
            return;
        }
        if (caller == null) {
            if (sender.channelAuth().requiresToken()) {
                throw new GatewayException(ErrorCode.TOKEN_MISSING, "Partner " + sender.id() + "'s channel requires a bearer access token (channel.auth "
                        + sender.channelAuth().value() + ")");
            }
            return;
        }
        if (!sender.id().equals(caller.partnerId())) {
            throw new GatewayException(ErrorCode.PARTNER_MISMATCH, "Client '" + caller.name() + "' "
                    + (caller.partnerId() == null ? "is no partner administration" : "acts as partner " + caller.partnerId())
                    + " but the message names Sender " + sender.id(), "/ExchangeMessage/Header/Sender/AuthorityID");
        }
    }
}
