package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands say: probe's progress and saved probe, info's table, one duration format. */
class CliMessagesTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();

    @TempDir
    Path tmp;

    /** DIR/<class>/ with copies of the test images: two classes. */
    Path classes(String name, List<String> a, List<String> b) throws IOException {
        Path dir = tmp.resolve(name);
        for (String f : a) copy(f, dir.resolve("photo"));
        for (String f : b) copy(f, dir.resolve("synthetic"));
        return dir;
    }

    static void copy(String image, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(TestCheckpoints.resource("image/" + image), dir.resolve(image));
    }

    @Test
    void probeShowsProgressOnStderrAndSavesTheFittedProbe() throws IOException {
        Path train = classes(
                "train",
                List.of("astronaut.png", "chelsea.png", "coffee.png", "camera.png", "rocket.jpg"),
                List.of(
                        "synth_gray_64x300.png",
                        "synth_odd_225x224.png",
                        "synth_rgba_120x90.png",
                        "synth_tall_41x333.png",
                        "synth_wide_1000x37.png"));
        Path test = classes("test", List.of("page.png"), List.of("synth_tiny_7x5.png"));
        Path saved = tmp.resolve("probe/probe.json");
        CliRunner r = CliRunner.run(
                "probe",
                "--model",
                VIT,
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--progress",
                "--save",
                saved.toString(),
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*\\] 12/12 .* images/s  ETA \\d+:\\d\\d.*"), r.err());
        JsonNode probe = Fixtures.JSON.readTree(saved.toFile());
        assertEquals(
                List.of("photo", "synthetic"),
                List.of(
                        probe.get("classes").get(0).asText(),
                        probe.get("classes").get(1).asText()));
        assertEquals(48, probe.get("dim").asInt());
        assertEquals(2, probe.get("weights").size());
        assertEquals(48, probe.get("weights").get(0).size());
        assertEquals(2, probe.get("bias").size());
        assertEquals(r.json().get("best_lambda").asDouble(), probe.get("lambda").asDouble());

        // the saved probe predicts what the command scored: argmax(W x + b) over the test embeddings
        JsonNode emb = CliRunner.run("embed", "--model", VIT, "--format", "json", test.toString())
                .json()
                .get("images");
        int correct = 0;
        for (JsonNode img : emb) {
            int truth = img.get("path").asText().contains("/synthetic/") ? 1 : 0;
            double[] z = new double[2];
            for (int k = 0; k < 2; k++) {
                z[k] = probe.get("bias").get(k).asDouble();
                for (int d = 0; d < 48; d++)
                    z[k] += probe.get("weights").get(k).get(d).asDouble()
                            * img.get("embedding").get(d).asDouble();
            }
            if ((z[1] > z[0] ? 1 : 0) == truth) correct++;
        }
        assertEquals(r.json().get("test_accuracy").asDouble(), correct / 2.0, 1e-9);
    }

    @Test
    void infoPrintsAnAlignedTable() {
        CliRunner r = CliRunner.run("info", "--model", VIT);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("model         " + VIT, lines.get(0));
        assertTrue(lines.contains("format        open_clip"), r.out());
        assertTrue(lines.contains("image tower   ViT, 32 px"), r.out());
        assertTrue(lines.contains("text tower    context 77, vocabulary 49,408"), r.out());
        assertTrue(lines.contains("embedding     48 dims"), r.out());
        assertTrue(r.out().matches("(?s).*\\ndtypes        F16 [0-9,]+ \\(\\d+\\.\\d %\\).*"), r.out());
        for (String line : lines) assertEquals(' ', line.charAt(13), "values start in one column: " + line);
    }

    @Test
    void indexProgressUsesTheClockFormat() throws IOException {
        Path pics = Files.createDirectories(tmp.resolve("pics"));
        Files.copy(TestCheckpoints.resource("image/chelsea.png"), pics.resolve("a.png"));
        CliRunner r = CliRunner.run(
                "index", "--model", VIT, "--index", tmp.resolve("idx").toString(), "--progress", pics.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("] 1/1 "), r.err());
        assertTrue(r.out().matches("(?s).*embedded 1 in \\d+:\\d\\d \\(\\d+\\.\\d images/s\\).*"), r.out());
    }
}
