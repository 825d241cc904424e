package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import io.clip4j.image.ImageFiles;
import io.clip4j.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Textness: logistic regression on synthetic word vs shape pictures, the saved direction, search and grid. */
class TextnessTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();

    @TempDir
    Path tmp;

    @Test
    void logisticRegressionFindsALinearSeparator() {
        Random r = new Random(1);
        int n = 400, d = 16;
        float[] truth = RecallTest.randomUnit(r, d);
        float[][] x = new float[n][];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i] = RecallTest.randomUnit(r, d);
            y[i] = ExactRanking.cosine(x[i], truth) > 0.05;
        }
        TextnessTrainer.Result fit = TextnessTrainer.fit(x, y, 1e-4, RecallTest.fakeModel(d));
        assertTrue(
                fit.direction().trainAccuracy() > 0.95,
                "accuracy " + fit.direction().trainAccuracy());
        float[] w = fit.direction().direction();
        double cos = 0;
        for (int i = 0; i < d; i++) cos += w[i] * truth[i];
        assertTrue(cos > 0.9, "direction close to the true normal: " + cos);
    }

    @Test
    void fitSeparatesWordsFromShapesOnHeldOutImagesAndSearchUsesIt() throws Exception {
        Path with = tmp.resolve("with"), without = tmp.resolve("without"), index = tmp.resolve("index");
        for (int i = 0; i < 60; i++) {
            TestImages.png(TestImages.words(i, 64), with.resolve("w" + i + ".png"));
            TestImages.png(TestImages.shapes(i, 64), without.resolve("s" + i + ".png"));
        }
        Path collection = tmp.resolve("collection");
        for (int i = 0; i < 10; i++) {
            TestImages.png(TestImages.words(1000 + i, 64), collection.resolve("w" + i + ".png"));
            TestImages.png(TestImages.shapes(1000 + i, 64), collection.resolve("s" + i + ".png"));
        }
        CliRunner idx = CliRunner.run("index", "--model", VIT, "--index", index.toString(), collection.toString());
        assertEquals(0, idx.code(), idx.err());
        CliRunner fit = CliRunner.run(
                "textness",
                "fit",
                "--model",
                VIT,
                "--with-text",
                with.toString(),
                "--without-text",
                without.toString(),
                "--index",
                index.toString(),
                "--format",
                "json");
        assertEquals(0, fit.code(), fit.err());
        JsonNode summary = fit.json();
        assertEquals(60, summary.get("with_text").asInt());
        assertTrue(summary.get("train_accuracy").asDouble() > 0.9, summary.toString());

        Path file = index.resolve(TextnessDirection.FILE_NAME);
        JsonNode saved = Fixtures.JSON.readTree(Files.readString(file));
        assertEquals(48, saved.get("dim").asInt());
        assertEquals(48, saved.get("model").get("embed_dim").asInt());
        TextnessDirection dir = TextnessDirection.load(file);
        double norm = 0;
        for (float v : dir.direction()) norm += v * v;
        assertEquals(1.0, Math.sqrt(norm), 1e-5);

        // held out: new pictures, classified by the direction's projection with a threshold from the training data
        try (Clip clip = Clip.load(Path.of(VIT))) {
            int correct = 0, total = 0;
            double[] trainPos = projections(clip, dir, with, 60), trainNeg = projections(clip, dir, without, 60);
            double threshold = (mean(trainPos) + mean(trainNeg)) / 2;
            for (int i = 0; i < 40; i++) {
                boolean text = i % 2 == 0;
                BufferedImage img = text ? TestImages.words(5000 + i, 64) : TestImages.shapes(5000 + i, 64);
                double p = ExactRanking.cosine(clip.embedImage(img), dir.direction());
                if ((p > threshold) == text) correct++;
                total++;
            }
            assertTrue(correct >= 0.75 * total, "held-out accuracy " + correct + "/" + total);
        }

        // search picks the direction up from the index folder; higher textness ranks word pictures higher
        double[] wordsInTop = new double[2];
        float[] scales = {-3, 3};
        for (int s = 0; s < 2; s++) {
            CliRunner r = CliRunner.run(
                    "search",
                    "--index",
                    index.toString(),
                    "--top",
                    "10",
                    "--textness",
                    String.valueOf(scales[s]),
                    "--format",
                    "json",
                    "a picture");
            assertEquals(0, r.code(), r.err());
            for (JsonNode h : r.json().get("results"))
                if (Path.of(h.get("path").asText()).getFileName().toString().startsWith("w")) wordsInTop[s]++;
        }
        assertTrue(
                wordsInTop[1] > wordsInTop[0],
                "words in the top 10 at -3 and +3: " + wordsInTop[0] + ", " + wordsInTop[1]);

        // the grid: HTML with one row per scale, and a PNG
        Path prefix = tmp.resolve("grid");
        CliRunner g = CliRunner.run(
                "textness",
                "grid",
                "--index",
                index.toString(),
                "--scales",
                "-2,0,2",
                "--top",
                "4",
                "--out",
                prefix.toString(),
                "a picture");
        assertEquals(0, g.code(), g.err());
        String html = Files.readString(Path.of(prefix + ".html"));
        assertEquals(12, html.split("<img ", -1).length - 1);
        assertEquals(3, html.split("<h2>", -1).length - 1);
        BufferedImage png = ImageIO.read(Path.of(prefix + ".png").toFile());
        assertTrue(png.getWidth() > 4 * 96 && png.getHeight() > 3 * 96, png.getWidth() + "x" + png.getHeight());
    }

    static double[] projections(Clip clip, TextnessDirection dir, Path folder, int n) {
        List<Path> files = ImageFiles.walk(List.of(folder)).stream()
                .map(ImageFiles.Found::path)
                .toList();
        float[][] e = clip.embedImages(files);
        double[] out = new double[e.length];
        for (int i = 0; i < e.length; i++) out[i] = ExactRanking.cosine(e[i], dir.direction());
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
