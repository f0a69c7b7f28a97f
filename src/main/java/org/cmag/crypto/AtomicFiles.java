package org.cmag.crypto;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing a file so that readers see the old content or the new, never half of it, also after a crash or power loss:
 * a temporary file in the same directory (created owner-only on POSIX), written and forced to disk, then an atomic
 * rename over the target (a plain replace where the file system cannot rename atomically), then the directory forced
 * to disk so the rename itself is durable. A writer killed before the rename leaves the old file and a temporary file
 * {@code .<name>…tmp} beside it ({@link #removeLeftovers}). Used for key material, certificates, evidence bundles and
 * the audit anchor.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What is written into the temporary file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code target}, creating its directory; replaces an existing file. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /**
     * Writes what {@code content} produces to {@code target}, creating its directory; replaces an existing file. When
     * {@code content} throws, the target is left as it was and the temporary file is removed.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, tempPrefix(target), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Removes the temporary files that writers of {@code target} killed before their rename left behind. Only for a
     * target with a single writer, called by that writer (a concurrent writer's temporary file would be removed too).
     *
     * @return how many were removed
     */
    public static int removeLeftovers(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        String prefix = tempPrefix(target);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(p) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static String tempPrefix(Path target) {
        return "." + target.getFileName();
    }

    /** Makes a rename in {@code dir} durable (POSIX: fsync of the directory; elsewhere directories cannot be opened). */
    private static void forceDirectory(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
