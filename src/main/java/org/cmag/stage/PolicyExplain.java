package org.cmag.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.national.JsonFields;
import org.cmag.policy.Minimisation;
import org.cmag.policy.Minimiser;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.wco.DeclarationTranslator;
import org.w3c.dom.Element;

/**
 * {@code POST /api/v1/policy/explain?partner=DE&type=VERIFICATION_OF_ORIGIN} with a national JSON declaration: the
 * disclosure preview for legal officers — every data element with its action and deciding rule, and the payload that
 * would leave the country. Nothing is sent or stored; pseudonyms use a preview key.
 */
public final class PolicyExplain {
    private final PartnerRegistry registry;
    private final DeclarationTranslator translator;
    private final Minimiser preview;
    private final SecureXml xml;
    private final JsonFields json = new JsonFields();

    public PolicyExplain(PartnerRegistry registry, DeclarationTranslator translator, Minimiser preview, SecureXml xml) {
        this.registry = registry;
        this.translator = translator;
        this.preview = preview;
        this.xml = xml;
    }

    public void explain(Exchange exchange) {
        Message m = exchange.getMessage();
        Partner partner = registry.find(m.getHeader("partner", String.class)).orElseThrow(() -> new GatewayException(
                ErrorCode.UNKNOWN_PARTNER, "partner must name a registered partner", "partner"));
        String type = m.getHeader("type", String.class);
        if (type == null || !partner.requestTypes().contains(type)) {
            throw new GatewayException(ErrorCode.REQUEST_TYPE_NOT_PERMITTED, "type must be a request type agreement " + partner.agreementId()
                    + " permits: " + new java.util.TreeSet<>(partner.requestTypes()), "type");
        }
        String purpose = m.getHeader("purpose", String.class);
        if (purpose != null && !partner.purposes().containsKey(purpose)) {
            throw new GatewayException(ErrorCode.PURPOSE_NOT_PERMITTED, "purpose must be one the agreement " + partner.agreementId()
                    + " covers: " + new java.util.TreeSet<>(partner.purposes().keySet()), "purpose");
        }
        JsonNode declaration = json.readObject(m.getBody(byte[].class));
        Element d = translator.fromNationalJson(declaration, "").declaration();
        List<Minimiser.Decision> decisions = preview.apply(d, partner.fieldRules(type, purpose), partner.agreementId());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("partner", partner.id());
        out.put("agreement", partner.agreementId() + " v" + partner.agreementVersion());
        out.put("policyDigest", partner.policyDigest());
        out.put("requestType", type);
        if (purpose != null) {
            out.put("purpose", purpose);
        }
        var list = out.putArray("decisions");
        for (Minimiser.Decision x : decisions) {
            list.addObject().put("action", x.action().name()).put("pointer", x.pointer()).put("element", x.path()).put("rule", x.rule());
        }
        out.put("summary", Minimisation.summary(decisions));
        out.put("payload", new String(xml.serialize(d), StandardCharsets.UTF_8));
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
