package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.cli.Main;
import io.clip4j.plot.MetricCurves;
import io.clip4j.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip4j train}: evaluation, metric files, CSV options, NaN stop, config checks, augmented resume. */
class TrainEvaluationCommandTest {
    static final String[] CAPTIONS = {
        "a photo of a cat", "a photo of a dog", "a red square", "two blue circles", "a green tree", "a yellow sun"
    };

    @TempDir
    Path tmp;

    Path tsv;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Fixtures.JSON.readTree(out);
        }
    }

    static Run cli(List<String> args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void images() throws Exception {
        Random r = new Random(5);
        StringBuilder lines = new StringBuilder("filepath\ttitle\n");
        Files.createDirectories(tmp.resolve("img"));
        for (int i = 0; i < CAPTIONS.length; i++) {
            int w = 34 + 5 * i, h = 40 - 2 * i;
            var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            ImageIO.write(img, "png", tmp.resolve("img/" + i + ".png").toFile());
            lines.append("img/").append(i).append(".png\t").append(CAPTIONS[i]).append('\n');
        }
        tsv = tmp.resolve("pairs.tsv");
        Files.writeString(tsv, lines.toString());
    }

    List<String> args(Path out, int steps, String... more) {
        var opts = new LinkedHashMap<String, String>();
        List<String> flags = new ArrayList<>();
        String[] base = {
            "--data",
            tsv.toString(),
            "--init",
            Fixtures.resource("models/vit-tiny").toString(),
            "--max-steps",
            Integer.toString(steps),
            "--warmup",
            "0",
            "--schedule",
            "const",
            "--lr",
            "1e-3",
            "--batch",
            "4",
            "--out",
            out.toString(),
            "--format",
            "json"
        };
        for (int i = 0; i < base.length; i += 2) opts.put(base[i], base[i + 1]);
        for (int i = 0; i < more.length; i++) {
            if (more[i].equals("--no-augment")) flags.add(more[i]);
            else opts.put(more[i], more[++i]);
        }
        List<String> a = new ArrayList<>(List.of("train"));
        opts.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(flags);
        return a;
    }

    @Test
    void validationAndZeroShotGiveMetricsCsvCurvesAndJson() throws Exception {
        for (String cls : List.of("cat", "dog")) Files.createDirectories(tmp.resolve("zs/" + cls));
        Files.copy(tmp.resolve("img/0.png"), tmp.resolve("zs/cat/a.png"));
        Files.copy(tmp.resolve("img/3.png"), tmp.resolve("zs/cat/b.png"));
        Files.copy(tmp.resolve("img/1.png"), tmp.resolve("zs/dog/a.png"));
        Path out = tmp.resolve("run");
        Run r = cli(args(
                out,
                4,
                "--val",
                tsv.toString(),
                "--zeroshot",
                tmp.resolve("zs").toString(),
                "--eval-every",
                "2",
                "--templates",
                "a photo of a {}."));
        assertEquals(0, r.code(), r.err());
        // evaluations at steps 0, 2 and 4, one stderr line each
        assertEquals(
                3,
                r.err().lines().filter(l -> l.startsWith("clip4j: eval step")).count(),
                r.err());
        assertTrue(r.err().contains("eval step 4: image_to_text_R@1 "), r.err());
        JsonNode metrics = r.json().get("metrics");
        for (String k : List.of(
                "image_to_text_R@1",
                "image_to_text_R@5",
                "image_to_text_R@10",
                "text_to_image_R@1",
                "text_to_image_R@5",
                "text_to_image_R@10",
                "zeroshot_top1")) {
            assertTrue(metrics.has(k), k + " in " + metrics);
            double v = metrics.get(k).asDouble();
            assertTrue(v >= 0 && v <= 1, k + " = " + v);
        }
        // 6 validation pairs: R@10 must be 1; zero-shot top-1 over 3 images is a multiple of 1/3
        assertEquals(1.0, metrics.get("image_to_text_R@10").asDouble());
        double z = metrics.get("zeroshot_top1").asDouble() * 3;
        assertEquals(Math.rint(z), z, 1e-9);

        String header = Files.readAllLines(out.resolve("metrics.csv")).get(0);
        assertEquals(
                "step,image_to_text_R@1,image_to_text_R@5,image_to_text_R@10,text_to_image_R@1,text_to_image_R@5,"
                        + "text_to_image_R@10,zeroshot_top1,loss,lr,images_per_s",
                header);
        MetricCurves c = MetricCurves.readCsv(out.resolve("metrics.csv"));
        assertArrayEquals(new double[] {1, 2, 3, 4}, c.points("loss")[0]);
        assertArrayEquals(new double[] {0, 2, 4}, c.points("zeroshot_top1")[0]);
        for (int s = 0; s < 4; s++)
            assertEquals(r.json().get("losses").get(s).asDouble(), c.points("loss")[1][s], 1e-6);
        assertEquals(metrics.get("zeroshot_top1").asDouble(), c.points("zeroshot_top1")[1][2], 1e-12);
        BufferedImage png = ImageIO.read(out.resolve("curves.png").toFile());
        assertEquals(800, png.getWidth());
        assertEquals(360 + 220 + 360, png.getHeight(), "loss panel + learning-rate panel + evaluation panel");
    }

    @Test
    void evaluationMatchesTheSavedModelThroughTheInferenceApi() throws Exception {
        Path out = tmp.resolve("run");
        Run r = cli(args(out, 2, "--val", tsv.toString(), "--eval-every", "0"));
        assertEquals(0, r.code(), r.err());
        float[][] img, txt;
        try (Clip clip = Clip.load(out)) {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < CAPTIONS.length; i++) files.add(tmp.resolve("img/" + i + ".png"));
            img = clip.embedImages(files);
            txt = clip.embedTexts(List.of(CAPTIONS));
        }
        var expected = RetrievalMetrics.compute(img, txt);
        JsonNode metrics = r.json().get("metrics");
        expected.forEach((k, v) -> assertEquals(v, metrics.get(k).asDouble(), 1e-12, k));
    }

    @Test
    void csvOptionsColumnsSeparatorAndSkippedRows() throws Exception {
        StringBuilder csv = new StringBuilder("id;caption;image\n");
        for (int i = 0; i < CAPTIONS.length; i++)
            csv.append(i)
                    .append(";\"")
                    .append(CAPTIONS[i])
                    .append("; quoted\";img/")
                    .append(i)
                    .append(".png\n");
        csv.append("7;too few fields\n");
        for (int i = 0; i < 11; i++)
            csv.append(100 + i).append(";a ghost;img/none").append(i).append(".png\n");
        Path file = tmp.resolve("pairs.txt");
        Files.writeString(file, csv.toString());
        Run r = cli(List.of(
                "train",
                "--data",
                file.toString(),
                "--csv-separator",
                ";",
                "--csv-img-key",
                "image",
                "--csv-caption-key",
                "caption",
                "--init",
                Fixtures.resource("models/vit-tiny").toString(),
                "--max-steps",
                "1",
                "--batch",
                "6",
                "--warmup",
                "0",
                "--out",
                tmp.resolve("csv").toString(),
                "--format",
                "json"));
        assertEquals(0, r.code(), r.err());
        assertEquals(12, r.json().get("skipped_rows").asInt());
        List<String> lines =
                r.err().lines().filter(l -> l.startsWith("clip4j: " + file)).toList();
        assertEquals(11, lines.size(), r.err());
        assertTrue(lines.get(0).contains(":8: expected 3 fields, found 2"), lines.get(0));
        assertTrue(lines.get(1).contains("none0.png: no such image file"), lines.get(1));
        assertTrue(
                lines.get(10).contains("2 more rows skipped (1 malformed, 11 with a missing image file in all)"),
                lines.get(10));
        assertEquals(1, r.json().get("steps").asInt(), "the 6 good rows make one batch of 6");

        Run wrongKey = cli(List.of(
                "train",
                "--data",
                file.toString(),
                "--csv-separator",
                ";",
                "--init",
                Fixtures.resource("models/vit-tiny").toString(),
                "--out",
                tmp.resolve("k").toString()));
        assertEquals(1, wrongKey.code());
        assertTrue(
                wrongKey.err().contains("no column 'filepath'")
                        && wrongKey.err().lines().count() == 1,
                wrongKey.err());
        Run badSep = cli(List.of(
                "train",
                "--data",
                file.toString(),
                "--csv-separator",
                ";;",
                "--init",
                Fixtures.resource("models/vit-tiny").toString(),
                "--out",
                tmp.resolve("k").toString()));
        assertEquals(1, badSep.code());
        assertTrue(badSep.err().contains("--csv-separator"), badSep.err());
    }

    @Test
    void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = tmp.resolve("nan");
        // an absurd learning rate: the first update blows the weights up, the second step's loss is not finite
        Run r = cli(args(out, 5, "--lr", "1e30"));
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("clip4j:")).count(), r.err());
        String line =
                r.err().lines().filter(l -> l.startsWith("clip4j:")).findFirst().orElseThrow();
        assertTrue(line.contains("at step 2") && line.contains("last good checkpoint (step 0)"), line);
        JsonNode state = Fixtures.JSON.readTree(out.resolve("train_state.json").toFile());
        assertEquals(0, state.get("step").asInt());
        try (var init = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"));
                Clip saved = Clip.load(out)) {
            float[] a = init.weights().get("visual.proj").toFloatArray();
            float[] b = saved.checkpoint().weights().get("visual.proj").toFloatArray();
            assertArrayEquals(a, b, "the checkpoint holds the parameters before the diverging updates");
        }
        assertTrue(Files.isRegularFile(out.resolve("metrics.csv")));
        assertEquals(1, MetricCurves.readCsv(out.resolve("metrics.csv")).points("loss")[0].length);
    }

    @Test
    void modelConfigMustFitInitAndTheResumedRun() throws Exception {
        Path cfg = tmp.resolve("cfg.json");
        ModelConfigFileWriter.write(cfg, 48, 256); // vit-tiny's shape except the vision width
        Run r = cli(args(tmp.resolve("a"), 1, "--model-config", cfg.toString()));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("does not fit --init") && r.err().contains("vision width 256 vs 128"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Path fitting = tmp.resolve("fit.json");
        try (var c = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"))) {
            Files.writeString(
                    fitting, TrainCheckpoint.openClipConfig(c.config()).toString());
        }
        Run ok = cli(args(tmp.resolve("b"), 1, "--model-config", fitting.toString()));
        assertEquals(0, ok.code(), ok.err());
        Run resumedOther = cli(List.of(
                "train",
                "--data",
                tsv.toString(),
                "--model-config",
                cfg.toString(),
                "--max-steps",
                "2",
                "--batch",
                "4",
                "--out",
                tmp.resolve("b").toString()));
        assertEquals(1, resumedOther.code(), resumedOther.err());
        assertTrue(
                resumedOther.err().contains("does not fit the run saved in")
                        && resumedOther.err().contains("vision width 256 vs 128"),
                resumedOther.err());
    }

    @Test
    void augmentedRunsResumeReproducibly() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        List<String> aug = List.of("--seed", "7");
        Run a = cli(withAugment(args(straight, 3, aug.toArray(String[]::new))));
        assertEquals(0, a.code(), a.err());
        assertEquals(
                0,
                cli(withAugment(args(resumed, 2, aug.toArray(String[]::new)))).code());
        Run b = cli(withAugment(args(resumed, 3, aug.toArray(String[]::new))));
        assertEquals(0, b.code(), b.err());
        assertEquals(
                a.json().get("losses").get(2).asDouble(),
                b.json().get("losses").get(0).asDouble(),
                1e-5);
        // and augmentation does change what the model sees
        Run plain = cli(args(tmp.resolve("plain"), 1, "--seed", "7", "--no-augment"));
        assertFalse(Math.abs(plain.json().get("losses").get(0).asDouble()
                        - a.json().get("losses").get(0).asDouble())
                < 1e-7);
        MetricCurves c = MetricCurves.readCsv(resumed.resolve("metrics.csv"));
        assertArrayEquals(new double[] {1, 2, 3}, c.points("loss")[0], "the resumed run keeps the earlier rows");
    }

    private static List<String> withAugment(List<String> a) {
        return a; // args() adds no --no-augment: augmentation is on by default
    }

    /** A config JSON shaped like vit-tiny (embed 48, 32 px, patch 8...) with a chosen vision width. */
    static final class ModelConfigFileWriter {
        static void write(Path file, int embed, int visionWidth) throws Exception {
            try (var c = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"))) {
                var json = TrainCheckpoint.openClipConfig(c.config());
                var vision = (ObjectNode) json.get("model_cfg").get("vision_cfg");
                vision.put("width", visionWidth);
                Files.writeString(file, json.toString());
            }
        }
    }
}
