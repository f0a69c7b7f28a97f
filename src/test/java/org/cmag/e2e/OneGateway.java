package org.cmag.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cmag.config.GatewayConfig;

/** The configuration of one NL gateway on free loopback ports whose partner DE is not running (as GatewayPair sets it up). */
final class OneGateway {
    final int http = freePort();
    final int soap = freePort();
    final int partnerChannel = freePort();
    final int absentPartner = freePort();
    final GatewayConfig config;

    OneGateway(Path root, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.id", "NL");
        o.put("gateway.country", "NL");
        o.put("gateway.name", "NL customs (test)");
        o.put("gateway.data-dir", root.resolve("NL").toString());
        o.put("gateway.pki.dir", root.resolve("pki").toString());
        o.put("gateway.http.port", String.valueOf(http));
        o.put("gateway.soap.port", String.valueOf(soap));
        o.put("gateway.partner-http.port", String.valueOf(partnerChannel));
        o.put("gateway.soap.address", "http://127.0.0.1:" + soap + "/soap/exchange/v1");
        o.put("gateway.partner.DE.endpoint", "http://127.0.0.1:" + absentPartner);
        o.put("gateway.partner.DE.soap-endpoint", "http://127.0.0.1:" + absentPartner + "/soap/exchange/v1");
        o.put("gateway.partner.DE.channel", "REST");
        o.putAll(extra);
        config = GatewayConfig.load(null, Map.of(), o);
    }

    String base() {
        return "http://127.0.0.1:" + http;
    }

    String partnerBase() {
        return "http://127.0.0.1:" + partnerChannel;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
