package io.clip4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.cli.CliRunner;
import io.clip4j.tensor.DType;
import io.clip4j.testing.FileModesCheck;
import io.clip4j.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
    @TempDir
    Path tmp;
    static final Path MODEL = Fixtures.resource("models/vit-tiny");
    static final List<Path> IMAGES = List.of(Fixtures.resource("image/chelsea.png"), Fixtures.resource("image/rocket.jpg"));

    JsonNode convert(Path out, String dtype) {
        CliRunner r = CliRunner.run("convert", "--model", MODEL.toString(), "--out", out.toString(), "--dtype", dtype, "--format", "json");
        assertEquals(0, r.code(), r.err());
        return r.json();
    }

    @Test
    void f32IsLosslessAndHalfFormatsHalveTheFile() throws Exception {
        Path f32 = tmp.resolve("f32"), f16 = tmp.resolve("f16"), bf16 = tmp.resolve("bf16");
        long b32 = convert(f32, "f32").get("bytes").asLong();
        long b16 = convert(f16, "f16").get("bytes").asLong();
        convert(bf16, "bf16");
        assertTrue(b16 < b32 * 0.51 && b16 > b32 * 0.49, b16 + " vs " + b32);
        try (Clip ref = Clip.load(MODEL); Clip a = Clip.load(f32); Clip h = Clip.load(f16); Clip b = Clip.load(bf16)) {
            float[][] want = ref.embedImages(IMAGES);
            float[][] same = a.embedImages(IMAGES);
            for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], same[i], "f32 conversion changes nothing");
            assertArrayEquals(ref.embedText("a cat"), a.embedText("a cat"));
            assertEquals(DType.F16, h.checkpoint().weights().get("visual.proj").dtype());
            assertEquals(DType.BF16, b.checkpoint().weights().get("visual.proj").dtype());
            float[][] half = h.embedImages(IMAGES), brain = b.embedImages(IMAGES);
            for (int i = 0; i < want.length; i++) {
                // f16 keeps 11 bits of mantissa, bf16 8: both close, bf16 further
                double eh = Fixtures.relativeError(want[i], half[i]), eb = Fixtures.relativeError(want[i], brain[i]);
                assertTrue(eh > 0 && eh < 5e-3, "f16 " + eh);
                assertTrue(eb > eh && eb < 5e-2, "bf16 " + eb);
            }
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f16.resolve("open_clip_model.safetensors"))));
        FileModesCheck.assertShareable(f16);
    }

    @Test
    void badInput() {
        CliRunner r = CliRunner.run("convert", "--model", MODEL.toString(), "--out", tmp.resolve("x").toString(), "--dtype", "q3");
        r.assertOneLineError("q3");
        CliRunner missing = CliRunner.run("convert", "--model", tmp.resolve("nope").toString(), "--out", tmp.resolve("y").toString());
        missing.assertOneLineError("nope");
    }
}
