package io.clip4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clip4j.model.ClipConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceConfigTest {
    @Test
    void configDictsOfOlderFilesTakePrecedence(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "clip", "projection_dim": 768,
                 "text_config": {"hidden_size": 512, "num_hidden_layers": 12},
                 "text_config_dict": {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12, "hidden_act": "gelu"},
                 "vision_config_dict": {"hidden_size": 1024, "intermediate_size": 4096, "num_attention_heads": 16,
                   "num_hidden_layers": 24, "image_size": 336, "patch_size": 14, "hidden_act": "gelu"}}
                """);
        ClipConfig c = HuggingFaceConfig.read(dir);
        assertEquals(768, c.textWidth());
        assertEquals(12, c.textLayers(), "kept from text_config");
        assertEquals(12, c.textHeads());
        assertEquals(1024, c.visionWidth());
        assertEquals(24, c.visionLayers()[0]);
        assertEquals(336, c.imageResolution());
        assertEquals(14, c.visionPatchSize());
        assertFalse(c.quickGelu());
        assertEquals(768, c.embedDim());
    }
}
