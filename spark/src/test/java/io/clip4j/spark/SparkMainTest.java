package io.clip4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clip4j spark embed`: exit statuses and one-line messages as the rest of the clip4j command. */
class SparkMainTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = SparkMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void aBadCommandLineExits2WithOneLine() {
        Run none = run();
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("clip4j: missing subcommand"), none.err());
        Run missing = run("embed", "--input", "x", "--model", "m");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("clip4j: missing required option '--output=DIR'"), missing.err());
        Run unknown = run("embed", "--colour");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("clip4j: unknown option '--colour'"), unknown.err());
        Run batch = run("embed", "--input", "x", "--output", "y", "--model", "m", "--batch", "0");
        assertEquals(2, batch.status());
        assertTrue(batch.err().contains("--batch"), batch.err());
        Run help = run("embed", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: clip4j spark embed"), help.out());
    }

    @Test
    void aLocalMasterRunsOneTaskAtATimeOnAllItsCores() {
        assertEquals(1, SparkMain.localCores("local"));
        assertEquals(2, SparkMain.localCores("local[2]"));
        assertEquals(3, SparkMain.localCores("local[3,4]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), SparkMain.localCores("local[*]"));
        assertEquals(0, SparkMain.localCores("spark://host:7077"));
        assertEquals(0, SparkMain.localCores("yarn"));
    }

    @Test
    void badInputExits1WithOneLine() {
        TestSpark.session();
        Run r = run(
                "embed",
                "--master",
                "local[2]",
                "--input",
                tmp.resolve("nowhere").toString(),
                "--output",
                tmp.resolve("out").toString(),
                "--model",
                TestSpark.model().toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("clip4j: ") && r.err().contains("nowhere: no such file or folder"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run model = run(
                "embed",
                "--master",
                "local[2]",
                "--input",
                TestSpark.imageFolder(tmp.resolve("images")).toString(),
                "--output",
                tmp.resolve("out").toString(),
                "--model",
                tmp.resolve("no-model").toString());
        assertEquals(1, model.status(), model.err());
        assertTrue(model.err().startsWith("clip4j: ") && model.err().contains("no-model: no such model"), model.err());
    }

    @Test
    void aRunReportsItsImagesAndExits1ForABadOne() {
        TestSpark.session();
        Path images = TestSpark.imageFolder(tmp.resolve("images"));
        int n = TestSpark.visibleImages(images).size();
        Run r = run(
                "embed",
                "--master",
                "local[2]",
                "--input",
                images.toString(),
                "--output",
                tmp.resolve("out").toString(),
                "--model",
                TestSpark.model().toString(),
                "--partitions",
                "2",
                "--clip-retrieval-layout");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("clip4j: ") && r.err().contains(TestSpark.BROKEN), r.err());
        assertTrue(
                r.out()
                        .contains(n + " images in 2 shards: 2 shards written, 0 already done; " + (n - 1)
                                + " embedded, 1 failed"),
                r.out());
    }
}
