package org.cmag.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.cmag.config.GatewayConfig;
import org.cmag.gateway.Gateway;
import org.cmag.policy.Partner;

/**
 * Two administrations' gateways (NL and DE) in one JVM on loopback, each with its own broker, database and
 * ports, sharing one development PKI directory. Used by the demo, the benchmark and the end-to-end tests.
 *
 * <p>With TLS ({@link #GatewayPair(Path, Map, java.time.Clock, boolean)}) both gateways serve their listeners over TLS
 * with the development PKI's TLS certificates and reach each other over https; whether a partner must present a client
 * certificate is its agreement's {@code channel.auth}. The pair's own HTTP client then trusts the development CA and
 * presents NL's TLS certificate (as NL's national systems or NL's gateway would), see {@link #client(String)}.
 */
public final class GatewayPair implements AutoCloseable {
    private final Path root;
    private final int nlHttp;
    private final int nlSoap;
    private final int deHttp;
    private final int deSoap;
    private final int nlPartner;
    private final int dePartner;
    private final Map<String, String> extra;
    private final java.time.Clock clock;
    private final boolean tls;
    private HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway nl;
    private Gateway de;

    /**
     * A pair whose gateways both get the settings of {@code extra}; a key written {@code NL:gateway.x} (or {@code DE:})
     * is given to that gateway only.
     */
    public GatewayPair(Path root, Map<String, String> extra) {
        this(root, extra, java.time.Clock.systemUTC());
    }

    /** A pair whose gateways both read time from {@code clock} (tests move it to reach deadlines). */
    public GatewayPair(Path root, Map<String, String> extra, java.time.Clock clock) {
        this(root, extra, clock, false);
    }

    /** A pair whose listeners and connections use TLS when {@code tls} (see the class comment). */
    public GatewayPair(Path root, Map<String, String> extra, java.time.Clock clock, boolean tls) {
        this.clock = clock;
        this.tls = tls;
        this.root = root.toAbsolutePath();
        this.nlHttp = freePort();
        this.nlSoap = freePort();
        this.deHttp = freePort();
        this.deSoap = freePort();
        this.nlPartner = freePort();
        this.dePartner = freePort();
        this.extra = Map.copyOf(extra);
    }

    /** Starts DE, then NL sending to DE over {@code channel}. */
    public GatewayPair start(Partner.Channel channel) {
        de = Gateway.start(config("DE", "DE", deHttp, deSoap, dePartner, "NL", nlPartner, nlSoap, Partner.Channel.REST), clock);
        nl = Gateway.start(config("NL", "NL", nlHttp, nlSoap, nlPartner, "DE", dePartner, deSoap, channel), clock);
        if (tls) {
            http = client("NL");
        }
        return this;
    }

    /** Stops NL and starts it again (same data: journal, database, keys) with another channel to DE. */
    public void restartNl(Partner.Channel channel) {
        nl.close();
        nl = Gateway.start(config("NL", "NL", nlHttp, nlSoap, nlPartner, "DE", dePartner, deSoap, channel), clock);
    }

    /** Stops DE (the partner is down for NL meanwhile); {@link #startDe()} starts it again on the same data. */
    public void stopDe() {
        de.close();
    }

    /** Starts DE again (same data: journal, database, keys). */
    public void startDe() {
        de = Gateway.start(config("DE", "DE", deHttp, deSoap, dePartner, "NL", nlPartner, nlSoap, Partner.Channel.REST), clock);
    }

    private GatewayConfig config(String id, String country, int httpPort, int soapPort, int partnerChannelPort, String partner, int partnerHttp,
            int partnerSoap, Partner.Channel channel) {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.id", id);
        o.put("gateway.country", country);
        o.put("gateway.name", id + " customs (demo)");
        o.put("gateway.data-dir", root.resolve(id).toString());
        o.put("gateway.pki.dir", root.resolve("pki").toString());
        o.put("gateway.http.port", String.valueOf(httpPort));
        o.put("gateway.soap.port", String.valueOf(soapPort));
        o.put("gateway.partner-http.port", String.valueOf(partnerChannelPort));
        String scheme = tls ? "https" : "http";
        o.put("gateway.tls.enabled", String.valueOf(tls));
        o.put("gateway.soap.address", scheme + "://127.0.0.1:" + soapPort + "/soap/exchange/v1");
        o.put("gateway.partner." + partner + ".endpoint", scheme + "://127.0.0.1:" + partnerHttp);
        o.put("gateway.partner." + partner + ".soap-endpoint", scheme + "://127.0.0.1:" + partnerSoap + "/soap/exchange/v1");
        o.put("gateway.partner." + partner + ".channel", channel.name());
        extra.forEach((key, value) -> {
            int colon = key.indexOf(':');
            if (colon < 0) {
                o.put(key, value);
            } else if (key.substring(0, colon).equals(id)) {
                o.put(key.substring(colon + 1), value);
            }
        });
        return GatewayConfig.load(null, Map.of(), o);
    }

    public Gateway nl() {
        return nl;
    }

    public Gateway de() {
        return de;
    }

    private static final java.util.regex.Pattern MESSAGE_ID = java.util.regex.Pattern.compile("\"messageId\":\"([^\"]+)\"");

    /** The message id of a submission the national API accepted (202 with {@code messageId}); empty for any other answer. */
    public static java.util.Optional<String> acceptedMessageId(HttpResponse<String> response) {
        java.util.regex.Matcher m = MESSAGE_ID.matcher(response.body());
        return response.statusCode() == 202 && m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** Submits a national JSON request to NL's REST API; returns status and body. */
    public HttpResponse<String> submit(byte[] json) {
        return post(nl.httpBase() + "/api/v1/requests", "application/json", json);
    }

    public HttpResponse<String> post(String url, String contentType, byte[] body) {
        return post(http, url, contentType, body);
    }

    /** Posts with {@code client}, e.g. one from {@link #client(String)} with another TLS identity. */
    public static HttpResponse<String> post(HttpClient client, String url, String contentType, byte[] body) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An HTTP client trusting the development CA of this pair's PKI and presenting the development TLS certificate of
     * {@code identity} ({@code <ID>-tls.p12}) as client certificate; no client certificate when {@code identity} is null.
     */
    public HttpClient client(String identity) {
        try {
            char[] password = "changeit".toCharArray();
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", org.cmag.crypto.KeyStores.readPem(root.resolve("pki").resolve("ca.crt")));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keys = null;
            if (identity != null) {
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(
                        root.resolve("pki").resolve(org.cmag.tls.DevTlsCertificates.keystoreName(identity)))) {
                    ks.load(in, password);
                }
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                keys = kmf.getKeyManagers();
            }
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            ctx.init(keys, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).sslContext(ctx).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS client for " + identity + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (nl != null) {
            nl.close();
        }
        if (de != null) {
            de.close();
        }
    }
}
