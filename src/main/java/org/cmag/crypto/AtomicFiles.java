package org.cmag.crypto;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writing a file so that readers see the old content or the new, never half of it: a temporary file in the same
 * directory (created owner-only on POSIX), then an atomic rename over the target (a plain replace where the file
 * system cannot rename atomically). Used for key material, certificates and evidence bundles.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes {@code content} to {@code target}, creating its directory; replaces an existing file. */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
