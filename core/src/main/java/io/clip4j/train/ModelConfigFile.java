package io.clip4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An open_clip model config (e.g. open_clip/model_configs/ViT-B-32.json: embed_dim, vision_cfg, text_cfg,
 * quick_gelu), bare or as the {@code model_cfg} of an open_clip_config.json, with open_clip's defaults.
 * ViT image towers only (training does not support ModifiedResNet).
 */
public final class ModelConfigFile {
    private ModelConfigFile() {}

    public static ClipConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read JSON: " + oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new Clip4jException(file + ": not a JSON object");
        JsonNode m = root.has("model_cfg") ? root.get("model_cfg") : root;
        JsonNode v = m.get("vision_cfg"), t = m.get("text_cfg");
        if (v == null || !v.isObject() || t == null || !t.isObject())
            throw new Clip4jException(file + ": no vision_cfg / text_cfg objects");
        if (!m.has("embed_dim")) throw new Clip4jException(file + ": embed_dim is missing");
        if (v.has("layers") && v.get("layers").isArray())
            throw new Clip4jException(file + ": ModifiedResNet image towers cannot be trained, only ViTs");
        if (v.hasNonNull("timm_model_name")) throw new Clip4jException(file + ": timm image towers are not supported");
        if (t.hasNonNull("hf_model_name"))
            throw new Clip4jException(file + ": Hugging Face text towers are not supported");
        int width = v.path("width").asInt(768), headWidth = v.path("head_width").asInt(64);
        int image = v.path("image_size").asInt(224),
                patch = v.path("patch_size").asInt(16);
        if (headWidth <= 0 || width % headWidth != 0)
            throw new Clip4jException(
                    file + ": vision width " + width + " is not a multiple of head_width " + headWidth);
        if (patch <= 0 || image % patch != 0)
            throw new Clip4jException(file + ": image_size " + image + " is not a multiple of patch_size " + patch);
        JsonNode pre = root.path("preprocess_cfg");
        return new ClipConfig(
                m.get("embed_dim").asInt(),
                image,
                new int[] {v.path("layers").asInt(12)},
                width,
                patch,
                width / headWidth,
                t.path("context_length").asInt(77),
                t.path("vocab_size").asInt(49408),
                t.path("width").asInt(512),
                t.path("heads").asInt(8),
                t.path("layers").asInt(12),
                m.path("quick_gelu").asBoolean(false),
                floats(pre.get("mean"), ClipConfig.OPENAI_MEAN),
                floats(pre.get("std"), ClipConfig.OPENAI_STD));
    }

    private static float[] floats(JsonNode n, float[] dflt) {
        if (n == null || !n.isArray() || n.size() != 3) return dflt.clone();
        return new float[] {
            (float) n.get(0).asDouble(),
            (float) n.get(1).asDouble(),
            (float) n.get(2).asDouble()
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
