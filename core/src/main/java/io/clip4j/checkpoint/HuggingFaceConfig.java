package io.clip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a transformers {@code CLIPModel} folder's config.json (+ preprocessor_config.json) with HF's defaults. */
final class HuggingFaceConfig {
    private HuggingFaceConfig() {}

    static ClipConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode root = JsonFiles.readObject(file);
        JsonNode mt = root.get("model_type");
        if (mt != null && !mt.asText().equals("clip")) {
            throw new Clip4jException(
                    file + ": model_type '" + Printable.of(mt.asText()) + "' is not supported (only 'clip')");
        }
        // Older transformers files carry text_config_dict / vision_config_dict, which take precedence over
        // text_config / vision_config when both are present (CLIPConfig.__init__).
        JsonNode text = merged(root, "text_config");
        JsonNode vision = merged(root, "vision_config");
        String t = "text_config.";
        String v = "vision_config.";
        int textWidth = JsonFiles.intOr(file, text, "hidden_size", 512, t);
        int visionWidth = JsonFiles.intOr(file, vision, "hidden_size", 768, v);
        checkMlp(file, text, textWidth, 2048, t);
        checkMlp(file, vision, visionWidth, 3072, v);
        String textAct = text != null && text.hasNonNull("hidden_act")
                ? text.get("hidden_act").asText()
                : "quick_gelu";
        String visionAct = vision != null && vision.hasNonNull("hidden_act")
                ? vision.get("hidden_act").asText()
                : "quick_gelu";
        if (!textAct.equals(visionAct)) {
            throw new Clip4jException(file + ": text_config.hidden_act '" + Printable.of(textAct)
                    + "' differs from vision_config.hidden_act '" + Printable.of(visionAct)
                    + "'; clip4j uses one activation for both towers");
        }
        boolean quickGelu = switch (textAct) {
            case "quick_gelu" -> true;
            case "gelu" -> false;
            default ->
                throw new Clip4jException(
                        file + ": hidden_act '" + Printable.of(textAct) + "' is not supported (quick_gelu or gelu)");
        };
        int imageSize = JsonFiles.intOr(file, vision, "image_size", 224, v);
        int patch = JsonFiles.intOr(file, vision, "patch_size", 32, v);
        if (patch == 0 || imageSize % patch != 0)
            throw new Clip4jException(
                    file + ": vision_config.image_size " + imageSize + " is not a multiple of patch_size " + patch);
        int channels = JsonFiles.intOr(file, vision, "num_channels", 3, v);
        if (channels != 3)
            throw new Clip4jException(file + ": vision_config.num_channels " + channels + " is not supported (3)");

        Path pre = dir.resolve("preprocessor_config.json");
        JsonNode p = Files.isRegularFile(pre) ? JsonFiles.readObject(pre) : null;
        float[] mean = JsonFiles.floats3(pre, p, "image_mean", ClipConfig.OPENAI_MEAN, "");
        float[] std = JsonFiles.floats3(pre, p, "image_std", ClipConfig.OPENAI_STD, "");
        // The model's input side is vision_config.image_size: its position embeddings fix it. A crop_size in
        // preprocessor_config.json that disagrees (a stale default) cannot be used with these weights anyway.
        return new ClipConfig(
                JsonFiles.intOr(file, root, "projection_dim", 512, ""),
                imageSize,
                new int[] {JsonFiles.intOr(file, vision, "num_hidden_layers", 12, v)},
                visionWidth,
                patch,
                JsonFiles.intOr(file, vision, "num_attention_heads", 12, v),
                JsonFiles.intOr(file, text, "max_position_embeddings", 77, t),
                JsonFiles.intOr(file, text, "vocab_size", 49408, t),
                textWidth,
                JsonFiles.intOr(file, text, "num_attention_heads", 8, t),
                JsonFiles.intOr(file, text, "num_hidden_layers", 12, t),
                quickGelu,
                mean,
                std);
    }

    private static JsonNode merged(JsonNode root, String key) {
        JsonNode base = root.get(key), over = root.get(key + "_dict");
        if (over == null || !over.isObject()) return base;
        if (base == null || !base.isObject()) return over;
        ObjectNode m = ((ObjectNode) base).deepCopy();
        m.setAll((ObjectNode) over);
        return m;
    }

    private static void checkMlp(Path file, JsonNode cfg, int width, int dflt, String where) {
        int inter = JsonFiles.intOr(file, cfg, "intermediate_size", dflt, where);
        if (inter != 4 * width) {
            throw new Clip4jException(file + ": " + where + "intermediate_size " + inter + " is not 4 x hidden_size "
                    + width + "; not supported");
        }
    }
}
