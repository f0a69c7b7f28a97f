package org.cmag.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmag.faults.LoadDriver.Submission;
import org.cmag.faults.NationalRecorder.Call;
import org.junit.jupiter.api.Test;

/** The fault suite's invariants judge what they are shown: each kind of breach is named, an allowed redelivery is not. */
class InvariantsTest {
    private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    private final Scenario s1 = new Scenario(1, "kill");

    private Submission accepted(int seq, String messageId) {
        Submission s = new Submission(seq, "key-" + seq, "S1", new byte[0]);
        s.messageId = messageId;
        s.caseId = "CASE-" + seq;
        s.acceptedAt = t0.plusSeconds(seq);
        return s;
    }

    private Call delivery(String key, Integer submission, String sha, int status) {
        return new Call(t0.plusSeconds(30), key, "CASE-" + submission, "ASSISTANCE_REQUEST", null, submission, sha, 100, status);
    }

    private Call ack(String ackId, String request, String sha) {
        return new Call(t0.plusSeconds(31), ackId, null, Invariants.ACK, request, null, sha, 50, 200);
    }

    private Invariants judge(List<Submission> subs) {
        s1.start = t0;
        s1.faultStart = t0.plusSeconds(5);
        s1.faultEnd = t0.plusSeconds(10);
        s1.settled = true;
        s1.settleBound = Duration.ofSeconds(30);
        return new Invariants(List.of(s1), subs, Map.of());
    }

    @Test
    void aRedeliveryWithTheSameKeyAndBytesIsAllowedAndCounted() {
        List<Submission> subs = List.of(accepted(1, "NL-1"));
        judge(subs).deliveries(subs, List.of(delivery("NL-1", 1, "aa", 200), delivery("NL-1", 1, "aa", 200)), List.of(ack("DE-1", "NL-1", "x")), null);

        assertThat(s1.violations).isEmpty();
        assertThat(s1.delivered).isEqualTo(1);
        assertThat(s1.redelivered).isEqualTo(1);
        assertThat(s1.recovery).isEqualTo("20.0 s");
    }

    @Test
    void lostDuplicatedNeverAcceptedAndUnacknowledgedAreEachNamed() {
        Submission lost = accepted(1, "NL-1");
        Submission twice = accepted(2, "NL-2");
        Submission unacked = accepted(3, "NL-3");
        List<Submission> subs = List.of(lost, twice, unacked);
        judge(subs).deliveries(subs, List.of(delivery("NL-1", 1, "aa", 503), delivery("NL-2", 2, "bb", 200), delivery("NL-2", 2, "cc", 200),
                delivery("NL-3", 3, "dd", 200), delivery("NL-9", 3, "ee", 200)), List.of(ack("DE-2", "NL-2", "x")), null);

        assertThat(s1.lost).isEqualTo(1);
        assertThat(s1.duplicated).isEqualTo(2);
        assertThat(Invariants.categories(s1.violations)).containsOnlyKeys("LOST", "DUPLICATED", "NEVER ACCEPTED BUT DELIVERED", "NOT ACKNOWLEDGED");
        assertThat(s1.violations).anySatisfy(v -> assertThat(v).startsWith("LOST: NL-1").contains("callback attempts 1x503"))
                .anySatisfy(v -> assertThat(v).startsWith("NEVER ACCEPTED BUT DELIVERED: NL-9").contains("submission 3").contains("accepted as NL-3"));
        assertThat(s1.recovery).isEqualTo("n/a (1 lost)");
    }

    @Test
    void aReceiptWithoutItsRowAndARowLeftMidwayFailTheCheckpoint() {
        List<Submission> subs = List.of(accepted(1, "NL-1"));
        Invariants inv = judge(subs);
        DbSnapshot nl = new DbSnapshot("NL", "h2", Map.of("NL-1", new DbSnapshot.Outbound("NL-1", "CASE-1", "ASSISTANCE_REQUEST", "DELIVERED", true,
                "<Receipt/>", t0.plusSeconds(1))), Map.of(), Map.of(), Map.of(), Map.of(), null, Map.of());
        DbSnapshot de = new DbSnapshot("DE", "h2", Map.of(), Map.of("NL-7", new DbSnapshot.Receipt("NL-7", "NL", "d", "<Receipt/>", t0.plusSeconds(2))),
                Map.of("NL-8", new DbSnapshot.Inbound("NL-8", "CASE-8", "ASSISTANCE_REQUEST", "PROCESSING", t0.plusSeconds(3))), Map.of(), Map.of(),
                "table dead_letter cannot be read on DE", Map.of());
        Invariants.Checkpoint cp = new Invariants.Checkpoint("A", t0.plusSeconds(60), Set.of(s1));
        cp.nl = nl;
        cp.de = de;
        cp.deAll = de;

        inv.database(cp, nl);

        assertThat(Invariants.categories(s1.violations)).containsOnlyKeys("RECEIPT WITHOUT ROW", "RECEIPT UNACCOUNTED", "NON-FINAL");
        assertThat(s1.violations).anySatisfy(v -> assertThat(v).contains("NL-7").contains("table dead_letter cannot be read"));
    }
}
