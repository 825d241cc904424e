package io.clip4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.api.Clip;
import io.clip4j.checkpoint.SafeTensorsFile;
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
    static final List<Path> IMAGES =
            List.of(Fixtures.resource("image/chelsea.png"), Fixtures.resource("image/rocket.jpg"));

    JsonNode convert(Path out, String dtype) {
        CliRunner r = CliRunner.run(
                "convert", "--model", MODEL.toString(), "--out", out.toString(), "--dtype", dtype, "--format", "json");
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
        try (Clip ref = Clip.load(MODEL);
                Clip a = Clip.load(f32);
                Clip h = Clip.load(f16);
                Clip b = Clip.load(bf16)) {
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
        assertEquals(
                "rw-r--r--",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(f16.resolve("open_clip_model.safetensors"))));
        FileModesCheck.assertShareable(f16);
    }

    /** q8_0 / q4 / q4_0: the linear weights and the token embedding as blocks, smaller files, small errors. */
    @Test
    void blockQuantisedModelsLoadAndStayClose() throws Exception {
        Path f16 = tmp.resolve("f16"), q8 = tmp.resolve("q8"), q4 = tmp.resolve("q4"), q40 = tmp.resolve("q4_0");
        long b16 = convert(f16, "f16").get("bytes").asLong();
        JsonNode j8 = convert(q8, "q8");
        assertEquals("q8_0", j8.get("dtype").asText());
        long b8 = j8.get("bytes").asLong(), b4 = convert(q4, "q4").get("bytes").asLong();
        long b40 = convert(q40, "q4_0").get("bytes").asLong();
        assertTrue(
                b8 < b16 * 0.6 && b40 < b8 * 0.65 && b4 > b40 && b4 < b8, b16 + " / " + b8 + " / " + b4 + " / " + b40);
        try (SafeTensorsFile f = SafeTensorsFile.open(q40.resolve("open_clip_model.safetensors"))) {
            assertEquals("q4_0/32", f.metadata().get("clip4j.quant"));
            assertEquals(DType.U8, f.tensors().get("visual.conv1.weight.q4").dtype());
            assertEquals(
                    DType.F16,
                    f.tensors()
                            .get("transformer.resblocks.0.mlp.c_fc.weight.scale")
                            .dtype());
            assertEquals(DType.F16, f.tensors().get("visual.proj").dtype());
            assertEquals("[128, 3, 8, 8]", f.metadata().get("clip4j.shape.visual.conv1.weight"));
            assertTrue(f.metadata().keySet().stream().noneMatch(k -> k.startsWith("clip4j.quant.")), "pure q4_0");
        }
        // q4: q4_0 blocks, the patch embedding and each tower's first block in q8_0, each named in the metadata
        try (SafeTensorsFile f = SafeTensorsFile.open(q4.resolve("open_clip_model.safetensors"))) {
            assertEquals("q4_0/32", f.metadata().get("clip4j.quant"));
            assertEquals("q4", f.metadata().get("dtype"));
            for (String w : List.of(
                    "visual.conv1.weight",
                    "visual.transformer.resblocks.0.mlp.c_fc.weight",
                    "transformer.resblocks.0.attn.in_proj_weight")) {
                assertEquals(DType.I8, f.tensors().get(w + ".q8").dtype(), w);
                assertEquals("q8_0/32", f.metadata().get("clip4j.quant." + w), w);
            }
            assertEquals(
                    DType.U8,
                    f.tensors()
                            .get("visual.transformer.resblocks.1.mlp.c_fc.weight.q4")
                            .dtype());
            assertEquals(DType.U8, f.tensors().get("token_embedding.weight.q4").dtype());
        }
        Clip.Options half = Clip.Options.defaults().withHalfWeights(true);
        try (Clip ref = Clip.load(MODEL);
                Clip a = Clip.load(q8);
                Clip b = Clip.load(q4);
                Clip c = Clip.load(q40);
                Clip ah = Clip.load(q8, half)) {
            assertTrue(a.checkpoint()
                            .weights()
                            .get("transformer.resblocks.1.attn.in_proj_weight")
                            .blocks()
                    != null);
            assertEquals(
                    "q8_0/32",
                    b.checkpoint().weights().get("visual.conv1.weight").blocks().scheme());
            assertEquals(
                    "q4_0/32",
                    b.checkpoint()
                            .weights()
                            .get("visual.transformer.resblocks.1.attn.in_proj_weight")
                            .blocks()
                            .scheme());
            float[][] want = ref.embedImages(IMAGES),
                    e8 = a.embedImages(IMAGES),
                    e4 = b.embedImages(IMAGES),
                    e8h = ah.embedImages(IMAGES);
            float[][] e40 = c.embedImages(IMAGES);
            double mixed = 0, pure = 0;
            for (int i = 0; i < want.length; i++) {
                double r8 = Fixtures.relativeError(want[i], e8[i]), r4 = Fixtures.relativeError(want[i], e4[i]);
                double r40 = Fixtures.relativeError(want[i], e40[i]);
                assertTrue(r8 > 0 && r8 < 1e-2, "q8 " + r8);
                assertTrue(r4 > r8 && r4 < 0.2 && r40 < 0.2, "q4 " + r4 + ", q4_0 " + r40);
                assertTrue(Fixtures.relativeError(e8[i], e8h[i]) < 5e-3, "q8 in fp16 panels");
                mixed += r4;
                pure += r40;
            }
            assertTrue(mixed < pure, "q4's q8_0 first layers bring it closer to f32: " + mixed + " vs " + pure);
            double t8 = Fixtures.relativeError(ref.embedText("a cat"), a.embedText("a cat"));
            assertTrue(t8 > 0 && t8 < 1e-2, "q8 text " + t8);
        }
        // a quantised model converts back to a float one (the blocks dequantised)
        Path back = tmp.resolve("back");
        convert(back, "f32");
        CliRunner r = CliRunner.run("convert", "--model", q8.toString(), "--out", back.toString(), "--dtype", "f32");
        assertEquals(0, r.code(), r.err());
        try (Clip a = Clip.load(q8);
                Clip c = Clip.load(back)) {
            assertArrayEquals(a.embedText("a dog"), c.embedText("a dog"));
        }
    }

    @Test
    void badInput() {
        CliRunner r = CliRunner.run(
                "convert",
                "--model",
                MODEL.toString(),
                "--out",
                tmp.resolve("x").toString(),
                "--dtype",
                "q3");
        r.assertOneLineError("q3");
        CliRunner missing = CliRunner.run(
                "convert",
                "--model",
                tmp.resolve("nope").toString(),
                "--out",
                tmp.resolve("y").toString());
        missing.assertOneLineError("nope");
    }
}
