package io.clip4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.cli.CliRunner;
import io.clip4j.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
    @TempDir
    static Path tmp;

    static Path data;
    static final String MODEL = Fixtures.resource("models/vit-tiny").toString();

    @BeforeAll
    static void synth() {
        data = tmp.resolve("data");
        CliRunner r = CliRunner.run(
                "synth", "--out", data.toString(), "--count", "30", "--size", "32", "--seed", "5", "--val-count", "20");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void zeroShotReportsTop1Top5PerClassAndAConfusionMatrix() throws Exception {
        Path png = tmp.resolve("confusion.png");
        CliRunner r = CliRunner.run(
                "eval",
                "zeroshot",
                "--model",
                MODEL,
                "--confusion",
                png.toString(),
                "--format",
                "json",
                data.resolve("classes").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        int images = j.get("images").asInt(), sum = 0;
        for (JsonNode c : j.get("per_class")) sum += c.get("images").asInt();
        assertEquals(images, sum);
        assertTrue(images > 0);
        assertTrue(j.get("top1").asDouble() <= j.get("top5").asDouble());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
        CliRunner text = CliRunner.run(
                "eval", "zeroshot", "--model", MODEL, data.resolve("classes").toString());
        assertTrue(text.out().startsWith("zero-shot on " + images + " images"), text.out());
    }

    @Test
    void retrievalRecallsGrowWithK() {
        CliRunner r = CliRunner.run(
                "eval",
                "retrieval",
                "--model",
                MODEL,
                "--format",
                "json",
                data.resolve("val.tsv").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(20, j.get("pairs").asInt());
        for (String d : new String[] {"image_to_text", "text_to_image"}) {
            double r1 = j.get(d + "_R@1").asDouble(),
                    r5 = j.get(d + "_R@5").asDouble(),
                    r10 = j.get(d + "_R@10").asDouble();
            assertTrue(0 <= r1 && r1 <= r5 && r5 <= r10 && r10 <= 1, j.toString());
        }
    }

    @Test
    void aModelAgreesFullyWithItselfAndBadInputIsOneLine() throws Exception {
        Path queries = Files.writeString(tmp.resolve("q.txt"), "a red circle\na blue square\n\na green star\n");
        CliRunner r = CliRunner.run(
                "eval",
                "agreement",
                "--model",
                MODEL,
                "--teacher",
                MODEL,
                "--images",
                data.resolve("classes").toString(),
                "--queries",
                queries.toString(),
                "--top",
                "5",
                "--format",
                "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(1.0, j.get("mean_cosine").asDouble(), 1e-5);
        assertEquals(1.0, j.get("zeroshot_agreement").asDouble());
        assertEquals(1.0, j.get("overlap").asDouble());
        assertEquals(1.0, j.get("map").asDouble(), 1e-12);
        assertEquals(3, j.get("queries").size());

        CliRunner missing = CliRunner.run(
                "eval",
                "agreement",
                "--model",
                MODEL,
                "--teacher",
                tmp.resolve("none").toString(),
                "--images",
                data.resolve("classes").toString());
        missing.assertOneLineError("none");
        CliRunner noDir = CliRunner.run(
                "eval", "zeroshot", "--model", MODEL, tmp.resolve("nodir").toString());
        noDir.assertOneLineError("nodir");
        assertEquals(2, CliRunner.run("eval").code());
        assertEquals(
                2,
                CliRunner.run(
                                "eval",
                                "agreement",
                                "--model",
                                MODEL,
                                "--teacher",
                                MODEL,
                                "--images",
                                data.toString(),
                                "--top",
                                "0")
                        .code());
    }

    @Test
    void overlapAndAveragePrecision() {
        assertEquals(2.0 / 3, AgreementEval.overlap(new int[] {0, 5, 1}, new int[] {0, 1, 2}), 1e-12);
        assertEquals(
                (1.0 + 2.0 / 3) / 3, AgreementEval.averagePrecision(new int[] {0, 5, 1}, new int[] {0, 1, 2}), 1e-12);
        assertEquals(0, AgreementEval.averagePrecision(new int[] {7, 8}, new int[] {0, 1}));
        assertEquals(1, AgreementEval.averagePrecision(new int[] {1, 0}, new int[] {0, 1}), 1e-12);
    }
}
