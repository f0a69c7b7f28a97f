package org.cmag.stage;

import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/** {@code GET /api/v1/openapi.yaml}: the national API's OpenAPI document, read once. */
public final class ApiDocument implements Processor {
    private final byte[] document;

    public ApiDocument() {
        try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream("schemas/openapi/national-api.yaml")) {
            if (in == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "schemas/openapi/national-api.yaml is not on the classpath");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read the OpenAPI document", null, e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/yaml");
        m.setBody(document);
    }
}
