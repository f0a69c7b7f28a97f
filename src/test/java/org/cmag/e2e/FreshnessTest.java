package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.exchange.v1.ExchangeMessageType;
import org.cmag.policy.Partner;
import org.cmag.store.AuditRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The freshness window on a real DE gateway with a clock the test holds still and moves: a configured maximum age of
 * one hour and a clock-skew tolerance of one minute, checked on each side of every boundary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreshnessTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    final DeadlinesTest.MovableClock clock = new DeadlinesTest.MovableClock();
    GatewayPair pair;
    NationalQueue deNational;
    Forge forge;

    @BeforeAll
    void start(@TempDir Path root) throws IOException {
        byte[] example;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        pair = new GatewayPair(root, Map.of("gateway.freshness.max-age-seconds", "3600", "gateway.freshness.max-skew-seconds", "60"),
                clock).start(Partner.Channel.REST);
        deNational = new NationalQueue(pair.de());
        forge = new Forge(pair.nl(), pair.de(), null, null, example, b -> { });
    }

    @AfterAll
    void stop() {
        if (deNational != null) {
            deNational.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private ExchangeMessageType created(Duration relativeToNow, Duration expiresRelativeToNow) {
        ExchangeMessageType m = forge.message();
        Instant now = clock.instant();
        m.getHeader().setCreated(OffsetDateTime.ofInstant(now.plus(relativeToNow), ZoneOffset.UTC));
        m.getHeader().setExpiresAt(expiresRelativeToNow == null ? null : OffsetDateTime.ofInstant(now.plus(expiresRelativeToNow), ZoneOffset.UTC));
        return m;
    }

    private void assertDelivered(ExchangeMessageType m) {
        HttpResponse<String> r = send(m);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        NationalQueue.Delivered d = deNational.receive(WAIT.toMillis());
        assertThat(d).as("delivered: created %s", m.getHeader().getCreated()).isNotNull();
        assertThat(d.messageId()).isEqualTo(m.getHeader().getMessageID());
    }

    private void assertStale(ExchangeMessageType m, String field) {
        HttpResponse<String> r = send(m);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = m.getHeader().getMessageID();
        await().atMost(WAIT).until(() -> pair.de().audit().forMessage(id).stream().anyMatch(rec -> rec.event().type().equals("message-rejected")));
        AuditRecord rejected = pair.de().audit().forMessage(id).stream().filter(rec -> rec.event().type().equals("message-rejected"))
                .findFirst().orElseThrow();
        assertThat(rejected.event().errorCode()).isEqualTo("message_stale");
        assertThat(rejected.event().detail()).contains("/ExchangeMessage/Header/" + field);
        assertThat(pair.de().audit().forMessage(id)).extracting(rec -> rec.event().type()).doesNotContain("national-queued", "delivered-national");
    }

    private HttpResponse<String> send(ExchangeMessageType m) {
        return pair.post(pair.de().partnerBase() + "/exchange/v1/messages", "application/xml", forge.bytes(forge.sealed(m)));
    }

    @Test
    void createdAndExpiresAreCheckedAgainstTheConfiguredWindowOnTheGatewaysClock() {
        assertDelivered(created(Duration.ofSeconds(-3590), null));
        assertStale(created(Duration.ofSeconds(-3610), null), "Created");
        assertDelivered(created(Duration.ofSeconds(50), null));
        assertStale(created(Duration.ofSeconds(70), null), "Created");
        assertDelivered(created(Duration.ofSeconds(-120), Duration.ofSeconds(-50)));
        assertStale(created(Duration.ofSeconds(-120), Duration.ofSeconds(-70)), "ExpiresAt");

        // a message sealed now and held back: fresh while the clock stands, stale once it has moved past the maximum age
        ExchangeMessageType heldBack = created(Duration.ZERO, null);
        clock.advance(Duration.ofSeconds(3601));
        assertStale(heldBack, "Created");
        assertDelivered(created(Duration.ZERO, null));
    }
}
