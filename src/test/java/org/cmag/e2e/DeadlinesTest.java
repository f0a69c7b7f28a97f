package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmag.cases.AssistanceCase;
import org.cmag.cases.CaseState;
import org.cmag.demo.GatewayPair;
import org.cmag.demo.NationalQueue;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines on a clock both gateways share and the test moves: the reminder goes out at 80 % of the agreement's 90
 * days, and both sides flag the unanswered case OVERDUE after the deadline. Real gateways, real messages.
 */
class DeadlinesTest {
    /** A clock the test sets; both gateways read it. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @TempDir
    Path root;

    @Test
    void theRequestingSideRemindsAt80PercentAndBothSidesFlagTheCaseOverdueAfterTheDeadline() throws Exception {
        MovableClock clock = new MovableClock();
        byte[] request;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            request = in.readAllBytes();
        }
        try (GatewayPair pair = new GatewayPair(root, Map.of("gateway.cases.deadline-check-seconds", "1"), clock).start(Partner.Channel.REST);
                NationalQueue deNational = new NationalQueue(pair.de())) {
            var r = pair.submit(request);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            Matcher m = Pattern.compile("\"caseId\":\"([^\"]+)\"").matcher(r.body());
            assertThat(m.find()).isTrue();
            String caseId = m.group(1);
            assertThat(deNational.receive(30_000)).isNotNull();
            await().atMost(Duration.ofSeconds(30)).until(() -> state(pair, caseId), s -> s == CaseState.ACKNOWLEDGED);
            AssistanceCase nl = pair.nl().cases().find(caseId).orElseThrow();
            assertThat(Duration.between(nl.createdAt(), nl.dueAt()).toDays()).isEqualTo(90);

            clock.advance(Duration.ofDays(73)); // past 80 % of 90 days
            NationalQueue.Delivered reminder = deNational.receive(30_000);
            assertThat(reminder).as("DE receives the reminder").isNotNull();
            assertThat(reminder.xml()).contains("<Reminder>").contains("<DueDate>" + nl.dueAt().atOffset(ZoneOffset.UTC).toLocalDate());
            assertThat(deNational.receive(3_000)).as("one reminder per case").isNull();
            assertThat(pair.nl().cases().find(caseId).orElseThrow().overdue()).isFalse();

            clock.advance(Duration.ofDays(18)); // past the deadline
            await().atMost(Duration.ofSeconds(30)).until(() -> pair.nl().cases().find(caseId).orElseThrow().overdue()
                    && pair.de().cases().find(caseId).orElseThrow().overdue());
            assertThat(pair.nl().cases().find(caseId).orElseThrow().state()).as("OVERDUE is a flag").isEqualTo(CaseState.ACKNOWLEDGED);
            assertThat(pair.de().audit().all()).anySatisfy(rec -> assertThat(rec.event().type()).isEqualTo("case-overdue"));
            assertThat(pair.nl().cases().timeline(caseId)).extracting(t -> t.event()).contains("REMINDER");
        }
    }

    private static CaseState state(GatewayPair pair, String caseId) {
        return pair.nl().cases().find(caseId).map(AssistanceCase::state).orElse(null);
    }
}
