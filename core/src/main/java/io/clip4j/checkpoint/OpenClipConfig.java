package io.clip4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads open_clip's {@code open_clip_config.json} into a {@link ClipConfig}, with open_clip's defaults
 * (CLIPVisionCfg / CLIPTextCfg), refusing the options clip4j does not implement rather than ignoring them.
 */
final class OpenClipConfig {
    /** option -> its value in plain CLIP (absent or equal means supported). null means "must be absent or null". */
    private static final Map<String, Object> VISION_PLAIN = Map.ofEntries(
            Map.entry("timm_model_name", "null"),
            Map.entry("ls_init_value", "null"),
            Map.entry("attentional_pool", false),
            Map.entry("no_ln_pre", false),
            Map.entry("pos_embed_type", "learnable"),
            Map.entry("final_ln_after_pool", false),
            Map.entry("pool_type", "tok"),
            Map.entry("output_tokens", false),
            Map.entry("act_kwargs", "null"),
            Map.entry("norm_kwargs", "null"),
            Map.entry("mlp_ratio", 4),
            Map.entry("input_patchnorm", false),
            Map.entry("global_average_pool", false));

    private static final Map<String, Object> TEXT_PLAIN = Map.ofEntries(
            Map.entry("hf_model_name", "null"),
            Map.entry("ls_init_value", "null"),
            Map.entry("embed_cls", false),
            Map.entry("no_causal_mask", false),
            Map.entry("final_ln_after_pool", false),
            Map.entry("pool_type", "argmax"),
            Map.entry("proj_bias", false),
            Map.entry("proj_type", "linear"),
            Map.entry("output_tokens", false),
            Map.entry("act_kwargs", "null"),
            Map.entry("norm_kwargs", "null"),
            Map.entry("mlp_ratio", 4),
            Map.entry("pad_id", 0),
            Map.entry("hf_tokenizer_name", "null"),
            Map.entry("tokenizer_kwargs", "null"));
    private static final Map<String, Object> MODEL_PLAIN = Map.ofEntries(
            Map.entry("custom_text", false), Map.entry("init_logit_bias", "null"), Map.entry("multimodal_cfg", "null"));
    private static final Map<String, Object> PREPROCESS_PLAIN =
            Map.of("interpolation", "bicubic", "resize_mode", "shortest");

    private OpenClipConfig() {}

    static ClipConfig read(Path file) {
        return parse(file, JsonFiles.readObject(file));
    }

    /** An open_clip config held elsewhere (e.g. a bare file's {@code __metadata__}); {@code file} names it in errors. */
    static ClipConfig parse(Path file, JsonNode root) {
        JsonNode model = root.get("model_cfg");
        if (model == null || !model.isObject()) throw new Clip4jException(file + ": no \"model_cfg\" object");
        JsonNode vision = model.get("vision_cfg");
        JsonNode text = model.get("text_cfg");
        if (vision == null || !vision.isObject())
            throw new Clip4jException(file + ": model_cfg has no \"vision_cfg\" object");
        if (text == null || !text.isObject())
            throw new Clip4jException(file + ": model_cfg has no \"text_cfg\" object");
        refuseUnsupported(file, model, MODEL_PLAIN, "model_cfg.");
        refuseUnsupported(file, vision, VISION_PLAIN, "model_cfg.vision_cfg.");
        refuseUnsupported(file, text, TEXT_PLAIN, "model_cfg.text_cfg.");
        JsonNode pre = root.get("preprocess_cfg");
        if (pre != null && pre.isObject()) refuseUnsupported(file, pre, PREPROCESS_PLAIN, "preprocess_cfg.");

        int embedDim = JsonFiles.intOr(file, model, "embed_dim", -1, "model_cfg.");
        if (embedDim <= 0) throw new Clip4jException(file + ": model_cfg.embed_dim is missing");
        // open_clip's default is exact (erf) GELU; only configs that say quick_gelu use OpenAI's approximation.
        JsonNode qg = model.get("quick_gelu");
        boolean quickGelu = qg != null && qg.asBoolean(false);

        String v = "model_cfg.vision_cfg.";
        int imageSize = square(file, vision, "image_size", 224, v);
        int width = JsonFiles.intOr(file, vision, "width", 768, v);
        int headWidth = JsonFiles.intOr(file, vision, "head_width", 64, v);
        if (headWidth <= 0) throw new Clip4jException(file + ": " + v + "head_width must be positive");
        JsonNode layersNode = vision.get("layers");
        int[] layers;
        int patch;
        int heads;
        if (layersNode != null && layersNode.isArray()) {
            if (layersNode.size() != 4)
                throw new Clip4jException(file + ": " + v + "layers must be an int (ViT) or 4 ints (ModifiedResNet)");
            layers = new int[4];
            for (int i = 0; i < 4; i++) {
                if (!layersNode.get(i).canConvertToInt() || layersNode.get(i).asInt() < 0)
                    throw new Clip4jException(file + ": " + v + "layers must be non-negative integers");
                layers[i] = layersNode.get(i).asInt();
            }
            patch = 0;
            heads = width * 32 / headWidth;
        } else {
            layers = new int[] {JsonFiles.intOr(file, vision, "layers", 12, v)};
            patch = square(file, vision, "patch_size", 16, v);
            if (patch == 0 || imageSize % patch != 0)
                throw new Clip4jException(
                        file + ": " + v + "image_size " + imageSize + " is not a multiple of patch_size " + patch);
            heads = width / headWidth;
        }
        String t = "model_cfg.text_cfg.";
        float[] mean = JsonFiles.floats3(file, pre, "mean", ClipConfig.OPENAI_MEAN, "preprocess_cfg.");
        float[] std = JsonFiles.floats3(file, pre, "std", ClipConfig.OPENAI_STD, "preprocess_cfg.");
        return new ClipConfig(
                embedDim,
                imageSize,
                layers,
                width,
                patch,
                heads,
                JsonFiles.intOr(file, text, "context_length", 77, t),
                JsonFiles.intOr(file, text, "vocab_size", 49408, t),
                JsonFiles.intOr(file, text, "width", 512, t),
                JsonFiles.intOr(file, text, "heads", 8, t),
                JsonFiles.intOr(file, text, "layers", 12, t),
                quickGelu,
                mean,
                std);
    }

    private static int square(Path file, JsonNode obj, String key, int dflt, String where) {
        JsonNode n = obj.get(key);
        if (n != null && n.isArray()) {
            if (n.size() != 2 || n.get(0).asInt() != n.get(1).asInt()) {
                throw new Clip4jException(
                        file + ": " + where + key + " " + n + " is not square; only square inputs are supported");
            }
            return n.get(0).asInt();
        }
        return JsonFiles.intOr(file, obj, key, dflt, where);
    }

    private static void refuseUnsupported(Path file, JsonNode obj, Map<String, Object> plain, String where) {
        for (Map.Entry<String, Object> e : plain.entrySet()) {
            JsonNode v = obj.get(e.getKey());
            if (v == null || v.isNull()) continue;
            Object ok = e.getValue();
            boolean fine;
            if (ok.equals("null")) fine = false;
            else if (ok instanceof Boolean b) fine = v.isBoolean() && v.asBoolean() == b;
            else if (ok instanceof Integer i) fine = v.isNumber() && v.asDouble() == i;
            else fine = v.isTextual() && v.asText().equals(ok);
            if (!fine) {
                throw new Clip4jException(file + ": " + where + e.getKey() + " = " + v + " is not supported by clip4j"
                        + (ok.equals("null") ? "" : " (only " + ok + ")"));
            }
        }
    }
}
