package io.clip4j.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.SafeTensorsWriter;
import io.clip4j.checkpoint.TestCheckpoints;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finite weights can still overflow float32 (issue 14): the embedding is then NaN or infinite, and used to be
 * printed as "NaN" with exit status 0. It is an error for that input instead.
 */
class NonFiniteOutputTest {
    @TempDir
    Path tmp;

    private Path overflowingModel() throws IOException {
        // a vocabulary the bundled tokenizer fits in; projections of 3e38, so that any dot product overflows
        ClipConfig c = new ClipConfig(
                32,
                32,
                new int[] {1},
                128,
                16,
                2,
                77,
                49408,
                64,
                1,
                1,
                true,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
        Map<String, Tensor> sd = new LinkedHashMap<>(TestCheckpoints.randomWeights(c, 4));
        for (String proj : new String[] {"visual.proj", "text_projection"}) {
            int[] shape = sd.get(proj).shape();
            float[] v = new float[shape[0] * shape[1]];
            Arrays.fill(v, 3e38f);
            sd.put(proj, Tensor.ofFloats(proj, shape, v));
        }
        Path f = tmp.resolve("overflow.safetensors");
        SafeTensorsWriter.write(f, sd, Map.of());
        return f;
    }

    @Test
    void overflowingEmbeddingsAreErrorsNotOutput() throws IOException {
        Path png = tmp.resolve("grey.png");
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, (x * 6) << 16 | (y * 6) << 8 | 77);
        ImageIO.write(img, "png", png.toFile());
        try (Clip clip = Clip.load(overflowingModel())) {
            for (Clip c : new Clip[] {clip, clip.with(clip.options().withNormalize(false))}) {
                Clip4jException e = assertThrows(Clip4jException.class, () -> c.embedImage(img));
                assertTrue(e.getMessage().contains("embedding is not finite"), e.getMessage());
                e = assertThrows(Clip4jException.class, () -> c.embedTexts(List.of("a cat", "a dog")));
                assertTrue(
                        e.getMessage().startsWith("text 1 of 2: the model's embedding is not finite"), e.getMessage());
                List<Clip.ImageResult> r = c.embedImageFiles(List.of(png, png));
                for (Clip.ImageResult one : r) {
                    assertFalse(one.ok());
                    assertTrue(one.error().equals(png + ": " + Clip.NON_FINITE), one.error());
                }
                e = assertThrows(Clip4jException.class, () -> c.embedImages(List.of(png)));
                assertTrue(e.getMessage().contains("embedding is not finite"), e.getMessage());
            }
        }
    }
}
