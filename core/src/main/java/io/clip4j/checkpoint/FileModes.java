package io.clip4j.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The permissions of model and checkpoint files clip4j writes: 0644, as any ordinary file others may read.
 * Temporary files (Files.createTempFile) start private (0600) and would keep that mode through the final rename.
 */
public final class FileModes {
    private FileModes() {}

    /** rw-r--r-- where the file system has POSIX permissions; elsewhere nothing to do. */
    public static void shareable(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
