package org.cmag.stage;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.policy.PartnerRegistry;
import org.cmag.tls.ChannelTls;

/**
 * Stages {@code read-client-certificate-rest} / {@code -soap} (the TLS client certificate of the connection, from the
 * listener, into an exchange property no client can set) and {@code check-client-certificate} (the sender named in the
 * header may use that connection: {@link ChannelTls#checkClient}). Without TLS on the listeners there is never a client
 * certificate, and a partner whose agreement requires one is refused.
 */
public final class CheckClientCertificate implements Processor {
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final ChannelTls tls;
    private final PartnerRegistry registry;
    private final Clock clock;

    public CheckClientCertificate(ChannelTls tls, PartnerRegistry registry, Clock clock) {
        this.tls = tls;
        this.registry = registry;
        this.clock = clock;
    }

    /** The client certificate of the REST (Vert.x) connection. */
    public void fromRest(Exchange exchange) {
        X509Certificate[] chain = NONE;
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            chain = peer(http.getRequest().sslSession());
        }
        exchange.setProperty(GatewayHeaders.CLIENT_CERTIFICATES, chain);
    }

    /** The client certificate of the SOAP (CXF) connection. */
    public void fromSoap(Exchange exchange) {
        X509Certificate[] chain = NONE;
        Object raw = exchange.getIn().getHeader(CxfConstants.CAMEL_CXF_MESSAGE);
        if (raw == null) {
            raw = exchange.getProperty(CxfConstants.CAMEL_CXF_MESSAGE);
        }
        if (raw instanceof org.apache.cxf.message.Message cxf) {
            TLSSessionInfo info = cxf.get(TLSSessionInfo.class);
            if (info != null && info.getPeerCertificates() != null) {
                chain = x509(info.getPeerCertificates());
            }
        }
        exchange.setProperty(GatewayHeaders.CLIENT_CERTIFICATES, chain);
    }

    @Override
    public void process(Exchange exchange) {
        String sender = Flight.inbound(exchange).partnerId();
        X509Certificate[] chain = exchange.getProperty(GatewayHeaders.CLIENT_CERTIFICATES, X509Certificate[].class);
        tls.checkClient(registry.require(sender, ErrorCode.UNKNOWN_SENDER), chain == null ? NONE : chain, clock.instant());
    }

    private static X509Certificate[] peer(SSLSession session) {
        if (session == null) {
            return NONE;
        }
        try {
            return x509(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return NONE;
        }
    }

    private static X509Certificate[] x509(Certificate[] certs) {
        if (certs == null || certs.length == 0) {
            return NONE;
        }
        if (!Arrays.stream(certs).allMatch(c -> c instanceof X509Certificate)) {
            throw new GatewayException(ErrorCode.CLIENT_CERTIFICATE_MISMATCH, "The client certificate is not an X.509 certificate");
        }
        return Arrays.copyOf(certs, certs.length, X509Certificate[].class);
    }
}
