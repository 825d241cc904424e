package io.clip4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.cli.CliRunner;
import io.clip4j.tensor.Tensor;
import io.clip4j.testing.Fixtures;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** open_clip -> hf -> openai -> open_clip at f32: every tensor bit for bit, the same embeddings in every layout. */
class LayoutRoundTripTest {
    @TempDir
    Path tmp;

    static final Path MODEL = Fixtures.resource("models/vit-tiny");
    static final Path CAT = Fixtures.resource("image/chelsea.png");

    static void convert(Path from, Path to, String layout, String... more) {
        String[] base = {
            "convert", "--model", from.toString(), "--out", to.toString(), "--dtype", "f32", "--layout", layout
        };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void roundTripIsBitForBit() throws Exception {
        Path a = tmp.resolve("a"),
                hf = tmp.resolve("hf"),
                openai = tmp.resolve("bare/ViT-tiny.safetensors"),
                d = tmp.resolve("d");
        convert(MODEL, a, "open_clip");
        convert(a, hf, "hf");
        convert(hf, openai, "openai");
        convert(openai, d, "open_clip");
        for (String f : new String[] {
            "config.json",
            "preprocessor_config.json",
            "tokenizer_config.json",
            "vocab.json",
            "merges.txt",
            "model.safetensors"
        }) {
            assertTrue(Files.isRegularFile(hf.resolve(f)), f);
        }
        try (Checkpoint ca = CheckpointLoader.load(a);
                Checkpoint cd = CheckpointLoader.load(d);
                Checkpoint ch = CheckpointLoader.load(hf);
                Checkpoint co = CheckpointLoader.load(openai)) {
            assertEquals("huggingface", ch.format());
            assertEquals(ca.config(), cd.config());
            assertEquals(ca.config(), ch.config());
            assertEquals(ca.config(), co.config());
            assertEquals(ca.weights().keySet(), cd.weights().keySet());
            for (Map.Entry<String, Tensor> e : ca.weights().entrySet()) {
                for (Checkpoint other : new Checkpoint[] {ch, co, cd}) {
                    Tensor t = other.weights().get(e.getKey());
                    assertEquals(e.getValue().dtype(), t.dtype(), e.getKey());
                    assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
                    assertArrayEquals(
                            e.getValue().data().toArray(ValueLayout.JAVA_BYTE),
                            t.data().toArray(ValueLayout.JAVA_BYTE),
                            e.getKey());
                }
            }
        }
        try (Clip ref = Clip.load(a);
                Clip h = Clip.load(hf);
                Clip o = Clip.load(openai);
                Clip back = Clip.load(d)) {
            float[] img = ref.embedImage(CAT), txt = ref.embedText("a photo of a cat");
            for (Clip c : new Clip[] {h, o, back}) {
                assertArrayEquals(img, c.embedImage(CAT));
                assertArrayEquals(txt, c.embedText("a photo of a cat"));
                assertTrue(ModelIdentity.of(ref).sameModel(ModelIdentity.of(c)));
            }
            // the written vocabulary is the bundled one
            assertArrayEquals(
                    ref.tokenizer().tokenize("Hello, wörld! 123", 77, true),
                    h.tokenizer().tokenize("Hello, wörld! 123", 77, true));
        }
    }

    @Test
    void oneTowerFilesInEveryLayout() {
        Path textHf = tmp.resolve("text-hf"), imageBare = tmp.resolve("image.safetensors");
        convert(MODEL, textHf, "hf", "--tower", "text");
        convert(MODEL, imageBare, "openai", "--tower", "image");
        try (Clip ref = Clip.load(MODEL);
                Clip t = Clip.load(textHf);
                Clip i = Clip.load(imageBare)) {
            assertArrayEquals(ref.embedText("a dog"), t.embedText("a dog"));
            assertArrayEquals(ref.embedImage(CAT), i.embedImage(CAT));
        }
    }

    @Test
    void refusedCombinationsAreUsageErrors() {
        CliRunner.run(
                        "convert",
                        "--model",
                        MODEL.toString(),
                        "--out",
                        tmp.resolve("x").toString(),
                        "--dtype",
                        "q8",
                        "--layout",
                        "hf")
                .assertUsageError("--layout hf");
        CliRunner.run(
                        "convert",
                        "--model",
                        MODEL.toString(),
                        "--out",
                        tmp.resolve("x").toString(),
                        "--layout",
                        "openai")
                .assertUsageError(".safetensors");
        CliRunner.run(
                        "convert",
                        "--model",
                        MODEL.toString(),
                        "--out",
                        tmp.resolve("x").toString(),
                        "--layout",
                        "tf")
                .assertOneLineError("tf");
    }
}
