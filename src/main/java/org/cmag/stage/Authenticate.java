package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.identity.AccessControl;
import org.cmag.identity.Principal;
import org.cmag.identity.Role;
import org.cmag.messaging.GatewayHeaders;

/**
 * Stage {@code authorise-*}: the caller's access token must be valid and carry the endpoint group's role (mode
 * keycloak; a pass-through in mode none). On the partner channels a token is checked when presented, and whether one is
 * required is decided once the Sender is known ({@link AuthoriseSender}). The verified caller goes into an exchange
 * property (a client cannot set one); the Authorization header is removed once checked, so the token travels no further.
 */
public final class Authenticate implements Processor {
    private final AccessControl access;
    private final Role role;

    public Authenticate(AccessControl access, Role role) {
        this.access = access;
        this.role = role;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String authorization = m.getHeader("Authorization", String.class);
        Principal caller = access.authenticate(authorization, role == Role.PARTNER_ADMINISTRATION);
        m.removeHeader("Authorization");
        if (caller != null) {
            exchange.setProperty(GatewayHeaders.CALLER, caller);
        }
        access.authorise(caller, role);
    }
}
