package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.cli.Main;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.testing.Fixtures;
import io.clip4j.tokenizer.ClipTokenizer;
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

/**
 * {@code clip4j train} end to end. The fixture's pixels are random tensors that no image file reproduces, so the CLI
 * is checked on PNG files against the in-process trainer (itself checked against the reference) on the same files.
 */
class TrainCommandTest {
    static final String[] CAPTIONS = {
        "a photo of a cat",
        "a photo of a dog",
        "",
        "A  Photo   OF a\tCAT!!".replace('\t', ' '),
        "a red square",
        "two blue circles"
    };

    @TempDir
    Path tmp;

    Path tsv;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Fixtures.JSON.readTree(out);
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void images() throws Exception {
        Random r = new Random(3);
        StringBuilder lines = new StringBuilder("filepath\ttitle\n");
        for (int i = 0; i < CAPTIONS.length; i++) {
            int w = 30 + 7 * i, h = 50 - 3 * i;
            var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            Files.createDirectories(tmp.resolve("img"));
            ImageIO.write(img, "png", tmp.resolve("img/" + i + ".png").toFile());
            lines.append("img/").append(i).append(".png\t").append(CAPTIONS[i]).append('\n');
        }
        tsv = tmp.resolve("pairs.tsv");
        Files.writeString(tsv, lines.toString());
    }

    String[] args(Path out, int steps, String... more) {
        var opts = new LinkedHashMap<String, String>();
        opts.put("--data", tsv.toString());
        opts.put("--init", Fixtures.resource("models/vit-tiny").toString());
        opts.put("--max-steps", Integer.toString(steps));
        opts.put("--warmup", "0");
        opts.put("--schedule", "const");
        opts.put("--lr", "1e-3");
        opts.put("--batch", "4");
        opts.put("--out", out.toString());
        opts.put("--format", "json");
        for (int i = 0; i < more.length; i += 2) opts.put(more[i], more[i + 1]);
        List<String> a = new ArrayList<>(List.of("train", "--no-augment", "--no-shuffle"));
        opts.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        return a.toArray(String[]::new);
    }

    @Test
    void cliReproducesTheInProcessTrainerOnImageFiles() throws Exception {
        Path out = tmp.resolve("run");
        Run run = cli(args(out, 3));
        assertEquals(0, run.code(), run.err());
        JsonNode losses = run.json().get("losses");
        assertEquals(3, losses.size());
        assertTrue(run.err().contains("img/s") && run.err().contains("ETA"), run.err());

        // in process: the first 4 pairs (no shuffle), the same batch every step (4 pairs per epoch of 6 → 1 step per
        // epoch)
        TrainableClip m;
        try (var c = CheckpointLoader.load(Fixtures.resource("models/vit-tiny"))) {
            m = TrainableClip.fromCheckpoint(c);
        }
        var pre = new ImagePreprocessor(32, m.config().mean(), m.config().std());
        var tok = ClipTokenizer.openai();
        float[] pixels = new float[4 * 3 * 32 * 32];
        int[][] ids = new int[4][];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(pre.preprocess(tmp.resolve("img/" + i + ".png")), 0, pixels, i * 3 * 32 * 32, 3 * 32 * 32);
            ids[i] = tok.tokenize(CAPTIONS[i], 77, true);
        }
        var trainer = new ClipTrainer(
                m, new AdamW(m.parameters(), 0.9, 0.98, 1e-6, 0.2, n -> true), LrSchedule.constant(1e-3));
        // not bit-exact: Math.exp may differ by an ulp between interpreted and JIT-compiled code
        for (int s = 0; s < 3; s++)
            assertEquals(trainer.step(pixels, ids, 4), (float) losses.get(s).asDouble(), 1e-5, "loss of step " + s);

        try (Clip clip = Clip.load(out)) {
            assertEquals(
                    m.parameters().get("logit_scale")[0],
                    clip.checkpoint().weights().get("logit_scale").getFloat(0),
                    1e-6);
            var visProj = clip.checkpoint().weights().get("visual.proj").toFloatArray();
            assertTrue(Fixtures.relativeError(visProj, m.parameters().get("visual.proj")) < 1e-5);
        }
    }

    @Test
    void defaultWarmupFitsShortRunsAndALongerWarmupIsWarnedAbout() throws Exception {
        List<String> a = new ArrayList<>(List.of(args(tmp.resolve("short"), 10, "--schedule", "cosine")));
        int w = a.indexOf("--warmup");
        a.remove(w + 1);
        a.remove(w);
        Run r = cli(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(tmp.resolve("short/metrics.csv"));
        int lrColumn = List.of(csv.get(0).split(",")).indexOf("lr");
        double firstLr = Double.parseDouble(csv.get(1).split(",")[lrColumn]);
        assertEquals(1e-3, firstLr, 1e-12, "a tenth of a 10-step run: one warmup step, then the peak rate");
        assertFalse(r.err().contains("warning"), r.err());

        Run warned = cli(args(tmp.resolve("long"), 3, "--warmup", "10000"));
        assertEquals(0, warned.code(), warned.err());
        assertTrue(warned.err().contains("warning: --warmup 10000 is longer than the run (3 steps)"), warned.err());
    }

    @Test
    void resumingFromTheOutputFolderGivesTheSameRun() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        Run a = cli(args(straight, 3, "--schedule", "cosine", "--warmup", "1"));
        assertEquals(0, a.code(), a.err());
        Run b1 = cli(args(resumed, 2, "--schedule", "cosine", "--warmup", "1"));
        assertEquals(0, b1.code(), b1.err());
        // same total as the straight run so that the cosine schedule is the same
        Run b2 = cli(args(resumed, 3, "--schedule", "cosine", "--warmup", "1"));
        assertEquals(0, b2.code(), b2.err());
        assertEquals(1, b2.json().get("losses").size());
        assertTrue(b2.err().contains("resuming") && b2.err().contains("at step 2"), b2.err());
        Run again = cli(args(resumed, 3, "--schedule", "cosine", "--warmup", "1"));
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already at step 3"), again.err());
        assertEquals(
                a.json().get("losses").get(2).asDouble(),
                b2.json().get("losses").get(0).asDouble(),
                1e-5);
        var pa = Fixtures.safetensors(straight.resolve("open_clip_model.safetensors"));
        var pb = Fixtures.safetensors(resumed.resolve("open_clip_model.safetensors"));
        for (String n : pa.keySet())
            assertTrue(
                    Fixtures.relativeError(pb.get(n).toFloatArray(), pa.get(n).toFloatArray()) < 1e-5, n);
    }

    /** A damaged train_state.json (issue 14): one line naming the field, exit 1, never an internal error. */
    @Test
    void aDamagedTrainStateNamesTheField() throws Exception {
        Path out = tmp.resolve("damaged");
        assertEquals(0, cli(args(out, 2)).code());
        Path state = out.resolve(TrainCheckpoint.STATE_JSON);
        String good = Files.readString(state);
        String[][] cases = {
            {"\"step\" : 2", "\"step\" : -3", "'step' must be a whole number >= 0, got -3"},
            {"\"step\" : 2,", "", "'step' is missing"},
            {"\"step\" : 2", "\"step\" : \"two\"", "'step' must be a whole number, got \"two\""},
            {"\"step\" : 2", "\"step\" : 1e30", "'step' must be a whole number"},
            {"\"step\" : 2", "\"step\" : 99", "'completed_steps' (2) differs from 'step' (99)"},
            {"\"completed_steps\" : 2", "\"completed_steps\" : 1", "'completed_steps' (1) differs from 'step' (2)"},
            {"\"seed\" : 0", "\"seed\" : [0]", "'seed' must be a whole number, got [0]"},
            {"\"lock_image\" : false", "\"lock_image\" : 0", "'lock_image' must be true or false"},
            {
                "\"schedule_progress\" : 0.5",
                "\"schedule_progress\" : 7",
                "'schedule_progress' must be a number from 0 to 1"
            },
            {"{", "[", "cannot read"}
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0] + " in " + good);
            Files.writeString(state, good.replace(c[0], c[1]));
            Run r = cli(args(out, 4));
            assertEquals(1, r.code(), c[1] + ": " + r.err());
            assertTrue(r.err().startsWith("clip4j: ") && r.err().strip().split("\n").length == 1, r.err());
            assertTrue(r.err().contains(c[2]), c[1] + " -> " + r.err());
        }
        Files.writeString(state, "[2]");
        assertTrue(cli(args(out, 4)).err().contains("train_state.json: not a clip4j training state"));
        // a step beyond the run, consistently in train_state.json: the optimizer state still says 2
        Files.writeString(
                state,
                good.replace("\"step\" : 2", "\"step\" : 99")
                        .replace("\"completed_steps\" : 2", "\"completed_steps\" : 99"));
        Run beyond = cli(args(out, 4));
        assertEquals(1, beyond.code(), beyond.err());
        assertTrue(
                beyond.err().contains("holds the optimizer state of step 2 but train_state.json says step 99"),
                beyond.err());
        // the optimizer state of another step than train_state.json names: files of different checkpoints
        Files.writeString(
                state,
                good.replace("\"step\" : 2", "\"step\" : 1")
                        .replace("\"completed_steps\" : 2", "\"completed_steps\" : 1"));
        Run mixed = cli(args(out, 4));
        assertEquals(1, mixed.code(), mixed.err());
        assertTrue(
                mixed.err()
                        .contains(
                                "train_state.safetensors: holds the optimizer state of step 2 but train_state.json says step 1"),
                mixed.err());
        Files.writeString(state, good);
        assertEquals(0, cli(args(out, 4)).code());
    }

    @Test
    void userErrorsAreOneLine() {
        Run noStart =
                cli("train", "--data", tsv.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, noStart.code(), noStart.err());
        assertTrue(
                noStart.err().contains("--init or --model-config")
                        && noStart.err().lines().count() == 1,
                noStart.err());
        Run badSchedule = cli(args(tmp.resolve("y"), 1, "--schedule", "linear"));
        assertEquals(1, badSchedule.code());
        assertTrue(badSchedule.err().contains("--schedule"), badSchedule.err());
        Run missingData =
                cli(args(tmp.resolve("z"), 1, "--data", tmp.resolve("none.tsv").toString()));
        assertEquals(1, missingData.code());
        assertTrue(missingData.err().contains("none.tsv"), missingData.err());
    }

    @Test
    void unreadableImagesAreReportedAndLeftOutOfTheirBatch() throws Exception {
        String lines = Files.readString(tsv).replace("img/1.png", "img/missing.png");
        Files.writeString(tsv, lines);
        Run r = cli(args(tmp.resolve("skip"), 1));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipped") && r.err().contains("missing.png"), r.err());
        assertEquals(1, r.json().get("losses").size());
    }

    @Test
    void fromScratchWithAModelConfig() throws Exception {
        Path cfg = tmp.resolve("tiny.json");
        Files.writeString(
                cfg,
                "{\"embed_dim\": 16, \"quick_gelu\": true, \"vision_cfg\": {\"image_size\": 16, \"layers\": 1, "
                        + "\"width\": 32, \"head_width\": 16, \"patch_size\": 8}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, "
                        + "\"width\": 16, \"heads\": 2, \"layers\": 1}}");
        Path out = tmp.resolve("scratch");
        Run r = cli(
                "train",
                "--data",
                tsv.toString(),
                "--model-config",
                cfg.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "2",
                "--batch",
                "3",
                "--warmup",
                "1",
                "--lock-image",
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.json().get("steps").asInt());
        JsonNode state = Fixtures.JSON.readTree(out.resolve("train_state.json").toFile());
        assertTrue(state.get("init").asText().startsWith("scratch"));
        assertTrue(state.get("lock_image").asBoolean());
        try (Clip clip = Clip.load(out)) {
            assertEquals(16, clip.embedDim());
            assertEquals(2, clip.config().visionHeads());
        }
    }
}
