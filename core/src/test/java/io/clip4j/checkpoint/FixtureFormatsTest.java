package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference fixtures' vit-tiny in three formats, and rn-tiny. */
class FixtureFormatsTest {
    static final Path VIT = TestCheckpoints.resource("models/vit-tiny");
    static final Path RN = TestCheckpoints.resource("models/rn-tiny");

    @TempDir
    Path tmp;

    static ClipConfig expectedConfig(Path modelDir) throws IOException {
        JsonNode c = new ObjectMapper()
                .readTree(Files.readString(modelDir.resolve("expected.json")))
                .get("config");
        JsonNode layers = c.get("vision_layers");
        int[] vl = layers.isArray()
                ? new int[] {
                    layers.get(0).asInt(),
                    layers.get(1).asInt(),
                    layers.get(2).asInt(),
                    layers.get(3).asInt()
                }
                : new int[] {layers.asInt()};
        int width = c.get("vision_width").asInt();
        boolean vit = !c.get("vision_patch_size").isNull();
        return new ClipConfig(
                c.get("embed_dim").asInt(),
                c.get("image_resolution").asInt(),
                vl,
                width,
                vit ? c.get("vision_patch_size").asInt() : 0,
                vit ? width / 64 : width * 32 / 64,
                c.get("context_length").asInt(),
                c.get("vocab_size").asInt(),
                c.get("transformer_width").asInt(),
                c.get("transformer_heads").asInt(),
                c.get("transformer_layers").asInt(),
                true,
                ClipConfig.OPENAI_MEAN,
                ClipConfig.OPENAI_STD);
    }

    private Path torchBin() throws IOException {
        return TestCheckpoints.vitTinyTorchBin(tmp);
    }

    private Path hfFolder() throws IOException {
        return TestCheckpoints.vitTinyHfFolder(tmp);
    }

    static void assertSameWeights(Checkpoint a, Checkpoint b) {
        assertEquals(a.weights().keySet(), b.weights().keySet());
        for (String k : a.weights().keySet()) {
            Tensor x = a.weights().get(k);
            Tensor y = b.weights().get(k);
            assertEquals(x.dtype(), y.dtype(), k);
            assertArrayEquals(x.shape(), y.shape(), k);
            assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f, k);
        }
    }

    @Test
    void vitTinyLoadsIdenticallyFromAllThreeFormats() throws IOException {
        ClipConfig expected = expectedConfig(VIT);
        try (Checkpoint oc = CheckpointLoader.load(VIT);
                Checkpoint torch = CheckpointLoader.load(torchBin());
                Checkpoint hf = CheckpointLoader.load(hfFolder())) {
            assertEquals("open_clip", oc.format());
            assertEquals("torch", torch.format());
            assertEquals("huggingface", hf.format());
            assertEquals(expected, oc.config());
            assertEquals(expected, torch.config());
            assertEquals(expected, hf.config());
            assertSameWeights(oc, torch);
            assertSameWeights(oc, hf);
            assertEquals(ExpectedTensors.of(expected).keySet(), oc.weights().keySet());
            assertEquals(0, oc.weights().get("logit_scale").rank());
            assertEquals(Files.size(VIT.resolve("open_clip_model.safetensors")), oc.fileBytes());
            assertNull(oc.vocabJson());
        }
    }

    @Test
    void huggingFaceFolderRecordsTokenizerFiles() throws IOException {
        Path dir = hfFolder();
        Files.writeString(dir.resolve("vocab.json"), "{}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        try (Checkpoint hf = CheckpointLoader.load(dir)) {
            assertEquals(dir.resolve("vocab.json"), hf.vocabJson());
            assertEquals(dir.resolve("merges.txt"), hf.mergesTxt());
        }
    }

    @Test
    void huggingFaceQkvAreConcatenatedAndProjectionsTransposed() throws IOException {
        Path dir = hfFolder();
        try (Checkpoint hf = CheckpointLoader.load(dir);
                SafeTensorsFile raw = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            Tensor q = raw.tensors().get("vision_model.encoder.layers.1.self_attn.k_proj.weight");
            Tensor inProj = hf.weights().get("visual.transformer.resblocks.1.attn.in_proj_weight");
            int w = q.dim(0);
            assertEquals(3 * w, inProj.dim(0));
            float[] k = q.toFloatArray();
            float[] all = inProj.toFloatArray();
            for (int i = 0; i < k.length; i++) assertEquals(k[i], all[w * w + i], 0f);
            Tensor vp = raw.tensors().get("visual_projection.weight"); // [E, W]
            Tensor proj = hf.weights().get("visual.proj"); // [W, E]
            assertEquals(vp.dim(0), proj.dim(1));
            assertEquals(vp.getFloat(3L * vp.dim(1) + 5), proj.getFloat(5L * proj.dim(1) + 3), 0f);
        }
    }

    @Test
    void rnTinyLoadsWithTheConfigOfItsExpectedJson() throws IOException {
        ClipConfig expected = expectedConfig(RN);
        try (Checkpoint oc = CheckpointLoader.load(RN);
                Checkpoint bare = CheckpointLoader.load(RN.resolve("open_clip_model.safetensors"))) {
            assertEquals(expected, oc.config());
            assertEquals(expected, bare.config());
            assertEquals("safetensors", bare.format());
            assertSameWeights(oc, bare);
            assertTrue(oc.weights().containsKey("visual.layer4.0.downsample.1.running_var"));
        }
    }

    @Test
    void vitTinyBareSafetensorsInfersTheConfig() throws IOException {
        try (Checkpoint bare = CheckpointLoader.load(VIT.resolve("open_clip_model.safetensors"))) {
            assertEquals(expectedConfig(VIT), bare.config());
        }
    }
}
