package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.cmag.gateway.Gateway;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on an external Artemis broker that the test stops and starts again (the database, H2, stays up): the probe
 * sees the broker go through the JMS pool, /health says DOWN at once, the national API refuses with storage_unavailable
 * and audits the refusal in the chain at once (the database is there), the legal officers' audit API, which needs only
 * the database, goes on answering; once the broker is back submissions are accepted again.
 */
class BrokerOutageTest {
    @TempDir
    Path root;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static EmbeddedActiveMQ broker(Path dir, int port) throws Exception {
        Configuration cfg = new ConfigurationImpl();
        cfg.setName("test-broker");
        cfg.setPersistenceEnabled(true);
        cfg.setSecurityEnabled(false);
        cfg.setJMXManagementEnabled(false);
        cfg.setJournalDirectory(dir.resolve("journal").toString());
        cfg.setBindingsDirectory(dir.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(dir.resolve("large").toString());
        cfg.setPagingDirectory(dir.resolve("paging").toString());
        cfg.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(cfg);
        server.start();
        return server;
    }

    HttpResponse<String> send(HttpRequest r) throws Exception {
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build();
    }

    @Test
    void withTheBrokerGoneTheApiRefusesAtOnceAndAuditsTheRefusalWhileTheAuditApiGoesOn() throws Exception {
        byte[] example;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        int port = OneGateway.freePort();
        EmbeddedActiveMQ server = broker(root.resolve("broker"), port);
        OneGateway one = new OneGateway(root, Map.of("gateway.broker.url", "tcp://127.0.0.1:" + port));
        HttpRequest submit = HttpRequest.newBuilder(URI.create(one.base() + "/api/v1/requests")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(example)).build();
        try (Gateway gw = Gateway.start(one.config)) {
            assertThat(send(submit).statusCode()).isEqualTo(202);

            server.stop();
            List<Long> healthMillis = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                long t0 = System.nanoTime();
                HttpResponse<String> h = send(get(one.base() + "/health"));
                healthMillis.add((System.nanoTime() - t0) / 1_000_000);
                return h.body().contains("\"broker\":\"DOWN\"");
            });
            assertThat(healthMillis).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
            assertThat(send(get(one.base() + "/health/ready")).statusCode()).isEqualTo(503);
            assertThat(send(get(one.base() + "/health/live")).statusCode()).isEqualTo(200);

            long t0 = System.nanoTime();
            HttpResponse<String> refused = send(submit);
            long refusedMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"storage_unavailable\"").contains("broker");
            assertThat(refusedMillis).isLessThan(5000);
            List<AuditRecord> audited = gw.audit().all().stream().filter(r -> "storage_unavailable".equals(r.event().errorCode())).toList();
            assertThat(audited).as("audited at once: the database is up").hasSize(1);
            assertThat(audited.get(0).event().type()).isEqualTo("submission-rejected");
            assertThat(audited.get(0).event().detail()).doesNotStartWith("[spool ");
            assertThat(send(get(one.base() + "/api/v1/cases")).statusCode()).as("the national API needs the broker").isEqualTo(503);
            assertThat(send(get(one.base() + "/api/v1/audit/events")).statusCode()).as("the audit API needs only the database").isEqualTo(200);
            System.out.printf("BrokerOutageTest: refused in %d ms; /health at most %d ms over %d calls%n", refusedMillis,
                    healthMillis.stream().mapToLong(Long::longValue).max().orElse(-1), healthMillis.size());

            server = broker(root.resolve("broker"), port);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> send(get(one.base() + "/health")).body().contains("\"status\":\"UP\""));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> send(submit).statusCode() == 202);
            assertThat(gw.audit().verifyChain()).isEmpty();
        } finally {
            server.stop();
        }
    }
}
