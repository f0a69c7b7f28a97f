package org.cmag.gateway;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The gateway's files are its own: the data directory (database, broker journal, evidence, audit anchor and spool) and
 * the key directory are made owner-only - directories 0700, files 0600 - whatever the process umask, at start-up and
 * once everything is open. A file created later inside them (a new journal file) is unreachable for others, as every
 * directory above it is 0700. On a file system without POSIX permissions nothing is changed.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Makes {@code root} and everything under it owner-only (nothing when it does not exist). */
    public static void restrict(Path root) {
        if (root == null || !Files.exists(root) || !root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.setPosixFilePermissions(dir, DIRECTORY);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        Files.setPosixFilePermissions(file, FILE);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a file that vanished meanwhile (a rotated journal file)
                }
            });
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot make " + root + " owner-only: " + e.getMessage(), null, e);
        }
    }
}
