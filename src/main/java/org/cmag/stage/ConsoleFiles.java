package org.cmag.stage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * {@code GET /console/...}: the legal-officer web console, a fixed allow-list of files read once from the classpath
 * ({@code console/}) plus {@code config.json} (how the page logs in), each with its content type and the security
 * headers: a CSP without inline script or style that lets the page talk only to this gateway (and, with
 * gateway.auth.mode=keycloak, the issuer for the OpenID Connect code + PKCE login), no framing, no MIME sniffing.
 * The page itself is public (it holds no data); every API call it makes is checked for the legal-officer role.
 */
public final class ConsoleFiles implements Processor {
    private static final String PREFIX = "/console";

    private record File(String contentType, byte[] bytes) {}

    private final Map<String, File> files;
    private final String securityPolicy;

    /**
     * @param authMode gateway.auth.mode ({@code none} or {@code keycloak})
     * @param issuer the issuer the console logs officers in with (mode keycloak), or null
     * @param clientId the console's public OpenID Connect client
     */
    public ConsoleFiles(String authMode, String issuer, String clientId) {
        File index = read("index.html", "text/html; charset=utf-8");
        var config = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("authMode", authMode).put("issuer", issuer)
                .put("clientId", clientId).toString();
        files = Map.of("/", index, "/index.html", index, "/console.js", read("console.js", "text/javascript; charset=utf-8"), "/console.css",
                read("console.css", "text/css; charset=utf-8"), "/config.json",
                new File("application/json", config.getBytes(StandardCharsets.UTF_8)));
        String connect = issuer == null ? "'self'" : "'self' " + origin(issuer);
        securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String path = path(m);
        m.removeHeaders("*");
        m.setHeader("Content-Security-Policy", securityPolicy);
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("X-Frame-Options", "DENY");
        m.setHeader("Referrer-Policy", "no-referrer");
        m.setHeader("Cache-Control", "no-cache");
        if (path.isEmpty()) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 301);
            m.setHeader("Location", PREFIX + "/");
            m.setBody(new byte[0]);
            return;
        }
        File f = files.get(path);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, f == null ? 404 : 200);
        m.setHeader(Exchange.CONTENT_TYPE, f == null ? "text/plain; charset=utf-8" : f.contentType());
        m.setBody(f == null ? "Not found\n".getBytes(StandardCharsets.UTF_8) : f.bytes());
    }

    /** The request path below /console ("" for /console itself). */
    private static String path(Message m) {
        String uri = m.getHeader(Exchange.HTTP_URI, String.class);
        String path = uri == null ? "" : uri.split("[?#]", 2)[0];
        int at = path.indexOf(PREFIX);
        return at < 0 ? "" : path.substring(at + PREFIX.length());
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }

    private static File read(String name, String contentType) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "console/" + name + " is not on the classpath");
            }
            return new File(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot read console/" + name, null, e);
        }
    }
}
