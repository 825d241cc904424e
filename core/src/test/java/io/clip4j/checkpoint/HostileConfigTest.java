package io.clip4j.checkpoint;

import static io.clip4j.checkpoint.HostilePickleTest.refusal;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.model.ClipConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs with sizes no checkpoint can have (issue 14): before, 10^9 layers built the expected-tensor map out of
 * memory, zero heads or heads wider than the width divided by zero later, 10^9 heads hung, heads that do not
 * divide the width were accepted, and a zero std or a huge mean made every embedding NaN.
 */
class HostileConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path openClip(Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("oc" + System.nanoTime()));
        Path vit = TestCheckpoints.resource("models/vit-tiny");
        Files.copy(vit.resolve("open_clip_model.safetensors"), dir.resolve("open_clip_model.safetensors"));
        ObjectNode cfg =
                (ObjectNode) JSON.readTree(vit.resolve("open_clip_config.json").toFile());
        edit.accept(cfg);
        Files.writeString(dir.resolve("open_clip_config.json"), JSON.writeValueAsString(cfg));
        return dir;
    }

    private static ObjectNode vision(ObjectNode cfg) {
        return (ObjectNode) cfg.get("model_cfg").get("vision_cfg");
    }

    private static ObjectNode text(ObjectNode cfg) {
        return (ObjectNode) cfg.get("model_cfg").get("text_cfg");
    }

    private void assertRefused(Consumer<ObjectNode> edit, String expected) throws IOException {
        String m = refusal(openClip(edit));
        assertTrue(m.contains("unusable model config: " + expected), m);
    }

    @Test
    void absurdSizesAreRefusedBeforeAnythingIsSizedFromThem() throws IOException {
        assertRefused(c -> vision(c).put("layers", 1_000_000_000), "vision layers [1000000000] are not in [0, 512]");
        assertRefused(c -> text(c).put("layers", 2_000_000), "text layers 2000000 are not in [0, 512]");
        assertRefused(c -> text(c).put("context_length", 1_000_000_000), "context length 1000000000");
        assertRefused(c -> text(c).put("vocab_size", 2_000_000_000), "vocab size 2000000000");
        assertRefused(c -> text(c).put("width", 1_000_000_000), "text width 1000000000");
        assertRefused(c -> vision(c).put("image_size", 1 << 20).put("patch_size", 1 << 10), "image resolution 1048576");
        // a 30 kB file would otherwise make every image 3 x 4096^2 floats, and attention over 16385 tokens
        assertRefused(
                c -> vision(c).put("image_size", 4096).put("patch_size", 64),
                "image resolution 4096 is not in [1, 1024]");
        assertRefused(
                c -> vision(c).put("image_size", 1024).put("patch_size", 8),
                "image resolution 1024 / patch size 8 is more than 64 patches per side");
        assertRefused(c -> ((ObjectNode) c.get("model_cfg")).put("embed_dim", 100_000), "embed dim 100000");
    }

    @Test
    void headCountsMustBePositiveAndDivideTheWidth() throws IOException {
        assertRefused(c -> text(c).put("heads", 0), "text heads 0 (need at least 1)");
        assertRefused(c -> text(c).put("heads", 3), "text heads 3 do not divide width 64");
        assertRefused(c -> text(c).put("heads", 1_000_000_000), "text heads 1000000000 do not divide width 64");
        // head_width 256 > width 128: 128 / 256 = 0 heads
        assertRefused(c -> vision(c).put("head_width", 256), "vision heads 0 (need at least 1)");
    }

    @Test
    void degenerateNormalisationIsRefused() throws IOException {
        assertRefused(
                c -> ((ObjectNode) c.get("preprocess_cfg"))
                        .putArray("std")
                        .add(0.0)
                        .add(0.26)
                        .add(0.27),
                "image std");
        assertRefused(
                c -> ((ObjectNode) c.get("preprocess_cfg"))
                        .putArray("std")
                        .add(-0.2)
                        .add(0.26)
                        .add(0.27),
                "image std");
        assertRefused(
                c -> ((ObjectNode) c.get("preprocess_cfg"))
                        .putArray("mean")
                        .add(1e9)
                        .add(0.45)
                        .add(0.4),
                "image mean");
        // 1e999 parses as infinity
        Path dir = openClip(c -> {});
        Path cfg = dir.resolve("open_clip_config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("0.26862954", "1e999"));
        String m = refusal(dir);
        assertTrue(m.contains("unusable model config: image std [Infinity"), m);
    }

    @Test
    void huggingFacePreprocessorAndHeadsAreChecked() throws IOException {
        Path hf = TestCheckpoints.vitTinyHfFolder(tmp);
        Path pre = hf.resolve("preprocessor_config.json");
        String original = Files.readString(pre);
        Files.writeString(pre, original.replace("0.26862954", "0.0"));
        assertTrue(refusal(hf).contains("unusable model config: image std [0.0, "));
        Files.writeString(pre, original.replace("0.48145466", "300"));
        assertTrue(refusal(hf).contains("unusable model config: image mean [300.0, "));
        Files.writeString(pre, original);
        Path config = hf.resolve("config.json");
        Files.writeString(
                config, Files.readString(config).replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 0"));
        String m = refusal(hf);
        assertTrue(m.contains("unusable model config: vision heads 0"), m);
    }

    @Test
    void oversizedConfigFilesAreNotReadIntoMemory() throws IOException {
        Path dir = openClip(c -> {});
        Path cfg = dir.resolve("open_clip_config.json");
        Files.writeString(cfg, Files.readString(cfg) + " ".repeat(17 << 20));
        String m = refusal(dir);
        assertTrue(m.contains("is too large for a JSON config file"), m);
    }

    @Test
    void inferredHeadsOfANarrowTextTowerAreRefused() throws IOException {
        // OpenAI's rule is heads = width / 64: a 32-wide text tower gets 0 heads, which PyTorch cannot build either
        ClipConfig c = new ClipConfig(
                32,
                32,
                new int[] {1},
                128,
                16,
                2,
                7,
                50,
                32,
                1,
                1,
                true,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
        Path f = tmp.resolve("narrow.safetensors");
        SafeTensorsWriter.write(f, TestCheckpoints.randomWeights(c, 3), Map.of());
        String m = refusal(f);
        assertTrue(m.contains("unusable model config: text heads 0"), m);
    }
}
