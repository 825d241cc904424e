package io.clip4j.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.checkpoint.HuggingFaceNames;
import io.clip4j.checkpoint.TensorOps;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model in transformers' {@code CLIPModel} form: OpenAI's state-dict names mapped to CLIPModel's (the inverse of the
 * loader's mapping, so a folder written here loads back to the same tensors bit for bit), and its JSON files.
 */
final class HuggingFaceLayout {
    private static final Pattern BLOCK = Pattern.compile("(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.+)");
    private static final Map<String, String> FIXED = HuggingFaceNames.FIXED_FROM_OPENAI;
    private static final Map<String, String> BLOCK_PARTS = HuggingFaceNames.LAYER_PARTS_FROM_OPENAI;

    private HuggingFaceLayout() {}

    /**
     * OpenAI-named float tensors under CLIPModel's names: in_proj [3W, W] cut into q/k/v [W, W] (row slices, no copy),
     * the projections [W, E] transposed to Linear weights [E, W].
     */
    static Map<String, Tensor> tensors(Map<String, Tensor> openAi, Arena arena) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : openAi.entrySet()) {
            String k = e.getKey();
            Tensor t = e.getValue();
            String fixed = FIXED.get(k);
            if (fixed != null) {
                out.put(fixed, t.renamed(fixed));
            } else if (k.equals("visual.proj") || k.equals("text_projection")) {
                String name = k.equals("visual.proj") ? "visual_projection.weight" : "text_projection.weight";
                out.put(name, TensorOps.transpose2d(name, arena, t));
            } else {
                Matcher m = BLOCK.matcher(k);
                if (!m.matches()) throw new IllegalArgumentException("no transformers name for " + k);
                String prefix =
                        (m.group(1) != null ? "vision_model" : "text_model") + ".encoder.layers." + m.group(2) + ".";
                String rest = m.group(3);
                if (rest.startsWith("attn.in_proj_")) {
                    String kind = rest.substring("attn.in_proj_".length());
                    long third = t.data().byteSize() / 3;
                    int[] shape = t.shape();
                    shape[0] /= 3;
                    for (int i = 0; i < 3; i++) {
                        String name = prefix + "self_attn." + "qkv".charAt(i) + "_proj." + kind;
                        out.put(
                                name,
                                new Tensor(name, t.dtype(), shape, t.data().asSlice(i * third, third)));
                    }
                    continue;
                }
                String mapped = null;
                for (Map.Entry<String, String> p : BLOCK_PARTS.entrySet()) {
                    if (rest.startsWith(p.getKey()))
                        mapped = prefix
                                + p.getValue()
                                + rest.substring(p.getKey().length());
                }
                if (mapped == null) throw new IllegalArgumentException("no transformers name for " + k);
                out.put(mapped, t.renamed(mapped));
            }
        }
        return out;
    }

    /** config.json of a CLIPModel with this architecture (ViT image tower). */
    static ObjectNode config(ClipConfig c, String torchDtype) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putArray("architectures").add("CLIPModel");
        root.put("model_type", "clip");
        root.put("projection_dim", c.embedDim());
        root.put("logit_scale_init_value", 2.6592);
        root.put("torch_dtype", torchDtype);
        String act = c.quickGelu() ? "quick_gelu" : "gelu";
        ObjectNode text = root.putObject("text_config");
        text.put("hidden_size", c.textWidth());
        text.put("intermediate_size", 4 * c.textWidth());
        text.put("num_attention_heads", c.textHeads());
        text.put("num_hidden_layers", c.textLayers());
        text.put("max_position_embeddings", c.contextLength());
        text.put("vocab_size", c.vocabSize());
        text.put("hidden_act", act);
        text.put("layer_norm_eps", 1e-5);
        text.put("bos_token_id", 49406);
        text.put("eos_token_id", 49407);
        text.put("pad_token_id", 1);
        text.put("projection_dim", c.embedDim());
        text.put("model_type", "clip_text_model");
        ObjectNode vision = root.putObject("vision_config");
        vision.put("hidden_size", c.visionWidth());
        vision.put("intermediate_size", 4 * c.visionWidth());
        vision.put("num_attention_heads", c.visionHeads());
        vision.put("num_hidden_layers", c.visionLayers()[0]);
        vision.put("image_size", c.imageResolution());
        vision.put("patch_size", c.visionPatchSize());
        vision.put("num_channels", 3);
        vision.put("hidden_act", act);
        vision.put("layer_norm_eps", 1e-5);
        vision.put("projection_dim", c.embedDim());
        vision.put("model_type", "clip_vision_model");
        return root;
    }

    /** preprocessor_config.json: CLIPImageProcessor with the model's resolution, mean and std. */
    static ObjectNode preprocessor(ClipConfig c) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.putObject("crop_size").put("height", c.imageResolution()).put("width", c.imageResolution());
        p.put("do_center_crop", true);
        p.put("do_normalize", true);
        p.put("do_resize", true);
        p.put("do_convert_rgb", true);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1 / 255.0);
        p.put("image_processor_type", "CLIPImageProcessor");
        var mean = p.putArray("image_mean");
        for (float v : c.mean()) mean.add(v);
        var std = p.putArray("image_std");
        for (float v : c.std()) std.add(v);
        p.put("resample", 3);
        p.putObject("size").put("shortest_edge", c.imageResolution());
        return p;
    }

    /** tokenizer_config.json of CLIPTokenizer. */
    static ObjectNode tokenizerConfig(ClipConfig c) {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("model_max_length", c.contextLength());
        t.put("bos_token", "<|startoftext|>");
        t.put("eos_token", "<|endoftext|>");
        t.put("pad_token", "<|endoftext|>");
        t.put("unk_token", "<|endoftext|>");
        t.put("tokenizer_class", "CLIPTokenizer");
        t.put("do_lower_case", true);
        return t;
    }
}
