package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./clip4j} launcher filters the JVM's stderr through grep: a message with a control byte in it (a
 * name read from a hostile file) must come through as text, not as "grep: (standard input): binary file matches".
 */
class LauncherStderrTest {
    @Test
    void stderrFilterPassesMessagesWithControlBytesAndDropsTheVectorApiNotice() throws Exception {
        String line = Files.readAllLines(Fixtures.repositoryRoot().resolve("clip4j")).stream()
                .filter(l -> l.startsWith("exec 2> >("))
                .findFirst()
                .orElseThrow();
        String filter = line.substring("exec 2> >(".length(), line.lastIndexOf(')'));
        assertTrue(filter.startsWith("grep "), filter);
        String input =
                "WARNING: Using incubator modules: jdk.incubator.vector\nclip4j: tensor 'a\u0000\u0001\u001b[2Jb\u00ff' is odd\n";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", filter);
        pb.environment().put("LC_ALL", "C.UTF-8"); // \xff is then an encoding error, NUL is binary in any locale
        Process p = pb.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals("", out);
        assertEquals("clip4j: tensor 'a\u0000\u0001\u001b[2Jb\u00ff' is odd\n", err);
    }
}
