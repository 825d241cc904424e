package io.clip4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.cli.CliRunner;
import io.clip4j.testing.FileModesCheck;
import io.clip4j.testing.Fixtures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip4j distill} end to end on the tiny fixture ViT as the teacher and a small synthetic data set. */
class DistillCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Path data;
    static final String TEACHER = Fixtures.resource("models/vit-tiny").toString();

    @BeforeAll
    static void synth() {
        data = shared.resolve("data");
        CliRunner r = CliRunner.run("synth", "--out", data.toString(), "--count", "40", "--size", "32", "--seed", "3");
        assertEquals(0, r.code(), r.err());
    }

    static CliRunner distill(Path out, String... more) {
        List<String> a =
                new ArrayList<>(List.of("distill", "--teacher", TEACHER, "--out", out.toString(), "--batch", "8"));
        if (!List.of(more).contains("--format")) a.addAll(List.of("--format", "json"));
        if (List.of(more).stream().noneMatch(m -> m.equals("--data")))
            a.addAll(List.of("--data", data.resolve("train.tsv").toString()));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(String[]::new));
    }

    @Test
    void studentIsAHalfSizeModelEveryCommandLoadsWithTheTeachersTextTower() throws Exception {
        Path out = tmp.resolve("run");
        CliRunner r = distill(out, "--epochs", "2", "--teacher-cache", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(10, j.get("steps").asInt(), "2 epochs of 40 / 8");
        assertEquals(40, j.get("teacher_computed").asInt(), "epoch 0 runs the teacher on every image");
        assertEquals(40, j.get("teacher_cached").asInt(), "epoch 1 takes crop 1 mod 1 = 0 from the cache");
        assertEquals(40, j.get("cache_entries").asInt());
        try (Clip student = Clip.load(out);
                Clip teacher = Clip.load(Path.of(TEACHER))) {
            assertEquals(64, student.config().visionWidth());
            assertEquals(1, student.config().visionLayers()[0]);
            assertEquals(teacher.config().embedDim(), student.config().embedDim());
            for (String t : List.of(
                    "text_projection",
                    "token_embedding.weight",
                    "transformer.resblocks.1.mlp.c_fc.weight",
                    "logit_scale")) {
                assertArrayEquals(
                        teacher.checkpoint().weights().get(t).toFloatArray(),
                        student.checkpoint().weights().get(t).toFloatArray(),
                        t);
            }
        }
        CliRunner embed = CliRunner.run(
                "embed",
                "--model",
                out.toString(),
                "--format",
                "json",
                "--image",
                data.resolve("classes")
                        .resolve(Files.list(data.resolve("classes"))
                                .findFirst()
                                .orElseThrow()
                                .getFileName())
                        .resolve("000.png")
                        .toString());
        assertEquals(0, embed.code(), embed.err());
        assertTrue(Files.isRegularFile(out.resolve("curves.png")) && Files.isRegularFile(out.resolve("metrics.csv")));
        FileModesCheck.assertShareable(out);
    }

    @Test
    void theTextTowerDistilsTooAndKeepsTheTeachersImageTower() throws Exception {
        Path out = tmp.resolve("text");
        CliRunner r = distill(out, "--tower", "text", "--epochs", "2", "--teacher-cache", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.json().get("student").asText().contains("Text(width 32, layers 1"),
                r.json().toString());
        try (Clip student = Clip.load(out);
                Clip teacher = Clip.load(Path.of(TEACHER))) {
            assertEquals(32, student.config().textWidth());
            assertEquals(1, student.config().textLayers());
            for (String t : List.of(
                    "visual.proj", "visual.conv1.weight", "visual.transformer.resblocks.1.attn.in_proj_weight")) {
                assertArrayEquals(
                        teacher.checkpoint().weights().get(t).toFloatArray(),
                        student.checkpoint().weights().get(t).toFloatArray(),
                        t);
            }
            float[] losses = new float[r.json().get("losses").size()];
            for (int i = 0; i < losses.length; i++)
                losses[i] = (float) r.json().get("losses").get(i).asDouble();
            assertTrue(losses[losses.length - 1] < losses[0], "the text student learns: " + Arrays.toString(losses));
        }
        CliRunner noCaptions = distill(
                tmp.resolve("t2"),
                "--tower",
                "text",
                "--data",
                data.resolve("classes").toString());
        noCaptions.assertOneLineError("needs captions");
    }

    @Test
    void aFolderOfImagesWithoutCaptionsIsDistilledAgainstTheBatchsOwnEmbeddings() {
        CliRunner r =
                distill(tmp.resolve("folder"), "--data", data.resolve("classes").toString(), "--max-steps", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.json().get("steps").asInt());
        assertTrue(r.json().get("losses").get(2).asDouble() > 0);
    }

    @Test
    void aDamagedCacheEntryIsDroppedRecomputedAndReported() throws Exception {
        Path out = tmp.resolve("cache");
        assertEquals(0, distill(out, "--epochs", "1", "--teacher-cache", "1").code());
        Path cache = out.resolve(TeacherCache.FILE);
        long size = Files.size(cache);
        try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
            f.seek(size - 100); // inside the last record's embedding
            int b = f.read();
            f.seek(size - 100);
            f.write(b ^ 0x5A);
        }
        CliRunner again = distill(out, "--epochs", "2", "--teacher-cache", "1"); // resumes at epoch 1
        assertEquals(0, again.code(), again.err());
        JsonNode j = again.json();
        assertEquals(1, j.get("cache_dropped").asInt());
        assertEquals(1, j.get("teacher_computed").asInt(), "only the damaged entry is computed again");
        assertEquals(39, j.get("teacher_cached").asInt());
        assertEquals(10, j.get("steps").asInt());
        CliRunner text = distill(out, "--epochs", "3", "--teacher-cache", "1", "--format", "text");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("0 computed, 40 from the cache"), text.out());
    }

    @Test
    void aModifiedResNetTeacherTeachesAViTStudent() {
        String rn = Fixtures.resource("models/rn-tiny").toString();
        CliRunner r = CliRunner.run(
                "distill",
                "--teacher",
                rn,
                "--data",
                data.resolve("train.tsv").toString(),
                "--out",
                tmp.resolve("rn").toString(),
                "--student-width",
                "32",
                "--student-layers",
                "1",
                "--student-heads",
                "2",
                "--init",
                "random",
                "--batch",
                "8",
                "--max-steps",
                "2",
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.json().get("student").asText().startsWith("ViT(width 32, layers 1, heads 2, patch 32"),
                r.json().toString());
        CliRunner noShape = CliRunner.run(
                "distill",
                "--teacher",
                rn,
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("rn2").toString());
        noShape.assertOneLineError("ModifiedResNet");
        CliRunner inherit = CliRunner.run(
                "distill",
                "--teacher",
                rn,
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("rn3").toString(),
                "--student-width",
                "32",
                "--student-layers",
                "1");
        inherit.assertOneLineError("--init random");
    }

    @Test
    void everyHeadCountThatDividesTheWidthWorks() {
        for (String heads : List.of("1", "2", "4", "16")) {
            CliRunner r = distill(tmp.resolve("h" + heads), "--student-heads", heads, "--max-steps", "2");
            assertEquals(0, r.code(), heads + ": " + r.err());
            assertTrue(
                    r.json().get("student").asText().contains("heads " + heads),
                    r.json().toString());
        }
        CliRunner bad = distill(tmp.resolve("h3"), "--student-heads", "3", "--max-steps", "1");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("clip4j: --student-heads 3 does not divide the student width 64\n"), bad.err());
    }

    @Test
    void aTwelveHeadStudentFineTunesIntoATwentyFourHeadOne() {
        Path first = tmp.resolve("h2");
        assertEquals(
                0, distill(first, "--student-heads", "2", "--max-steps", "2").code());
        CliRunner r =
                distill(tmp.resolve("h4"), "--student-heads", "4", "--init", first.toString(), "--max-steps", "2");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void badInputIsOneLineNamingTheCulprit() throws Exception {
        CliRunner noTeacher = CliRunner.run(
                "distill",
                "--teacher",
                tmp.resolve("nope").toString(),
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("x").toString());
        assertEquals(1, noTeacher.code());
        noTeacher.assertOneLineError("nope");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRunner noImages = distill(tmp.resolve("y"), "--data", empty.toString());
        assertEquals(1, noImages.code());
        noImages.assertOneLineError("no images");

        Path config = tmp.resolve("student.json");
        Files.writeString(
                config,
                "{\"embed_dim\": 64, \"vision_cfg\": {\"image_size\": 32, \"layers\": 1, \"width\": 64, \"patch_size\": 8},"
                        + " \"text_cfg\": {}}");
        CliRunner misfit = distill(tmp.resolve("z"), "--student-config", config.toString());
        assertEquals(1, misfit.code());
        misfit.assertOneLineError("embed_dim 64 does not fit the teacher's embedding (48)");

        CliRunner wider = distill(tmp.resolve("w"), "--student-width", "256", "--max-steps", "1");
        assertEquals(1, wider.code());
        wider.assertOneLineError("--init random");
    }
}
