package org.cmag.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;

/**
 * Verifies the whole audit chain and its signed checkpoints, naming the first problem. Reads the checkpoints, then the
 * head (no lock), then the records up to that head in chunks, so writers are never held up and a checkpoint written
 * meanwhile cannot name a head beyond the one read. Checks, in this order: every checkpoint is signed by a trusted
 * certificate for this gateway (and its time-stamp token, if any, is over its signature) - else
 * {@link ChainProblem.Kind#BAD_CHECKPOINT}; every record from 1 to the head is present, links to its predecessor and
 * hashes to its stored hash ({@link AuditChain#check}); the record at each checkpoint's head has exactly the signed
 * hash - else {@link ChainProblem.Kind#CHECKPOINT_MISMATCH}, or {@link ChainProblem.Kind#TRUNCATED} when the chain now
 * ends before it; the last record is the head.
 */
public final class ChainVerifier {
    private static final int CHUNK = 2000;

    private final AuditLog log;
    private final Checkpoints checkpoints;
    private final Trust trust;

    /** Whose checkpoints count: signed for {@code gatewayId} by a certificate {@code certificates} accepts. */
    public record Trust(String gatewayId, CheckpointTrust certificates) {}

    /** The outcome: what was checked, and the first problem if any. */
    public record Report(long records, int checkpoints, AuditLog.Head head, Optional<ChainProblem> problem) {
        public boolean intact() {
            return problem.isEmpty();
        }
    }

    /**
     * @param checkpoints the checkpoints to check, or null to check the records and the head only
     * @param trust required with {@code checkpoints}
     */
    public ChainVerifier(AuditLog log, Checkpoints checkpoints, Trust trust) {
        if (checkpoints != null && trust == null) {
            throw new IllegalArgumentException("checking checkpoints needs a trust");
        }
        this.log = log;
        this.checkpoints = checkpoints;
        this.trust = trust;
    }

    public Report verify() {
        List<Checkpoint> signed = checkpoints == null ? List.of() : checkpoints.all();
        AuditLog.Head head = log.head();
        Scan scan = new Scan(head, signed.size());
        for (Checkpoint c : signed) {
            Optional<String> bad = signatureProblem(c);
            if (bad.isPresent()) {
                return scan.fail(new ChainProblem(c.headSeq(), ChainProblem.Kind.BAD_CHECKPOINT,
                        describe(c) + " is not valid: " + bad.get()));
            }
        }
        Map<Long, List<Checkpoint>> bySeq = new HashMap<>();
        signed.forEach(c -> bySeq.computeIfAbsent(c.headSeq(), k -> new ArrayList<>()).add(c));
        long lastSeq = 0;
        String lastHash = AuditChain.GENESIS;
        for (long from = 1; from <= head.seq(); from += CHUNK) {
            List<AuditRecord> run = log.range(from, Math.min(head.seq(), from + CHUNK - 1));
            Optional<ChainProblem> problem = AuditChain.check(run, lastSeq + 1, lastHash);
            for (AuditRecord r : run) {
                if (problem.isPresent() && r.seq() >= problem.get().seq()) {
                    break;
                }
                for (Checkpoint c : bySeq.getOrDefault(r.seq(), List.of())) {
                    if (!c.headHash().equals(r.hash())) {
                        return scan.fail(new ChainProblem(r.seq(), ChainProblem.Kind.CHECKPOINT_MISMATCH, "record " + r.seq()
                                + " is not the record " + describe(c) + " signed (signed hash " + AuditChain.abbreviate(c.headHash()) + ", found "
                                + AuditChain.abbreviate(r.hash()) + "): the chain was rewritten or replaced"));
                    }
                }
            }
            if (problem.isPresent()) {
                return scan.fail(problem.get());
            }
            scan.records += run.size();
            if (!run.isEmpty()) {
                lastSeq = run.get(run.size() - 1).seq();
                lastHash = run.get(run.size() - 1).hash();
            }
        }
        for (Checkpoint c : signed) {
            if (c.headSeq() > lastSeq) {
                return scan.fail(new ChainProblem(lastSeq + 1, ChainProblem.Kind.TRUNCATED, "records after " + lastSeq
                        + " were removed: " + describe(c) + " says the chain reached record " + c.headSeq()));
            }
        }
        if (lastSeq != head.seq()) {
            return scan.fail(new ChainProblem(lastSeq + 1, ChainProblem.Kind.TRUNCATED, "the chain head (record " + head.seq()
                    + ") is past the last record " + lastSeq + ": records were removed from the tail"));
        }
        if (!lastHash.equals(head.hash())) {
            return scan.fail(new ChainProblem(head.seq(), ChainProblem.Kind.CHANGED, "the chain head does not match record "
                    + head.seq() + " (head hash " + AuditChain.abbreviate(head.hash()) + ", record " + AuditChain.abbreviate(lastHash)
                    + "): the head or the chain was rewritten"));
        }
        return scan.ok();
    }

    private Optional<String> signatureProblem(Checkpoint c) {
        if (c.certificate() == null) {
            return Optional.of("its stored certificate does not parse");
        }
        if (!trust.gatewayId().equals(c.gatewayId())) {
            return Optional.of("it is signed for gateway " + c.gatewayId() + ", not " + trust.gatewayId());
        }
        if (!c.signatureValid()) {
            return Optional.of("its signature does not verify");
        }
        Optional<String> untrusted = trust.certificates().problem(c.certificate(), c.createdAt());
        if (untrusted.isPresent() || c.timeStampToken() == null) {
            return untrusted;
        }
        return TimeStamper.check(c.timeStampToken(), c.signature());
    }

    private static String describe(Checkpoint c) {
        return "the checkpoint of record " + c.headSeq() + " signed at " + c.createdAt();
    }

    /** Counters of one run. */
    private static final class Scan {
        private final AuditLog.Head head;
        private final int checkpoints;
        private long records;

        Scan(AuditLog.Head head, int checkpoints) {
            this.head = head;
            this.checkpoints = checkpoints;
        }

        Report fail(ChainProblem problem) {
            return new Report(records, checkpoints, head, Optional.of(problem));
        }

        Report ok() {
            return new Report(records, checkpoints, head, Optional.empty());
        }
    }
}
