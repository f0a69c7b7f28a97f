package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * Stage {@code check-response} (REST channel): 200 carries the partner's receipt; 4xx is a permanent
 * rejection by the partner; anything else is a temporary failure that the broker retries with back-off.
 */
public final class CheckPartnerResponse implements Processor {
    @Override
    public void process(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 200) {
            return;
        }
        String body = exchange.getMessage().getBody(String.class);
        String excerpt = body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body;
        if (status != null && status >= 400 && status < 500) {
            throw new GatewayException(ErrorCode.DELIVERY_REJECTED, "Partner answered HTTP " + status + ": " + excerpt);
        }
        throw new GatewayException(ErrorCode.DELIVERY_FAILED, "Partner answered HTTP " + status + ": " + excerpt);
    }
}
