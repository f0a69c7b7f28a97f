package org.cmag.stage;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.flow.DeadLetters;
import org.cmag.flow.DeliveryAttempts;
import org.cmag.flow.InboundMessage;
import org.cmag.flow.InboundRecorder;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.messaging.RedeliveryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The national REST callback: the message goes out with {@code Idempotency-Key} = its message id (a national system that
 * sees it twice after a retry must apply it once; the bytes are the same) and the routing headers. A 2xx answer makes the
 * inbound message DELIVERED; anything else is a failed attempt, explained on the row and in the audit trail, logged in one
 * line, and retried by the broker with the back-off of {@code gw.national.callback} in {@code config/broker/broker.xml}
 * (hours), then dead-lettered with the reason.
 */
public final class NationalCallback implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(NationalCallback.class);

    private final InboundRecorder recorder;
    private final DeliveryAttempts attempts;
    private final RedeliveryPolicy.Settings settings;
    private final String queue;

    public NationalCallback(InboundRecorder recorder, DeliveryAttempts attempts, RedeliveryPolicy.Settings settings, String queue) {
        this.recorder = recorder;
        this.attempts = attempts;
        this.settings = settings;
        this.queue = queue;
    }

    /** Stage {@code prepare-callback}: the queued message in flight, as the national system receives it. */
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        InboundMessage in = Flight.startInbound(exchange).received(m.getHeader(GatewayHeaders.MESSAGE_ID, String.class),
                m.getHeader(GatewayHeaders.PARTNER_ID, String.class), null, null);
        in.validated(null, m.getHeader(GatewayHeaders.CASE_ID, String.class), m.getHeader(GatewayHeaders.MESSAGE_TYPE, String.class),
                m.getHeader(GatewayHeaders.REQUEST_TYPE, String.class), m.getHeader(GatewayHeaders.LEGAL_BASIS, String.class),
                m.getHeader(GatewayHeaders.PURPOSE, String.class));
        Integer count = m.getHeader("JMSXDeliveryCount", Integer.class);
        in.deliveryCount(count == null ? 1 : count).nationalPayload(m.getBody(byte[].class));
        m.removeHeaders("*");
        m.setHeader("Idempotency-Key", in.messageId());
        m.setHeader("X-CMAG-Case-Id", in.caseId());
        m.setHeader("X-CMAG-Message-Type", in.messageType());
        m.setHeader("X-CMAG-Partner", in.partnerId());
        m.setHeader(Exchange.CONTENT_TYPE, "application/xml");
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setBody(in.nationalPayload());
    }

    /** Stage {@code check-callback-response}: only 2xx is a delivery. */
    public void checkResponse(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status < 200 || status >= 300) {
            throw new GatewayException(ErrorCode.DELIVERY_FAILED, "National callback answered HTTP " + status);
        }
    }

    /** Stage {@code mark-delivered}: the national system has it. */
    public void delivered(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        InboundMessage m = Flight.inbound(exchange);
        recorder.delivered(m.partnerId(), m.messageId(), "national callback answered HTTP " + status);
    }

    /** Stage {@code callback-attempt-failed}: one failed attempt; at the last one, the dead letter. */
    public void attemptFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        InboundMessage m = exchange.getProperty(InboundMessage.PROPERTY, InboundMessage.class);
        String code = t instanceof GatewayException g ? g.errorCode().code() : ErrorCode.DELIVERY_FAILED.code();
        if (m == null || m.messageId() == null) {
            LOG.warn("national callback of a queued message failed before it was read [{}]: {}", code, DeliveryFailed.describe(t));
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(GatewayHeaders.MESSAGE_ID, m.messageId());
        headers.put(GatewayHeaders.CASE_ID, m.caseId());
        headers.put(GatewayHeaders.PARTNER_ID, m.partnerId());
        headers.put(GatewayHeaders.MESSAGE_TYPE, m.messageType());
        headers.values().removeIf(v -> v == null);
        DeliveryAttempts.Outcome o = attempts.failed(DeliveryAttempts.Kind.NATIONAL_CALLBACK, m.partnerId(), m.messageId(), queue, settings,
                m.deliveryCount(), code, DeliveryFailed.describe(t), DeadLetters.headersJson(headers),
                m.nationalPayload() == null ? null : new String(m.nationalPayload(), StandardCharsets.UTF_8));
        LOG.warn("message {} from {}: national callback {} [{}]: {}", m.messageId(), m.partnerId(), o.describe(), code,
                DeliveryFailed.describe(t));
        LOG.debug("national callback failure of {}", m.messageId(), t);
    }

    /** For the error handler: whether this failure is the message's last attempt (then it is dead-lettered, not rolled back). */
    public boolean lastAttempt(Exchange exchange) {
        InboundMessage m = exchange.getProperty(InboundMessage.PROPERTY, InboundMessage.class);
        return m != null && attempts.isLast(DeliveryAttempts.Kind.NATIONAL_CALLBACK, m.partnerId(), m.messageId(), settings, m.deliveryCount());
    }
}
