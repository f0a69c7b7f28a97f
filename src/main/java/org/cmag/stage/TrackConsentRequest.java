package org.cmag.stage;

import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.Partner;
import org.cmag.store.ReceivedDataRegister;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Stage {@code track-consent-request}: an ONWARD_TRANSFER ConsentRequest we send is noted (status REQUESTED) in the same
 * transaction that records the message, so the partner's ConsentDecision can be matched to its recipient and message.
 */
public final class TrackConsentRequest implements Processor {
    private final ReceivedDataRegister register;
    private final Clock clock;

    public TrackConsentRequest(ReceivedDataRegister register, Clock clock) {
        this.register = register;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Element request = first(exchange.getProperty(GatewayHeaders.DOCUMENT, Document.class).getDocumentElement(), "ConsentRequest");
        if (request == null || !"ONWARD_TRANSFER".equals(text(request, "Use"))) {
            return;
        }
        Message m = exchange.getMessage();
        Partner partner = exchange.getProperty(GatewayHeaders.PARTNER, Partner.class);
        String id = m.getHeader(GatewayHeaders.MESSAGE_ID, String.class);
        String caseId = m.getHeader(GatewayHeaders.CASE_ID, String.class);
        String recipient = text(request, "Recipient");
        String messageRef = text(request, "MessageRef");
        RecordOutbound.alsoInTransaction(exchange, c -> {
            register.consentRequested(c, id, partner.id(), recipient, messageRef, caseId, "national", clock.instant());
            return null;
        });
    }

    private static Element first(Element root, String name) {
        NodeList l = root.getElementsByTagNameNS(ExchangeCodec.NS, name);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    private static String text(Element parent, String name) {
        Element e = first(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
