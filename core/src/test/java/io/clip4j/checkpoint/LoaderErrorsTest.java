package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderErrorsTest {
    @TempDir
    Path tmp;

    private String refusal(Path p) {
        Clip4jException e = assertThrows(
                Clip4jException.class, () -> CheckpointLoader.load(p).close());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void unknownAndMissingPaths() throws IOException {
        assertEquals(tmp.resolve("nope") + ": no such file or directory", refusal(tmp.resolve("nope")));
        Path txt = Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertTrue(refusal(txt).startsWith(txt + ": not a CLIP checkpoint (expected"));
        assertTrue(refusal(tmp).startsWith(tmp + ": not a CLIP checkpoint (expected"));
    }

    @Test
    void bareSafetensorsInferSyntheticConfigs() throws IOException {
        for (ClipConfig c : new ClipConfig[] {TestCheckpoints.smallVit(), TestCheckpoints.smallResNet()}) {
            Path f = tmp.resolve("m.safetensors");
            SafeTensorsWriter.write(f, TestCheckpoints.randomWeights(c, 5), Map.of());
            try (Checkpoint ck = CheckpointLoader.load(f)) {
                assertEquals(c, ck.config());
                assertEquals(ExpectedTensors.of(c).size(), ck.weights().size());
            }
        }
    }

    @Test
    void namesMissingAndUnexpectedTensors() throws IOException {
        ClipConfig c = TestCheckpoints.smallVit();
        Map<String, Tensor> sd = new LinkedHashMap<>(TestCheckpoints.randomWeights(c, 6));
        sd.remove("visual.ln_post.bias");
        sd.put("visual.extra_thing", Tensor.ofFloats("x", new int[] {1}, new float[] {0}));
        Path f = tmp.resolve("m.safetensors");
        SafeTensorsWriter.write(f, sd, Map.of());
        String m = refusal(f);
        assertTrue(m.contains("missing 1 tensor (visual.ln_post.bias)"), m);
        assertTrue(m.contains("unexpected 1 tensor (visual.extra_thing)"), m);
    }

    @Test
    void namesShapeMismatchWithBothShapes() throws IOException {
        ClipConfig c = TestCheckpoints.smallVit();
        Map<String, Tensor> sd = new LinkedHashMap<>(TestCheckpoints.randomWeights(c, 7));
        sd.put("visual.ln_pre.weight", Tensor.ofFloats("x", new int[] {127}, new float[127]));
        Path f = tmp.resolve("m.safetensors");
        SafeTensorsWriter.write(f, sd, Map.of());
        String m = refusal(f);
        assertTrue(m.contains("tensor 'visual.ln_pre.weight' has shape [127]") && m.contains("needs [128]"), m);
    }

    @Test
    void openClipConfigFeaturesWeDoNotImplementAreRefusedByKey() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("oc"));
        Path vit = TestCheckpoints.resource("models/vit-tiny");
        Files.copy(vit.resolve("open_clip_model.safetensors"), dir.resolve("open_clip_model.safetensors"));
        String cfg = Files.readString(vit.resolve("open_clip_config.json"))
                .replace("\"patch_size\": 8", "\"patch_size\": 8, \"attentional_pool\": true");
        Files.writeString(dir.resolve("open_clip_config.json"), cfg);
        String m = refusal(dir);
        assertTrue(m.contains("model_cfg.vision_cfg.attentional_pool = true is not supported"), m);
    }

    @Test
    void openClipWithoutQuickGeluUsesErfGelu() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("oc2"));
        Path vit = TestCheckpoints.resource("models/vit-tiny");
        Files.copy(vit.resolve("open_clip_model.safetensors"), dir.resolve("open_clip_model.safetensors"));
        Files.writeString(
                dir.resolve("open_clip_config.json"),
                Files.readString(vit.resolve("open_clip_config.json")).replace("\"quick_gelu\": true,", ""));
        try (Checkpoint ck = CheckpointLoader.load(dir)) {
            assertTrue(!ck.config().quickGelu());
        }
    }
}
