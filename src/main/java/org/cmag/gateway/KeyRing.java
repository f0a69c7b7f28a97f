package org.cmag.gateway;

import java.util.Map;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/** Our keys and each registered partner's certificates, loaded once at start-up. */
public record KeyRing(OwnKeys own, Map<String, PartnerCertificates> partners) {
    /** A partner's certificates; trust comes from here, never from a message. */
    public PartnerCertificates partner(String id) {
        PartnerCertificates c = partners.get(id);
        if (c == null) {
            throw new GatewayException(ErrorCode.UNKNOWN_SENDER, "No certificates registered for partner " + id);
        }
        return c;
    }
}
