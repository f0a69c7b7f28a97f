package org.cmag.stage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.flow.OutboundMessage;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Stage {@code track-consent-request}: an ONWARD_TRANSFER ConsentRequest we send is noted (status REQUESTED) in the same
 * transaction that records the message, so the partner's ConsentDecision can be matched to its recipient and message.
 */
public final class TrackConsentRequest implements Processor {
    @Override
    public void process(Exchange exchange) {
        OutboundMessage m = Flight.outbound(exchange);
        Element request = first(m.document().getDocumentElement(), "ConsentRequest");
        if (request == null || !"ONWARD_TRANSFER".equals(text(request, "Use"))) {
            return;
        }
        m.consentRequest(new OutboundMessage.ConsentRequest(text(request, "Recipient"), text(request, "MessageRef")));
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
