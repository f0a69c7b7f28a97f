package org.cmag.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.cmag.crypto.AtomicFiles;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.store.AuditLog;
import org.cmag.store.AuditRecord;

/**
 * The audit anchor: the newest signed {@link Checkpoint} of the chain head, kept in a file outside the database
 * ({@code gateway.audit.anchor-file}, JSON as {@link CheckpointJson}). A checkpoint kept only in the database is lost
 * together with the tail it should protect (a crash that loses the last committed transactions, a restored backup, a
 * superuser's DELETE); the anchor is not, so a chain shorter than its anchor, or holding other records at the anchored
 * sequence number, does not verify.
 *
 * <p>{@link Checkpoints#write()} writes it after the checkpoint is committed, atomically and durably
 * ({@link AtomicFiles}: a crash leaves the old anchor or the new one, never a torn one). It only ever moves forward
 * over the same chain: the anchor is replaced only when the chain still holds the anchored record with the anchored
 * hash, so a gateway that lost its tail and went on writing (reusing the lost sequence numbers) keeps the evidence of
 * the loss instead of overwriting it. Readers ({@code audit verify}, the console) read it before the database, so a
 * checkpoint and anchor written meanwhile can never name a head beyond the one they read.
 */
public final class AuditAnchor {
    private final Path file;

    public AuditAnchor(Path file) {
        this.file = file;
    }

    /**
     * The anchor a gateway writes: fails closed ({@link ErrorCode#CONFIGURATION}) when {@code file} is a directory or its
     * directory cannot be created.
     */
    public static AuditAnchor writable(Path file) {
        if (Files.isDirectory(file)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.audit.anchor-file " + file + " is a directory, not a file");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot create the directory of gateway.audit.anchor-file " + file + ": " + e,
                    null, e);
        }
        return new AuditAnchor(file);
    }

    public Path file() {
        return file;
    }

    /** Why the file at the anchor's path is not a checkpoint (its message says what is wrong). */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * The anchored checkpoint, or empty when there is no anchor file (a gateway that has not checkpointed yet).
     *
     * @throws Unreadable when the file is there but is not a signed checkpoint
     */
    public Optional<Checkpoint> read() throws Unreadable {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Unreadable("the anchor file " + file + " cannot be read: " + e);
        }
        try {
            return Optional.of(CheckpointJson.parse(json));
        } catch (IllegalArgumentException e) {
            throw new Unreadable("the anchor file " + file + " is not a signed checkpoint: " + e.getMessage());
        }
    }

    /** Writes {@code c} as the anchor (atomically, durably), removing temporary files of a writer killed earlier. */
    void write(Checkpoint c) throws IOException {
        AtomicFiles.removeLeftovers(file);
        AtomicFiles.write(file, CheckpointJson.bytes(c));
    }

    /**
     * Makes {@code c} (just committed) the anchor, unless the chain no longer holds the anchored record: then the old
     * anchor is kept as the evidence of the loss.
     *
     * @return empty when {@code c} is now the anchor, else why the anchor was kept
     */
    Optional<String> advance(Checkpoint c, AuditLog log) throws IOException {
        Checkpoint current;
        try {
            current = read().orElse(null);
        } catch (Unreadable e) {
            return Optional.of(e.getMessage());
        }
        if (current != null) {
            if (current.headSeq() > c.headSeq()) {
                return Optional.of("the chain (head record " + c.headSeq() + ") is behind " + describe(current));
            }
            List<AuditRecord> anchored = log.range(current.headSeq(), current.headSeq());
            if (anchored.isEmpty() || !anchored.get(0).hash().equals(current.headHash())) {
                return Optional.of("record " + current.headSeq() + " is not the record " + describe(current) + " signed");
            }
        }
        write(c);
        return Optional.empty();
    }

    /**
     * The start-up check (no full scan): the anchor, if there is one, is signed for this gateway by a trusted
     * certificate, the chain reaches it, holds the anchored record with the anchored hash, and the database holds a
     * checkpoint at or after it.
     *
     * @return empty when the database agrees with the anchor (or there is no anchor), else the problem, naming both
     */
    public Optional<ChainProblem> check(AuditLog log, Checkpoints checkpoints, ChainVerifier.Trust trust) {
        Checkpoint anchor;
        try {
            Optional<Checkpoint> read = read();
            if (read.isEmpty()) {
                return Optional.empty();
            }
            anchor = read.get();
        } catch (Unreadable e) {
            return Optional.of(unreadable(e));
        }
        Optional<String> bad = ChainVerifier.signatureProblem(anchor, trust);
        if (bad.isPresent()) {
            return Optional.of(invalid(anchor, bad.get()));
        }
        AuditLog.Head head = log.head();
        if (head.seq() < anchor.headSeq()) {
            return Optional.of(behind(anchor, head.seq(), head.seq()));
        }
        List<AuditRecord> anchored = log.range(anchor.headSeq(), anchor.headSeq());
        if (anchored.isEmpty()) {
            return Optional.of(new ChainProblem(anchor.headSeq(), ChainProblem.Kind.MISSING, "record " + anchor.headSeq()
                    + ", which " + describe(anchor) + " signed, is missing"));
        }
        if (!anchored.get(0).hash().equals(anchor.headHash())) {
            return Optional.of(mismatch(anchor, anchored.get(0)));
        }
        if (checkpoints.highestSeq() < anchor.headSeq()) {
            return Optional.of(noCheckpoint(anchor));
        }
        return Optional.empty();
    }

    String describe(Checkpoint anchor) {
        return "the anchor (checkpoint of record " + anchor.headSeq() + " signed at " + anchor.createdAt() + ", file " + file + ")";
    }

    static ChainProblem unreadable(Unreadable e) {
        return new ChainProblem(0, ChainProblem.Kind.BAD_CHECKPOINT, e.getMessage());
    }

    ChainProblem invalid(Checkpoint anchor, String why) {
        return new ChainProblem(anchor.headSeq(), ChainProblem.Kind.BAD_CHECKPOINT, describe(anchor) + " is not valid: " + why);
    }

    ChainProblem behind(Checkpoint anchor, long lastSeq, long headSeq) {
        return new ChainProblem(lastSeq + 1, ChainProblem.Kind.TRUNCATED, "records after " + lastSeq + " were lost or removed: "
                + describe(anchor) + " says the chain reached record " + anchor.headSeq() + ", the chain head is record " + headSeq);
    }

    ChainProblem mismatch(Checkpoint anchor, AuditRecord found) {
        return new ChainProblem(found.seq(), ChainProblem.Kind.CHECKPOINT_MISMATCH, "record " + found.seq() + " is not the record "
                + describe(anchor) + " signed (signed hash " + AuditChain.abbreviate(anchor.headHash()) + ", found "
                + AuditChain.abbreviate(found.hash()) + "): records were lost and their sequence numbers reused, or the chain was rewritten");
    }

    ChainProblem noCheckpoint(Checkpoint anchor) {
        return new ChainProblem(anchor.headSeq(), ChainProblem.Kind.TRUNCATED, "the database holds no checkpoint at or after record "
                + anchor.headSeq() + ", which " + describe(anchor) + " names: its newest checkpoints were removed");
    }
}
