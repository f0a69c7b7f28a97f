package org.cmag.tls;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.configuration.jsse.TLSServerParameters;
import org.apache.cxf.configuration.security.ClientAuthentication;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http_undertow.UndertowHTTPServerEngineFactory;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * How the TLS settings of {@link ChannelTls} reach the two kinds of listener and the SOAP client.
 *
 * <p>The REST listener (camel platform-http on Vert.x) is configured by camel-main, whose server settings have no
 * client authentication, protocol or cipher-suite options. The gateway therefore hands camel-main a Vert.x instance
 * that completes the options of the HTTP server it creates: TLS with our key, the partners' anchors as client trust,
 * client authentication <em>requested</em> (not required: the national API on the same listener takes no client
 * certificate; the partner channel checks it per sender, {@link ChannelTls#checkClient}), TLS 1.3/1.2 and
 * {@link ChannelTls#CIPHER_SUITES} only.
 *
 * <p>The SOAP listener (CXF on Undertow) gets the same through the engine factory of its bus, keyed by host and port,
 * before the endpoint binds; the SOAP client gets our key and the partner's anchors on its conduit, host name
 * verification left on.
 */
public final class TlsListeners {
    private TlsListeners() {
    }

    /** Applies our TLS settings to the options of an HTTP server about to be created. */
    static void harden(HttpServerOptions options, ChannelTls tls) {
        options.setSsl(true);
        options.setKeyCertOptions(KeyCertOptions.wrap(tls.keyManager()));
        if (tls.requestsClientCertificates()) {
            options.setTrustOptions(TrustOptions.wrap(tls.clientTrust()));
            options.setClientAuth(ClientAuth.REQUEST);
        } else {
            options.setClientAuth(ClientAuth.NONE);
        }
        options.setEnabledSecureTransportProtocols(new LinkedHashSet<>(ChannelTls.PROTOCOLS));
        for (String suite : List.copyOf(options.getEnabledCipherSuites())) {
            options.removeEnabledCipherSuite(suite);
        }
        ChannelTls.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }

    /**
     * A Vert.x instance, for camel platform-http to find in the registry, that delegates to {@code real} and serves every
     * HTTP server it creates over TLS as {@link #harden} describes. The caller owns {@code real} and closes it.
     */
    public static Vertx tlsVertx(Vertx real, ChannelTls tls) {
        return (Vertx) Proxy.newProxyInstance(TlsListeners.class.getClassLoader(), new Class<?>[] {VertxInternal.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "equals":
                    if (args != null && args.length == 1 && method.getParameterTypes()[0] == Object.class) {
                        return proxy == args[0];
                    }
                    break;
                case "hashCode":
                    if (args == null || args.length == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "createHttpServer":
                    if (args != null && args.length == 1 && args[0] instanceof HttpServerOptions options) {
                        HttpServerOptions copy = new HttpServerOptions(options);
                        harden(copy, tls);
                        return real.createHttpServer(copy);
                    }
                    if (args == null || args.length == 0) {
                        HttpServerOptions copy = new HttpServerOptions();
                        harden(copy, tls);
                        return real.createHttpServer(copy);
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** The SOAP listener's TLS settings, as a configurer of the CXF consumer endpoint; a no-op when {@code tls} is null. */
    public static CxfConfigurer soapServer(ChannelTls tls, String host, int port) {
        return new CxfConfigurer() {
            @Override
            public void configure(AbstractWSDLBasedEndpointFactory factory) {
                if (tls == null) {
                    return;
                }
                UndertowHTTPServerEngineFactory engines = factory.getBus().getExtension(UndertowHTTPServerEngineFactory.class);
                if (engines == null) {
                    throw new GatewayException(ErrorCode.CONFIGURATION, "The SOAP transport (CXF Undertow) is not available for TLS");
                }
                TLSServerParameters params = new TLSServerParameters();
                params.setKeyManagers(tls.keyManagers());
                ClientAuthentication auth = new ClientAuthentication();
                if (tls.requestsClientCertificates()) {
                    params.setTrustManagers(new javax.net.ssl.TrustManager[] {tls.clientTrust()});
                    auth.setWant(true);
                } else {
                    auth.setWant(false);
                }
                auth.setRequired(false);
                params.setClientAuthentication(auth);
                params.setIncludeProtocols(ChannelTls.PROTOCOLS);
                params.setCipherSuites(ChannelTls.CIPHER_SUITES);
                try {
                    engines.setTLSServerParametersForPort(host, port, params);
                } catch (java.security.GeneralSecurityException | java.io.IOException e) {
                    throw new GatewayException(ErrorCode.CONFIGURATION, "TLS of the SOAP listener cannot be configured: " + e.getMessage(), null, e);
                }
            }

            @Override
            public void configureClient(Client client) {
                // a consumer endpoint has no client
            }

            @Override
            public void configureServer(Server server) {
                // configured on the engine factory before the endpoint binds
            }
        };
    }

    /** The SOAP client's TLS settings for {@code partnerId}: our client certificate, the partner's anchors, host name check on. */
    public static CxfConfigurer soapClient(ChannelTls tls, String partnerId) {
        javax.net.ssl.SSLContext context = tls.clientContext(partnerId);
        return new CxfConfigurer() {
            @Override
            public void configure(AbstractWSDLBasedEndpointFactory factory) {
                // the conduit is configured per client
            }

            @Override
            public void configureClient(Client client) {
                if (!(client.getConduit() instanceof HTTPConduit conduit)) {
                    throw new GatewayException(ErrorCode.CONFIGURATION, "The SOAP client to " + partnerId + " has no HTTP conduit for TLS");
                }
                TLSClientParameters params = new TLSClientParameters();
                params.setSslContext(context);
                params.setCipherSuites(ChannelTls.CIPHER_SUITES);
                params.setDisableCNCheck(false);
                conduit.setTlsClientParameters(params);
            }

            @Override
            public void configureServer(Server server) {
                // a producer endpoint has no server
            }
        };
    }
}
