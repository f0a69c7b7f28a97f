package org.cmag.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.cmag.health.StoreProbe.Store;
import org.junit.jupiter.api.Test;

class StoreProbeTest {
    /** What a check does: pass, fail, or hang until released. */
    enum Mode { PASS, FAIL, HANG }

    @Test
    void aFailingOrSilentStoreIsDownWithinTheTimeoutAndEachChangeIsReportedOnce() throws Exception {
        AtomicReference<Mode> database = new AtomicReference<>(Mode.PASS);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger databaseChecks = new AtomicInteger();
        StoreProbe.Check dbCheck = () -> {
            databaseChecks.incrementAndGet();
            switch (database.get()) {
                case FAIL -> throw new java.sql.SQLException("Connection refused");
                case HANG -> release.await();
                default -> { }
            }
        };
        List<String> changes = new CopyOnWriteArrayList<>();
        try (StoreProbe probe = new StoreProbe("T", Map.of(Store.DATABASE, dbCheck, Store.BROKER, () -> { }), Duration.ofMillis(50),
                Duration.ofMillis(300), Clock.systemUTC())) {
            probe.addListener((store, status) -> changes.add(store.label() + (status.up() ? " UP" : " DOWN")));
            probe.start();
            assertThat(probe.allUp()).isTrue();

            database.set(Mode.FAIL);
            await().atMost(Duration.ofSeconds(2)).until(() -> !probe.isUp(Store.DATABASE));
            assertThat(probe.status(Store.DATABASE).lastError()).contains("Connection refused");
            assertThat(probe.isUp(Store.BROKER)).isTrue();

            database.set(Mode.PASS);
            await().atMost(Duration.ofSeconds(2)).until(() -> probe.isUp(Store.DATABASE));

            // a server that does not answer: DOWN after the timeout, and its hung check is not started again meanwhile
            database.set(Mode.HANG);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> !probe.isUp(Store.DATABASE));
            long downAfterMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(probe.status(Store.DATABASE).lastError()).contains("no answer within 300 ms");
            int checksWhileHung = databaseChecks.get();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> databaseChecks.get() == checksWhileHung);
            database.set(Mode.PASS);
            release.countDown();
            await().atMost(Duration.ofSeconds(2)).until(() -> probe.isUp(Store.DATABASE));

            assertThat(downAfterMs).as("a silent store is DOWN within interval + timeout (with margin)").isLessThan(1500);
            assertThat(changes).containsExactly("database DOWN", "database UP", "database DOWN", "database UP");
        }
    }
}
