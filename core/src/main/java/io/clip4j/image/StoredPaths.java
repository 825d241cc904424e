package io.clip4j.image;

import java.net.URI;
import java.nio.file.Path;

/**
 * File paths as the index stores them, as text that turns back into the same file. On Linux a file name is bytes,
 * and one that is not valid UTF-8 (or not valid in the JVM's file name encoding) has a lossy {@code toString()}:
 * two such names may even give the same string. Those are stored as their {@code file:} URI, whose percent escapes
 * keep the raw bytes; every other path as itself, so the index stays readable and the CLI prints plain paths.
 * An absolute path never starts with "file:", so the two forms cannot be confused.
 */
public final class StoredPaths {
    private StoredPaths() {}

    /** The stored form of an absolute path. */
    public static String of(Path file) {
        Path abs = file.toAbsolutePath();
        String plain = abs.toString();
        try {
            if (Path.of(plain).equals(abs)) return plain; // equal paths have equal bytes
        } catch (RuntimeException lossy) {
            // the text is not even a path: fall through to the URI
        }
        return abs.toUri().toString();
    }

    /** The path a stored form names. */
    public static Path toPath(String stored) {
        return stored.startsWith("file:") ? Path.of(URI.create(stored)) : Path.of(stored);
    }
}
