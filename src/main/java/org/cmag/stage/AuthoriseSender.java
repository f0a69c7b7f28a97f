package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.identity.AccessControl;
import org.cmag.identity.Principal;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.PartnerRegistry;

/**
 * Stage {@code authorise-sender} (partner channels, after {@code check-envelope}): the partner administration that
 * authenticated must be the Sender the message names, and a Sender whose channel requires tokens must have presented
 * one. The signature is later verified with that same Sender's registered certificate.
 */
public final class AuthoriseSender implements Processor {
    private final AccessControl access;
    private final PartnerRegistry registry;

    public AuthoriseSender(AccessControl access, PartnerRegistry registry) {
        this.access = access;
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        access.checkSender(exchange.getProperty(GatewayHeaders.CALLER, Principal.class),
                registry.require(Flight.inbound(exchange).partnerId(), ErrorCode.UNKNOWN_SENDER));
    }
}
