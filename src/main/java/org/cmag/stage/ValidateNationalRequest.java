package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.national.NationalRequestParser;

/**
 * Stage {@code validate-submission}: content type, size limit, then the national JSON against the request schema
 * (each problem names the JSON pointer of the field).
 */
public final class ValidateNationalRequest implements Processor {
    private final NationalRequestParser parser;
    private final int maxBytes;

    public ValidateNationalRequest(NationalRequestParser parser, int maxBytes) {
        this.parser = parser;
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Submit assistance requests as application/json");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new GatewayException(ErrorCode.MALFORMED_JSON, "The request body is empty", "");
        }
        if (body.length > maxBytes) {
            throw new GatewayException(ErrorCode.MESSAGE_TOO_LARGE, "The submission has " + body.length + " bytes; the limit is " + maxBytes);
        }
        Flight.outbound(exchange).request(parser.parse(body));
    }
}
