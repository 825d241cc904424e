package io.clip4j.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.cli.Main;
import io.clip4j.tensor.DType;
import io.clip4j.testing.FileModesCheck;
import io.clip4j.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole quickstart pipeline with the hidden tiny recipe and a seconds-long budget. */
class QuickstartCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void tinyQuickstartEndToEnd() throws Exception {
        Path out = tmp.resolve("qs");
        Run r = cli(
                "quickstart",
                "--tiny",
                "--seconds",
                "2",
                "--distill-seconds",
                "2",
                "--out",
                out.toString(),
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Fixtures.JSON.readTree(r.out());
        for (String k : List.of(
                "report",
                "model",
                "steps",
                "train_seconds",
                "images_per_s",
                "final_loss",
                "zeroshot",
                "search",
                "train_metrics",
                "seconds")) {
            assertTrue(j.has(k), k + " in " + j);
        }
        assertTrue(j.get("steps").asInt() >= 3, j.toString());
        // the budget stops training at the first step that ends past it: at most a few steps over, however slow the
        // machine
        double trained = j.get("train_seconds").asDouble(),
                step = trained / j.get("steps").asInt();
        assertTrue(trained <= 2 + 3 * step + 0.5, "trained " + trained + " s in steps of " + step + " s: " + j);
        JsonNode z = j.get("zeroshot");
        assertEquals(64, z.get("labels").asInt());
        assertEquals(61, z.get("seen_images").asInt(), "one image for each of the 61 seen pairs");
        assertEquals(3, z.get("heldout_images").asInt(), "one image for each held-out pair");
        assertEquals(1.0 / 64, z.get("chance").asDouble(), 1e-12);
        assertEquals(4, j.get("search").size());
        assertEquals("a blue square", j.get("search").get(0).get("query").asText());
        assertEquals(5, j.get("search").get(0).get("results").size());
        assertTrue(j.get("train_metrics").has("zeroshot_top1"));
        JsonNode st = j.get("student");
        assertTrue(st.get("steps").asInt() >= 1, st.toString());
        assertTrue(
                st.get("student").get("image_parameters").asLong()
                        < st.get("teacher").get("image_parameters").asLong() / 2,
                st.toString());
        assertTrue(
                st.get("student").get("file_bytes").asLong()
                        < st.get("teacher").get("file_bytes").asLong() * 0.55,
                "fp16: " + st);
        for (String k : List.of("zeroshot_agreement", "mean_cosine", "overlap_at_10", "map_at_10")) {
            double v = st.get(k).asDouble();
            assertTrue(v >= -1 && v <= 1, k + " " + v);
        }
        try (Clip student = Clip.load(out.resolve("student"))) {
            assertEquals(16, student.config().visionWidth(), "half the tiny teacher's width 32");
            assertEquals(
                    DType.F16, student.checkpoint().weights().get("visual.proj").dtype());
        }

        Path report = out.resolve("report.html");
        assertEquals(report.toString(), j.get("report").asText());
        String html = Files.readString(report);
        for (String section : List.of(
                "<h2>Training</h2>",
                "<h2>Zero-shot classification</h2>",
                "<h2>Text search</h2>",
                "held-out pairs (never in training)",
                "Most frequent confusions",
                "top-3 predictions",
                "&quot;a red circle&quot;: top 5",
                "data:image/png;base64,",
                "<h2>Pocket CLIP: the distilled student</h2>",
                "&quot;a red circle&quot;: student, top 5")) {
            assertTrue(html.contains(section), section);
        }
        assertTrue(Files.isRegularFile(out.resolve("model/metrics.csv")));
        FileModesCheck.assertShareable(out.resolve("model"));
        FileModesCheck.assertShareable(out.resolve("student"));
        assertTrue(Files.isRegularFile(out.resolve("data/train.tsv")));
        assertTrue(Files.isDirectory(out.resolve("data/heldout/red circle")));
        try (Clip clip = Clip.load(out.resolve("model"))) {
            assertEquals(24, clip.config().contextLength(), "the short text context survives the checkpoint");
        }

        // a rerun replaces its own output; any other non-empty folder is refused
        Run again = cli("quickstart", "--tiny", "--seconds", "1", "--distill-seconds", "0", "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(
                again.out().contains("zero-shot top-1 over 64 labels")
                        && again.out().contains("report: "),
                again.out());
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("keep.txt"), "mine");
        Run refused =
                cli("quickstart", "--tiny", "--seconds", "1", "--distill-seconds", "0", "--out", other.toString());
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("not written by the quickstart"), refused.err());
        assertTrue(Files.exists(other.resolve("keep.txt")));
    }
}
