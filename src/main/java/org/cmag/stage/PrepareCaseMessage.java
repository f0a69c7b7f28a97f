package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseStateMachine;
import org.cmag.cases.CaseStore;
import org.cmag.crypto.SecureXml;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.flow.OutboundMessage;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.protocol.CaseContext;
import org.cmag.protocol.CaseMessage;
import org.cmag.protocol.ProtocolMessageBuilder;
import org.cmag.protocol.ProtocolMessageParser;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.Unmapped;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Stage {@code prepare-case-message}: a national system's answer or action on an existing case
 * ({@code POST /api/v1/cases/{caseId}/messages}). Checks it before anything is signed — the case exists, our side may
 * send it, the case's state allows it — and builds the exchange message with its WCO data. A national action that is
 * not a message (WORK_STARTED) only moves the case.
 */
public final class PrepareCaseMessage implements Processor {
    private final ProtocolMessageParser parser = new ProtocolMessageParser();
    private final CaseStore cases;
    private final CaseStateMachine machine;
    private final PartnerRegistry registry;
    private final ProtocolMessageBuilder builder;
    private final DeclarationTranslator translator;
    private final ExchangeCodec codec;
    private final SecureXml xml;
    private final Clock clock;
    private final int maxBytes;
    private final org.cmag.policy.Minimisation minimisation;

    public PrepareCaseMessage(CaseStore cases, CaseStateMachine machine, PartnerRegistry registry, ProtocolMessageBuilder builder,
            DeclarationTranslator translator, org.cmag.policy.Minimisation minimisation, ExchangeCodec codec, SecureXml xml, Clock clock,
            int maxBytes) {
        this.minimisation = minimisation;
        this.cases = cases;
        this.machine = machine;
        this.registry = registry;
        this.builder = builder;
        this.translator = translator;
        this.codec = codec;
        this.xml = xml;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send case messages as application/json");
        }
        byte[] body = m.getBody(byte[].class);
        if (body != null && body.length > maxBytes) {
            throw new GatewayException(ErrorCode.MESSAGE_TOO_LARGE, "The message has " + body.length + " bytes; the limit is " + maxBytes);
        }
        String caseId = m.getHeader("caseId", String.class);
        CaseMessage message = parser.parse(body == null ? new byte[0] : body);
        AssistanceCase k = cases.find(caseId).orElseThrow(() -> new GatewayException(ErrorCode.CASE_UNKNOWN, "No case " + caseId, "caseId"));
        Partner partner = registry.require(k.partnerId(), ErrorCode.UNKNOWN_PARTNER);
        if (message.event().sentBy() != null && message.event().sentBy() != k.role()) {
            throw new GatewayException(ErrorCode.CASE_WRONG_SIDE, message.event() + " is sent by the " + message.event().sentBy()
                    + " side; in case " + caseId + " we are the " + k.role() + " side", "/type");
        }
        machine.next(k.state(), message.event()); // fail before signing; re-checked under the row lock when recorded
        if (message instanceof CaseMessage.ConditionsAcceptance a && !a.accepted()) {
            throw new GatewayException(ErrorCode.INVALID_FIELD, "To decline the conditions, send a WITHDRAWAL", "/accepted");
        }
        OutboundMessage out = Flight.outbound(exchange);
        out.partner(partner).onCase(caseId, k.requestType(), k.legalBasis(), k.purpose());
        if (!message.isMessage()) {
            cases.apply(caseId, message.event(), partner.id(), null, "LOCAL", "national", clock.instant(), null);
            out.localOnly(true);
            return;
        }
        ExchangeMessageType built = builder.build(message, context(k, partner));
        Document doc = codec.toDocument(built, xml.newDocument());
        List<Unmapped> unmapped = new ArrayList<>();
        Element answer = bodyElement(doc);
        for (int i = 0; i < message.declarations().size(); i++) {
            add(doc, answer, translator.fromNationalJson(message.declarations().get(i), "/declarations/" + i), unmapped);
        }
        for (String dec : message.wcoDeclarations()) {
            add(doc, answer, translator.fromWcoDec(dec.getBytes(StandardCharsets.UTF_8)), unmapped);
        }
        for (String res : message.wcoResponses()) {
            add(doc, answer, translator.fromWcoResponse(res.getBytes(StandardCharsets.UTF_8)), unmapped);
        }
        out.policy(minimisation.minimise(doc, partner, k.requestType(), org.cmag.policy.Purposes.code(k.purpose())));
        codec.validate(doc);
        out.document(doc).unmapped(unmapped).built(built.getHeader().getMessageID(), built.getHeader().getMessageType().value());
        if (message instanceof CaseMessage.PostponementNotice p) {
            out.postponedUntil(p.postponedUntil());
        }
    }

    /** The case context of a message on {@code k}: its counterpart, legal basis and purpose, in reply to the request. */
    public static CaseContext context(AssistanceCase k, Partner partner) {
        String[] basis = k.legalBasis().split(" art\\. ", 2);
        return new CaseContext(partner, k.caseId(), basis[0], basis.length > 1 ? basis[1] : null, List.of(k.purpose()), k.requestMessageId());
    }

    private static Element bodyElement(Document doc) {
        Element body = (Element) doc.getElementsByTagNameNS(ExchangeCodec.NS, "Body").item(0);
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        throw new GatewayException(ErrorCode.INTERNAL, "Built message has an empty body");
    }

    private static void add(Document doc, Element answer, DeclarationTranslator.Translation t, List<Unmapped> unmapped) {
        answer.appendChild(doc.importNode(t.declaration(), true));
        unmapped.addAll(t.unmapped());
    }
}
