package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.KeyStores;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.cmag.tls.DevTlsCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real gateways (NL, DE) over real TLS on loopback, with development TLS certificates, whose agreements require
 * mutual TLS (channel.auth: mtls in both directions): delivery over REST and SOAP, and every way a connection can fail to
 * belong to the message's sender. A second pair without mutual TLS in its agreements shows that those partners work as
 * before, and that our side refuses a partner server certificate not issued under the partner's trust anchor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MutualTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static GatewayPair pair;
    static NationalQueue deNational;
    static byte[] example;

    static String packaged(String id) throws IOException {
        try (InputStream in = MutualTlsTest.class.getClassLoader().getResourceAsStream("policies/partners/" + id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String edit(String yaml, String from, String to) {
        assertThat(yaml).as("the shipped file has '%s'", from).contains(from);
        return yaml.replace(from, to);
    }

    @BeforeAll
    static void startGateways() throws IOException {
        try (InputStream in = MutualTlsTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        Path policies = Files.createDirectories(root.resolve("mtls-policies"));
        for (String id : List.of("DE", "NL")) {
            Files.writeString(policies.resolve(id + ".yaml"), edit(packaged(id), "  auth: none\n", "  auth: mtls\n"));
        }
        // GB keeps channel.auth none; its TLS certificate is registered (security.certificates.tls) all the same
        Files.writeString(policies.resolve("GB.yaml"), packaged("GB"));
        pair = new GatewayPair(root.resolve("mtls"), Map.of("gateway.policies.dir", policies.toString()), Clock.systemUTC(), true)
                .start(Partner.Channel.REST);
        deNational = new NationalQueue(pair.de());
    }

    @AfterAll
    static void stopGateways() {
        if (deNational != null) {
            deNational.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @BeforeEach
    void nothingLeftOver() {
        assertThat(deNational.receive(1)).as("a previous test left a national delivery behind").isNull();
    }

    private static String submit(GatewayPair p) {
        HttpResponse<String> r = p.submit(example);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return GatewayPair.acceptedMessageId(r).orElseThrow();
    }

    private static String sealedByNl(GatewayPair p) {
        Sealing sealing = new Sealing(p.nl());
        ExchangeMessageType message = sealing.message(example);
        return sealing.serialize(sealing.seal(message));
    }

    private static String messageIdOf(String sealed) {
        Matcher m = Pattern.compile("<MessageID>([^<]+)</MessageID>").matcher(sealed);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> postSoap(HttpClient client, String address, String sealed) throws Exception {
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + sealed.replaceFirst("<\\?xml[^>]*\\?>", "") + "</soap:Body></soap:Envelope>";
        return client.send(HttpRequest.newBuilder(URI.create(address)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"urn:cmag:exchange:1:Submit\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRejectedAndAudited(String messageId, String code) {
        List<AuditRecord> records = pair.de().audit().forMessage(messageId);
        assertThat(records).as("DE's audit of %s", messageId).anySatisfy(r -> {
            assertThat(r.event().type()).isEqualTo("message-rejected");
            assertThat(r.event().errorCode()).isEqualTo(code);
        });
        assertThat(records).noneMatch(r -> r.event().type().equals("message-received"));
        assertThat(deNational.receive(500)).as("nothing reaches DE's national systems").isNull();
    }

    /** An HTTP client presenting the TLS key in {@code p12} (null: none) and trusting the CA certificate {@code ca}. */
    static HttpClient client(Path p12, Path ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", KeyStores.readPem(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (p12 != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, "changeit".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).sslContext(ctx).build();
    }

    @Test
    @Order(1)
    void overMutualTlsRestDeliversTheRequestAndTheReceiptComesBack() {
        assertThat(pair.nl().httpBase()).startsWith("https://");
        assertThat(pair.nl().registry().find("DE").orElseThrow().channelAuth()).isEqualTo(Partner.ChannelAuth.MTLS);
        String id = submit(pair);

        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        assertThat(delivered.partner()).isEqualTo("NL");
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        assertThat(pair.de().audit().forMessage(id)).anyMatch(r -> r.event().type().equals("national-queued"));
    }

    @Test
    @Order(2)
    void withoutAClientCertificateTheSenderIsRefusedAsClientCertificateMissingOnRestAndSoap() throws Exception {
        HttpClient anonymous = pair.client(null);
        String sealed = sealedByNl(pair);
        HttpResponse<String> rest = GatewayPair.post(anonymous, pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealed.getBytes(StandardCharsets.UTF_8));
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(401);
        assertThat(rest.body()).contains("\"code\":\"client_certificate_missing\"").contains("requires mutual TLS").doesNotContain("Exception");
        assertRejectedAndAudited(messageIdOf(sealed), "client_certificate_missing");

        String sealedSoap = sealedByNl(pair);
        HttpResponse<String> soap = postSoap(anonymous, pair.de().config().get("gateway.soap.address"), sealedSoap);
        assertThat(soap.statusCode()).isEqualTo(500);
        assertThat(soap.body()).contains("Fault").contains("client_certificate_missing").doesNotContain("at org.");
        assertRejectedAndAudited(messageIdOf(sealedSoap), "client_certificate_missing");
    }

    @Test
    @Order(3)
    void theNationalApiOnTheSameListenerNeedsNoClientCertificate() {
        HttpResponse<String> health = GatewayPair.post(pair.client(null), pair.nl().httpBase() + "/api/v1/requests", "application/json",
                "{".getBytes(StandardCharsets.UTF_8));
        assertThat(health.statusCode()).as(health.body()).isEqualTo(400);
        assertThat(health.body()).contains("malformed_json");
    }

    @Test
    @Order(4)
    void theClientCertificateOfAnotherPartnerIsRefusedAsClientCertificateMismatch() throws Exception {
        // GB's development TLS certificate, registered at DE for GB, on a message whose signed header names NL
        HttpClient asGb = pair.client("GB");
        String sealed = sealedByNl(pair);
        HttpResponse<String> rest = GatewayPair.post(asGb, pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealed.getBytes(StandardCharsets.UTF_8));
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(403);
        assertThat(rest.body()).contains("\"code\":\"client_certificate_mismatch\"").contains("belongs to partner GB")
                .contains("sender is NL").contains("\"pointer\":\"/ExchangeMessage/Header/Sender/AuthorityID\"");
        assertRejectedAndAudited(messageIdOf(sealed), "client_certificate_mismatch");

        // DE's own certificate is no partner's at DE: not NL's registered one either
        String again = sealedByNl(pair);
        HttpResponse<String> soap = postSoap(pair.client("DE"), pair.de().config().get("gateway.soap.address"), again);
        assertThat(soap.statusCode()).isEqualTo(500);
        assertThat(soap.body()).contains("client_certificate_mismatch").contains("is not the TLS certificate registered for NL");
        assertRejectedAndAudited(messageIdOf(again), "client_certificate_mismatch");
    }

    @Test
    @Order(5)
    void aClientCertificateFromAnUnknownCaIsRefusedInTheHandshake() throws Exception {
        // a CA nobody registered, and an "NL" TLS certificate issued by it
        Path rogue = root.resolve("rogue");
        new DevPki(rogue, Clock.systemUTC(), "changeit".toCharArray()).ensure(List.of("XX"));
        new DevTlsCertificates(rogue, Clock.systemUTC(), "changeit".toCharArray()).ensure(List.of("NL"));
        HttpClient impostor = client(rogue.resolve("NL-tls.p12"), root.resolve("mtls").resolve("pki").resolve("ca.crt"));
        String sealed = sealedByNl(pair);
        assertThatThrownBy(() -> GatewayPair.post(impostor, pair.de().partnerBase() + "/exchange/v1/messages", "application/xml",
                sealed.getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.UncheckedIOException.class);
        assertThatThrownBy(() -> postSoap(impostor, pair.de().config().get("gateway.soap.address"), sealed)).isInstanceOf(IOException.class);
        assertThat(pair.de().audit().forMessage(messageIdOf(sealed))).as("no message got past the handshake").isEmpty();
        assertThat(deNational.receive(500)).isNull();
    }

    @Test
    @Order(6)
    void overMutualTlsSoapDeliversTheRequest() {
        pair.restartNl(Partner.Channel.SOAP);
        String id = submit(pair);
        NationalQueue.Delivered delivered = deNational.receive(WAIT.toMillis());
        assertThat(delivered).isNotNull();
        assertThat(delivered.messageId()).isEqualTo(id);
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(id), s -> s.equals(Optional.of("DELIVERED")));
        assertThat(pair.nl().audit().forMessage(id)).filteredOn(r -> r.event().type().equals("receipt-verified")).singleElement()
                .satisfies(r -> assertThat(r.event().detail()).isEqualTo("delivered over SOAP"));
    }

    @Test
    @Order(7)
    void partnersWithoutMutualTlsWorkAsBeforeAndOurClientRefusesAServerCertificateNotFromThePartnersAnchor() throws Exception {
        // DE's TLS server certificate is from a CA that is not DE's trust anchor; neither agreement requires mTLS
        Path base = root.resolve("plain");
        Path pki = base.resolve("pki");
        Path other = base.resolve("other-ca");
        new DevPki(other, Clock.systemUTC(), "changeit".toCharArray()).ensure(List.of("XX"));
        // DE's own TLS server certificate comes from that other CA, not from DE's trust anchor (the development CA)
        new org.cmag.tls.DevTlsCertificates(other, Clock.systemUTC(), "changeit".toCharArray()).ensure(List.of("DE"));
        Files.createDirectories(pki);
        Files.copy(other.resolve("DE-tls.p12"), pki.resolve("DE-tls.p12"));
        Files.copy(other.resolve("DE-tls.crt"), pki.resolve("DE-tls.crt"));
        Path policies = Files.createDirectories(base.resolve("policies"));
        Files.writeString(policies.resolve("DE.yaml"), edit(packaged("DE"), "    tls: DE-tls.crt\n", ""));
        Files.writeString(policies.resolve("NL.yaml"), packaged("NL"));
        try (GatewayPair plain = new GatewayPair(base, Map.of("gateway.policies.dir", policies.toString()), Clock.systemUTC(), true)
                .start(Partner.Channel.REST);
                NationalQueue plainDe = new NationalQueue(plain.de())) {
            // NL is not required to present a client certificate at DE: a message without one is accepted as before
            String sealed = sealedByNl(plain);
            HttpResponse<String> r = GatewayPair.post(trusting(other.resolve("ca.crt")), plain.de().partnerBase() + "/exchange/v1/messages",
                    "application/xml", sealed.getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            NationalQueue.Delivered delivered = plainDe.receive(WAIT.toMillis());
            assertThat(delivered).isNotNull();
            assertThat(delivered.messageId()).isEqualTo(messageIdOf(sealed));

            // NL connects to DE, whose server certificate is from another CA than DE's anchor: refused, never sent
            // (NL's national system has no client certificate: its listener trusts only DE's other CA for client certificates)
            HttpResponse<String> submitted = GatewayPair.post(plain.client(null), plain.nl().httpBase() + "/api/v1/requests",
                    "application/json", example);
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            String id = GatewayPair.acceptedMessageId(submitted).orElseThrow();
            await().atMost(WAIT).until(() -> plain.nl().audit().forMessage(id).stream()
                    .anyMatch(rec -> rec.event().type().equals("delivery-attempt")));
            assertThat(plain.nl().audit().forMessage(id)).filteredOn(rec -> rec.event().type().equals("delivery-attempt")).first()
                    .satisfies(rec -> assertThat(rec.event().detail()).containsIgnoringCase("SSL"));
            assertThat(plain.nl().outbound().status(id)).isNotEqualTo(Optional.of("DELIVERED"));
            assertThat(plain.de().audit().forMessage(id)).as("DE never saw it").isEmpty();
            assertThat(plainDe.receive(1000)).isNull();
        }
    }

    /** A client without a client certificate that trusts only {@code caFile} (DE's server certificate's issuer here). */
    private static java.net.http.HttpClient trusting(Path caFile) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", org.cmag.crypto.KeyStores.readPem(caFile));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(java.time.Duration.ofSeconds(5)).sslContext(ctx).build();
    }
}
