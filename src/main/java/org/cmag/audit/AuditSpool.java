package org.cmag.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records that could not be appended when they were made (the database was down), kept durably in a local
 * directory until the chain takes them. One file per record, written to a temporary name, forced to disk and renamed
 * (the directory forced too) before the caller goes on, so a refusal is never answered before its record is durable
 * somewhere.
 *
 * <p>{@link #drain} appends the waiting records to the chain in the order they were made, each with its spool id and
 * original time at the head of its detail ({@code [spool <id> at <instant>] <detail>}; the chain's own time is that of
 * the append). A file is deleted only after the transaction that appended its record committed; the same transaction
 * first looks for the spool ids already in the chain and skips those, so a crash between commit and delete leaves a
 * file whose record is recognised, not appended twice. Each record reaches the chain exactly once.
 */
public final class AuditSpool {
    private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";
    private static final String MARK = "[spool ";
    /** Records appended per transaction while draining. */
    private static final int BATCH = 200;
    /** Slack below the oldest spool time when looking for records already appended (the clock may have been set back). */
    private static final Duration CLOCK_SLACK = Duration.ofDays(1);

    private final Path dir;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();

    /** A spool in {@code dir} (created when missing); records left by an earlier run are counted as pending. */
    public AuditSpool(Path dir, Clock clock) {
        this.dir = dir.toAbsolutePath();
        this.clock = clock;
        try {
            Files.createDirectories(this.dir);
            // a temporary file is a write that never finished: its refusal was not answered, so there is nothing to keep
            try (Stream<Path> list = Files.list(this.dir)) {
                for (Path p : list.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            pending.set(files().size());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the audit spool " + this.dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    /** Records waiting for the chain. */
    public int pending() {
        return pending.get();
    }

    /** Writes {@code event} durably to the spool; returns its spool id. */
    public String spool(AuditEvent event) throws IOException {
        String id = UUID.randomUUID().toString();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.put("at", at.toString());
        json.put("type", event.type());
        json.put("outcome", event.outcome());
        json.put("actor", event.actor());
        json.put("partnerId", event.partnerId());
        json.put("messageId", event.messageId());
        json.put("caseId", event.caseId());
        json.put("legalBasis", event.legalBasis());
        json.put("purpose", event.purpose());
        json.put("messageDigest", event.messageDigest());
        json.put("errorCode", event.errorCode());
        json.put("detail", event.detail());
        // time first and a per-run sequence, so that the names sort in the order the records were made
        String name = String.format("%013d-%09d-%s%s", at.toEpochMilli(), sequence.incrementAndGet() % 1_000_000_000L, id, SUFFIX);
        Path tmp = dir.resolve(".tmp-" + id);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(json));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
        pending.incrementAndGet();
        return id;
    }

    /**
     * Appends every waiting record to the chain (see the class comment) and removes its file; returns how many records
     * were appended (records found already in the chain are not counted). Throws when the database fails; what was
     * committed until then stays committed and its files are gone.
     */
    public synchronized int drain(Database database, AuditLog audit) {
        int appended = 0;
        List<Path> files = files();
        for (int from = 0; from < files.size(); from += BATCH) {
            List<Path> batch = files.subList(from, Math.min(files.size(), from + BATCH));
            List<Spooled> records = new ArrayList<>();
            for (Path f : batch) {
                Spooled s = read(f);
                if (s != null) {
                    records.add(s);
                }
            }
            if (records.isEmpty()) {
                continue;
            }
            Instant oldest = records.stream().map(Spooled::at).min(Instant::compareTo).orElseThrow();
            int added = database.inTransaction(c -> {
                audit.lockHead(c); // no other append between the look-up and ours
                Set<String> present = new HashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT detail FROM audit_event WHERE occurred_at >= ? AND detail LIKE ?")) {
                    ps.setTimestamp(1, Timestamp.from(oldest.minus(CLOCK_SLACK)));
                    ps.setString(2, MARK + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String id = spoolId(rs.getString(1));
                            if (id != null) {
                                present.add(id);
                            }
                        }
                    }
                }
                List<AuditEvent> missing = records.stream().filter(r -> !present.contains(r.id())).map(Spooled::event).toList();
                if (!missing.isEmpty()) {
                    audit.append(c, missing.toArray(AuditEvent[]::new));
                }
                return missing.size();
            });
            appended += added;
            for (Spooled r : records) {
                try {
                    Files.deleteIfExists(r.file());
                    pending.decrementAndGet();
                } catch (IOException e) {
                    // its record is in the chain: the next drain recognises it and only deletes the file
                    LOG.warn("Audit spool: cannot delete {} after its record was appended: {}", r.file(), e.getMessage());
                }
            }
            if (added < records.size()) {
                LOG.warn("Audit spool: {} record(s) were already in the chain (an earlier drain stopped before deleting them)",
                        records.size() - added);
            }
        }
        if (appended > 0) {
            forceDirectoryQuietly();
            LOG.info("Audit spool: {} record(s) made while the database was down appended to the chain", appended);
        }
        return appended;
    }

    /** The spool id at the head of a stored detail, or null. */
    static String spoolId(String detail) {
        if (detail == null || !detail.startsWith(MARK)) {
            return null;
        }
        int end = detail.indexOf(' ', MARK.length());
        return end < 0 ? null : detail.substring(MARK.length(), end);
    }

    private record Spooled(Path file, String id, Instant at, AuditEvent event) {
    }

    private Spooled read(Path file) {
        try {
            JsonNode json = JSON.readTree(Files.readAllBytes(file));
            String id = json.get("id").asText();
            Instant at = Instant.parse(json.get("at").asText());
            String detail = text(json, "detail");
            AuditEvent event = new AuditEvent(text(json, "type"), text(json, "outcome"), text(json, "actor"), text(json, "partnerId"),
                    text(json, "messageId"), text(json, "caseId"), text(json, "legalBasis"), text(json, "purpose"), text(json, "messageDigest"),
                    text(json, "errorCode"), MARK + id + " at " + at + "]" + (detail == null ? "" : " " + detail));
            return new Spooled(file, id, at, event);
        } catch (IOException | RuntimeException e) {
            // only complete files get their final name; an unreadable one is kept aside for an operator, loudly
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOG.error("Audit spool: {} cannot be read ({}); moved to {} - its record is NOT in the chain", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                pending.decrementAndGet();
            } catch (IOException moveFailure) {
                LOG.error("Audit spool: cannot move {} aside: {}", file, moveFailure.getMessage());
            }
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private List<Path> files() {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the audit spool " + dir + ": " + e.getMessage(), e);
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private void forceDirectoryQuietly() {
        try {
            forceDirectory();
        } catch (IOException e) {
            LOG.debug("Audit spool: cannot force {}: {}", dir, e.getMessage());
        }
    }
}
