package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles of 150-200 kB that refer to one big list or memo entry many times (issue 14), loaded by
 * {@code clip4j info} in a JVM with a 48 MB heap: the answer is one line and exit status 1, never an
 * OutOfMemoryError, whatever the references would add up to if they were copied.
 */
class PickleBombHeapTest {
    @TempDir
    Path tmp;

    /** clip4j info on {@code file} with -Xmx48m: exit status and stderr. */
    record Child(int code, String err) {}

    private Child info(Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx48m",
                        "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.clip4j.cli.Main",
                        "info",
                        "--model",
                        file.toString()))
                .redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "no answer within 2 minutes");
        return new Child(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path torch(String name, byte[] pickle) throws IOException {
        Path f = tmp.resolve(name);
        TestCheckpoints.writeTorchZip(f, "archive", pickle, Map.of(), Map.of());
        return f;
    }

    private static void assertOneLine(Child c, Path file) {
        assertFalse(c.err().contains("OutOfMemoryError") || c.err().contains("\tat "), c.err());
        assertEquals(1, c.code(), c.err());
        // the JVM's own notice of the incubator module is not clip4j's
        String[] lines = c.err()
                .lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .toArray(String[]::new);
        assertEquals(1, lines.length, c.err());
        assertTrue(lines[0].startsWith("clip4j: " + file), c.err());
    }

    /** BININT1 and BINGET: two bytes each, so that many elements and references fit in a small pickle. */
    private static PickleBytes small(PickleBytes p, int v) {
        return p.op('K').op(v & 0xff);
    }

    private static PickleBytes ref(PickleBytes p, int memo) {
        return p.op('h').op(memo);
    }

    @Test
    void aListBombOf200KilobytesIsOneLine() throws Exception {
        // big = 10k ints (memo 2); {"w": outer} with outer = [big] * 60k, appended one by one and by APPENDS:
        // 600 million elements if the references were copies
        PickleBytes p = new PickleBytes()
                .proto()
                .emptyDict()
                .memoize()
                .str("w")
                .emptyList()
                .memoize();
        p.emptyList().memoize().mark();
        for (int i = 0; i < 10_000; i++) small(p, i);
        p.op('e').pop(); // big stays in the memo; outer is on top again
        for (int i = 0; i < 30_000; i++) ref(p, 2).append();
        p.mark();
        for (int i = 0; i < 30_000; i++) ref(p, 2);
        p.op('e').setItem().stop();
        byte[] pickle = p.bytes();
        assertTrue(pickle.length > 150_000 && pickle.length < 250_000, pickle.length + " bytes");
        Path f = torch("list-bomb.pt", pickle);
        Child c = info(f);
        assertOneLine(c, f);
        assertTrue(c.err().contains("entry 'w' is a ArrayList, not a tensor"), c.err());
    }

    @Test
    void aMemoBombOf150KilobytesIsOneLine() throws Exception {
        // t0 = a tuple of 70k ints (memo 1); t(i) = (t(i-1),) * 1000, memoized, ten levels; {t10: None}: hashing
        // the key would visit 10^30 tuples
        PickleBytes p = new PickleBytes().proto().emptyDict().memoize().mark();
        for (int i = 0; i < 70_000; i++) small(p, i);
        p.tuple().memoize().pop();
        for (int level = 1; level <= 10; level++) {
            p.mark();
            for (int i = 0; i < 1000; i++) ref(p, level);
            p.tuple().memoize().pop();
        }
        byte[] pickle = ref(p, 11).none().setItem().stop().bytes();
        assertTrue(pickle.length > 150_000 && pickle.length < 250_000, pickle.length + " bytes");
        Path f = torch("memo-bomb.pt", pickle);
        Child c = info(f);
        assertOneLine(c, f);
        assertTrue(c.err().contains("invalid pickle") && c.err().contains("pickle bomb"), c.err());
    }
}
