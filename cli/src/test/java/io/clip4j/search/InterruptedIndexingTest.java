package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of `clip4j index`: the index stays readable and the next run resumes. */
class InterruptedIndexingTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final int TOTAL = 120;

    @Test
    void killedIndexingLosesAtMostOneBatchAndResumes(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images"), index = tmp.resolve("index");
        TestImages.shapeFolder(images, TOTAL, 11, 40);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.clip4j.cli.Main",
                "index",
                "--model",
                VIT,
                "--index",
                index.toString(),
                "--batch",
                "2",
                "--commit-every",
                "4",
                "--pause-after-commit-ms",
                "150",
                images.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        int committed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            // wait until some batches are committed, then kill -9
            while (System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
                if (!Files.exists(index)) continue;
                try (VectorStore store = VectorStore.openForReading(index)) {
                    committed = store.size();
                } catch (RuntimeException notYet) {
                    committed = 0;
                }
                if (committed >= 12) break;
            }
            assertTrue(
                    p.isAlive(),
                    "the child finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }

        int afterKill;
        try (VectorStore store = VectorStore.openForReading(index)) {
            afterKill = store.size();
        }
        assertTrue(afterKill >= committed && afterKill < TOTAL, "indexed before the kill: " + afterKill);

        CliRunner search =
                CliRunner.run("search", "--index", index.toString(), "--top", "5", "--format", "json", "red");
        assertEquals(0, search.code(), search.err());
        assertEquals(5, search.json().get("results").size());

        CliRunner again = CliRunner.run(
                "index", "--model", VIT, "--index", index.toString(), "--format", "json", images.toString());
        assertEquals(0, again.code(), again.err());
        JsonNode s = again.json();
        assertEquals(TOTAL, s.get("added").asInt() + s.get("unchanged").asInt(), s.toString());
        assertEquals(afterKill, s.get("unchanged").asInt(), s.toString());
        assertEquals(
                0,
                s.get("removed").asInt()
                        + s.get("updated").asInt()
                        + s.get("failed").asInt(),
                s.toString());
        try (VectorStore store = VectorStore.openForReading(index)) {
            assertEquals(TOTAL, store.size());
        }
    }
}
