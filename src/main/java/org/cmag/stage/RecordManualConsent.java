package org.cmag.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.national.JsonFields;
import org.cmag.store.ReceivedDataRegister;
import org.cmag.transfer.ManualConsents;

/**
 * {@code POST /api/v1/consents}: a legal officer records a written consent obtained outside the gateway
 * ({@code {"from","to","messageRef","reference","recordedBy"}}); answers 201 with the consent.
 */
public final class RecordManualConsent {
    private static final Set<String> FIELDS = Set.of("from", "to", "messageRef", "reference", "recordedBy");

    private final ManualConsents consents;
    private final JsonFields json = new JsonFields();

    public RecordManualConsent(ManualConsents consents) {
        this.consents = consents;
    }

    public void record(Exchange exchange) {
        Message m = exchange.getMessage();
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send consents as application/json");
        }
        byte[] body = m.getBody(byte[].class);
        JsonNode root = json.readObject(body == null ? new byte[0] : body);
        JsonFields.onlyKnown(root, "", FIELDS);
        ReceivedDataRegister.Consent c = consents.record(new ManualConsents.Request(JsonFields.text(root, "", "from", true, 35),
                JsonFields.text(root, "", "to", true, 35), JsonFields.identifier(root, "", "messageRef", true),
                JsonFields.text(root, "", "reference", true, 300), JsonFields.text(root, "", "recordedBy", true, 100)));
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(toJson(c).toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode toJson(ReceivedDataRegister.Consent c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("consentId", c.consentId());
        o.put("kind", c.kind());
        o.put("from", c.supplierId());
        o.put("to", c.recipientId());
        o.put("messageRef", c.messageRef());
        o.put("caseId", c.caseId());
        o.put("status", c.status());
        o.put("reference", c.reference());
        o.put("recordedBy", c.recordedBy());
        o.put("recordedAt", c.requestedAt().toString());
        return o;
    }
}
