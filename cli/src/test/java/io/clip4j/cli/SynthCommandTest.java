package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.data.CsvCaptionSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesALoadableDataSet() throws IOException {
        Path dir = tmp.resolve("shapes");
        CliRunner r = CliRunner.run(
                "synth",
                "--out",
                dir.toString(),
                "--count",
                "12",
                "--seed",
                "4",
                "--size",
                "32",
                "--holdout",
                "red circle,blue star",
                "--per-class",
                "1",
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(12, j.get("train").asInt());
        assertEquals(1, j.get("val").asInt());
        assertEquals(62, j.get("classes").asInt());
        assertEquals(2, j.get("heldout_images").asInt());
        CsvCaptionSource train = CsvCaptionSource.load(dir.resolve("train.tsv"));
        assertEquals(12, train.size());
        for (int i = 0; i < 12; i++) assertFalse(train.caption(i).contains("red circle"));
        assertTrue(Files.isRegularFile(dir.resolve("heldout/blue star/000.png")));

        CliRunner text =
                CliRunner.run("synth", "--out", tmp.resolve("t").toString(), "--count", "2", "--per-class", "0");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("wrote 2 training"), text.out());
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRunner.run("synth", "--out", tmp.toString(), "--holdout", "red blob").assertUsageError("blob");
        CliRunner.run("synth", "--out", tmp.toString(), "--count", "0").assertUsageError("--count");
        CliRunner.run("synth", "--out", tmp.toString(), "--words", "2").assertUsageError("--words");
        CliRunner.run("synth", "--out", tmp.toString(), "--size", "4").assertUsageError("--size");
    }
}
