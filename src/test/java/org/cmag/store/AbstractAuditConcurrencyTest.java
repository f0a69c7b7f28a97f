package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.cmag.audit.ChainVerifier;
import org.cmag.audit.Checkpoints;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes - two independent connection pools, each with its own {@link AuditLog} and {@link Checkpoints} -
 * append to one database from many threads at once, checkpointing as they go, while a verifier runs: the result is one
 * gap-free chain that verifies with all its checkpoints. Run by {@link AuditConcurrencyH2Test} and
 * {@link AuditConcurrencyPostgresTest}.
 */
abstract class AbstractAuditConcurrencyTest extends DatabaseBackedTest {
    private static final int THREADS_PER_NODE = 4;
    private static final int APPENDS_PER_THREAD = 60;

    private final AuditFixtures keys = new AuditFixtures();

    @Test
    void twoNodesWithManyThreadsEachKeepOneValidChain() throws Exception {
        try (Database second = db.secondNode()) {
            List<Database> nodes = List.of(database(), second);
            ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE + 1);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int n = 0; n < nodes.size(); n++) {
                    AuditLog log = new AuditLog(nodes.get(n), CLOCK);
                    Checkpoints checkpoints = keys.checkpoints(nodes.get(n), log, null);
                    for (int t = 0; t < THREADS_PER_NODE; t++) {
                        String actor = "node-" + n + "/thread-" + t;
                        writers.add(pool.submit(() -> {
                            start.await();
                            for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                                if (i % 3 == 0) {
                                    log.append(event("concurrent", actor, actor + "/" + i), event("concurrent", actor, actor + "/" + i + "b"));
                                } else {
                                    log.append(event("concurrent", actor, actor + "/" + i));
                                }
                                if (i % 15 == 14) {
                                    checkpoints.write();
                                }
                            }
                            return null;
                        }));
                    }
                }
                // a verifier running while the writers go: it must never see a broken chain
                AuditLog reader = new AuditLog(second, CLOCK);
                Future<List<ChainVerifier.Report>> verifier = pool.submit(() -> {
                    start.await();
                    List<ChainVerifier.Report> reports = new ArrayList<>();
                    while (!writers.stream().allMatch(Future::isDone)) {
                        reports.add(keys.verify(second, reader));
                    }
                    return reports;
                });
                start.countDown();
                for (Future<?> f : writers) {
                    f.get(120, TimeUnit.SECONDS);
                }
                assertThat(verifier.get(120, TimeUnit.SECONDS)).allSatisfy(r -> assertThat(r.problem()).isEmpty());
            } finally {
                pool.shutdownNow();
            }
        }
        AuditLog audit = new AuditLog(database(), CLOCK);
        int perThread = APPENDS_PER_THREAD + APPENDS_PER_THREAD / 3;
        int total = 2 * THREADS_PER_NODE * perThread;
        List<AuditRecord> all = audit.all();
        assertThat(all).extracting(AuditRecord::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        Set<String> details = new HashSet<>();
        all.forEach(r -> details.add(r.event().detail()));
        assertThat(details).as("every append is there exactly once").hasSize(total);
        ChainVerifier.Report report = keys.verify(database(), audit);
        assertThat(report.problem()).isEmpty();
        assertThat(report.records()).isEqualTo(total);
        assertThat(report.checkpoints()).isGreaterThanOrEqualTo(2);
    }
}
