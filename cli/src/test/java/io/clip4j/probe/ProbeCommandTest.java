package io.clip4j.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.cli.CliRunner;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clip4j probe} end to end with the tiny test ViT on an easy task: noisy images of three colours. */
class ProbeCommandTest {
    static final String VIT = TestCheckpoints.resource("models/vit-tiny").toString();
    static final Map<String, Integer> COLOURS = Map.of("red", 0xDC1E1E, "green", 0x1EAA32, "blue", 0x1E46DC);

    @TempDir
    Path tmp;

    Path train;
    Path test;

    @BeforeEach
    void folders() throws IOException {
        train = tmp.resolve("train");
        test = tmp.resolve("test");
        Random rng = new Random(3);
        for (var e : COLOURS.entrySet()) {
            for (int k = 0; k < 10; k++) write(train.resolve(e.getKey()).resolve("im" + k + ".png"), e.getValue(), rng);
            for (int k = 0; k < 4; k++) write(test.resolve(e.getKey()).resolve("im" + k + ".png"), e.getValue(), rng);
        }
    }

    static void write(Path file, int rgb, Random rng) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int p = 0;
                for (int s = 16; s >= 0; s -= 8) {
                    int c = ((rgb >> s) & 0xFF) + (int) (60 * rng.nextGaussian());
                    p = (p << 8) | Math.max(0, Math.min(255, c));
                }
                img.setRGB(x, y, p);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void probeSeparatesTheColours() {
        CliRunner r = CliRunner.run(
                "probe", "--model", VIT, "--train", train.toString(), "--test", test.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("[\"blue\",\"green\",\"red\"]", j.get("classes").toString());
        assertEquals(30, j.get("train_images").asInt());
        assertEquals(12, j.get("test_images").asInt());
        assertTrue(j.get("test_accuracy").asDouble() >= 0.9, j.toString());
        assertTrue(j.get("val_accuracy").asDouble() >= 0.5, j.toString());
        assertTrue(j.get("best_lambda").asDouble() > 0);
        assertEquals(4, j.get("per_class").get("red").get("images").asInt());
        assertEquals(19, j.get("sweep").size());

        CliRunner text = CliRunner.run("probe", "--model", VIT, "--train", train.toString(), "--test", test.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("test accuracy"), text.out());
    }

    @Test
    void unreadableImagesAreSkippedAndReported() throws IOException {
        Files.writeString(train.resolve("red/broken.png"), "not a png");
        CliRunner r = CliRunner.run(
                "probe", "--model", VIT, "--train", train.toString(), "--test", test.toString(), "--format", "json");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("broken.png"), r.err());
        assertEquals(30, r.json().get("train_images").asInt());
        assertEquals(1, r.json().get("skipped_images").asInt());
    }

    @Test
    void aTestClassMissingFromTrainingIsAnError() throws IOException {
        write(test.resolve("purple/a.png"), 0x8C28B4, new Random(1));
        CliRunner.run("probe", "--model", VIT, "--train", train.toString(), "--test", test.toString())
                .assertOneLineError("purple");
        CliRunner.run("probe", "--model", VIT, "--train", tmp.resolve("nope").toString(), "--test", test.toString())
                .assertOneLineError("nope");
    }
}
