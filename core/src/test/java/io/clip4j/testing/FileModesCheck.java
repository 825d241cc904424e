package io.clip4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/** Model and checkpoint files clip4j writes are 0644, never the 0600 of a renamed temporary file (issue 14). */
public final class FileModesCheck {
    private FileModesCheck() {}

    /** Every .safetensors and .json file directly in {@code dir} (at least one) is rw-r--r--. */
    public static void assertShareable(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")
                            || p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        assertFalse(files.isEmpty(), "no model files in " + dir);
        for (Path f : files)
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
    }
}
