package org.cmag.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;

/**
 * Verifies the whole audit chain, its signed checkpoints and its anchor, naming the first problem. Reads the anchor
 * file (written after its checkpoint is committed), then the checkpoints, then the head (no lock), then the records up
 * to that head in chunks, so writers are never held up and a checkpoint or anchor written meanwhile cannot name a head
 * beyond the one read. Checks, in this order: every checkpoint, and the anchor, is signed by a trusted certificate for
 * this gateway (and its time-stamp token, if any, is over its signature) - else {@link ChainProblem.Kind#BAD_CHECKPOINT},
 * as is an anchor file that is not a checkpoint; every record from 1 to the head is present, links to its predecessor
 * and hashes to its stored hash ({@link AuditChain#check}); the record at each checkpoint's and the anchor's head has
 * exactly the signed hash - else {@link ChainProblem.Kind#CHECKPOINT_MISMATCH} (for the anchor: records lost and their
 * sequence numbers reused), or {@link ChainProblem.Kind#TRUNCATED} when the chain now ends before it; the last record is
 * the head; the database holds a checkpoint at or after the anchor's record - else {@link ChainProblem.Kind#TRUNCATED}.
 */
public final class ChainVerifier {
    private static final int CHUNK = 2000;

    private final AuditLog log;
    private final Checkpoints checkpoints;
    private final Trust trust;

    /** Whose checkpoints count: signed for {@code gatewayId} by a certificate {@code certificates} accepts. */
    public record Trust(String gatewayId, CheckpointTrust certificates) {}

    /**
     * The outcome: what was checked, and the first problem if any.
     *
     * @param anchor the anchor checked (empty when there is no anchor file, or it is not a checkpoint: then that is the problem)
     */
    public record Report(long records, int checkpoints, AuditLog.Head head, Optional<Checkpoint> anchor, Optional<ChainProblem> problem) {
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
        // the anchor first: everything it names was committed before the checkpoints and the head are read
        Optional<AuditAnchor> anchorFile = checkpoints == null ? Optional.empty() : checkpoints.anchor();
        Checkpoint anchor = null;
        ChainProblem unreadableAnchor = null;
        if (anchorFile.isPresent()) {
            try {
                anchor = anchorFile.get().read().orElse(null);
            } catch (AuditAnchor.Unreadable e) {
                unreadableAnchor = AuditAnchor.unreadable(e);
            }
        }
        List<Checkpoint> signed = checkpoints == null ? List.of() : checkpoints.all();
        AuditLog.Head head = log.head();
        Scan scan = new Scan(head, signed.size(), anchor);
        if (unreadableAnchor != null) {
            return scan.fail(unreadableAnchor);
        }
        for (Checkpoint c : signed) {
            Optional<String> bad = signatureProblem(c, trust);
            if (bad.isPresent()) {
                return scan.fail(new ChainProblem(c.headSeq(), ChainProblem.Kind.BAD_CHECKPOINT,
                        describe(c) + " is not valid: " + bad.get()));
            }
        }
        if (anchor != null) {
            Optional<String> bad = signatureProblem(anchor, trust);
            if (bad.isPresent()) {
                return scan.fail(anchorFile.get().invalid(anchor, bad.get()));
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
                if (anchor != null && anchor.headSeq() == r.seq() && !anchor.headHash().equals(r.hash())) {
                    return scan.fail(anchorFile.get().mismatch(anchor, r));
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
        if (anchor != null && anchor.headSeq() > lastSeq) {
            return scan.fail(anchorFile.get().behind(anchor, lastSeq, head.seq()));
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
        if (anchor != null) {
            long anchorSeq = anchor.headSeq();
            if (signed.stream().noneMatch(c -> c.headSeq() >= anchorSeq)) {
                return scan.fail(anchorFile.get().noCheckpoint(anchor));
            }
        }
        return scan.ok();
    }

    /** Why {@code c} is not a checkpoint signed for {@code trust}'s gateway by a certificate it accepts, or empty. */
    static Optional<String> signatureProblem(Checkpoint c, Trust trust) {
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
        private final Optional<Checkpoint> anchor;
        private long records;

        Scan(AuditLog.Head head, int checkpoints, Checkpoint anchor) {
            this.head = head;
            this.checkpoints = checkpoints;
            this.anchor = Optional.ofNullable(anchor);
        }

        Report fail(ChainProblem problem) {
            return new Report(records, checkpoints, head, anchor, Optional.of(problem));
        }

        Report ok() {
            return new Report(records, checkpoints, head, anchor, Optional.empty());
        }
    }
}
