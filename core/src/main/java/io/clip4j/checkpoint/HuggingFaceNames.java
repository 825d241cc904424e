package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames a Hugging Face {@code CLIPModel} state dict to OpenAI's names and layouts. HF keeps separate q/k/v
 * projections (OpenAI concatenates them, q then k then v, into {@code in_proj_weight}) and stores the final
 * projections as Linear weights [E, W] (OpenAI multiplies by [W, E] matrices), so those are rebuilt off-heap.
 */
public final class HuggingFaceNames {
    private static final Pattern LAYER = Pattern.compile("(vision|text)_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern QKV = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)");
    private static final Map<String, String> FIXED = Map.ofEntries(
            Map.entry("vision_model.embeddings.class_embedding", "visual.class_embedding"),
            Map.entry("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
            Map.entry("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
            Map.entry("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"),
            Map.entry("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
            Map.entry("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
            Map.entry("vision_model.post_layernorm.bias", "visual.ln_post.bias"),
            Map.entry("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
            Map.entry("text_model.embeddings.position_embedding.weight", "positional_embedding"),
            Map.entry("text_model.final_layer_norm.weight", "ln_final.weight"),
            Map.entry("text_model.final_layer_norm.bias", "ln_final.bias"),
            Map.entry("logit_scale", "logit_scale"));
    private static final Map<String, String> LAYER_PARTS = Map.of(
            "self_attn.out_proj.", "attn.out_proj.",
            "layer_norm1.", "ln_1.",
            "layer_norm2.", "ln_2.",
            "mlp.fc1.", "mlp.c_fc.",
            "mlp.fc2.", "mlp.c_proj.");

    /** The inverse tables, OpenAI name -> transformers name, for writing a CLIPModel folder (convert --layout hf). */
    public static final Map<String, String> FIXED_FROM_OPENAI = inverse(FIXED);

    public static final Map<String, String> LAYER_PARTS_FROM_OPENAI = inverse(LAYER_PARTS);

    private static Map<String, String> inverse(Map<String, String> m) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) out.put(e.getValue(), e.getKey());
        return Map.copyOf(out);
    }

    private HuggingFaceNames() {}

    /** True when the keys follow transformers' CLIPModel naming. */
    static boolean looksLikeHuggingFace(Map<String, ?> keys) {
        return keys.keySet().stream().anyMatch(k -> k.startsWith("vision_model.") || k.startsWith("text_model."));
    }

    /** Unknown keys are passed through unchanged so that validation names them. */
    static Map<String, Tensor> toOpenAi(String source, Map<String, Tensor> hf, Arena arena) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        // resblock prefix -> "weight"/"bias" -> q/k/v parts
        Map<String, Map<String, Tensor[]>> qkv = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : hf.entrySet()) {
            String k = e.getKey();
            Tensor t = e.getValue();
            if (k.endsWith("embeddings.position_ids")) continue; // an arange buffer, not a weight
            String fixed = FIXED.get(k);
            if (fixed != null) {
                out.put(fixed, t.renamed(fixed));
                continue;
            }
            if (k.equals("visual_projection.weight") || k.equals("text_projection.weight")) {
                String name = k.startsWith("visual") ? "visual.proj" : "text_projection";
                if (t.rank() != 2)
                    throw new Clip4jException(source + ": tensor '" + Printable.of(k) + "' should be 2-D but is " + t);
                out.put(name, TensorOps.transpose2d(name, arena, t));
                continue;
            }
            Matcher m = LAYER.matcher(k);
            if (m.matches()) {
                String prefix =
                        (m.group(1).equals("vision") ? "visual." : "") + "transformer.resblocks." + m.group(2) + ".";
                String rest = m.group(3);
                Matcher q = QKV.matcher(rest);
                if (q.matches()) {
                    Tensor[] parts = qkv.computeIfAbsent(prefix, p -> new TreeMap<>())
                            .computeIfAbsent(q.group(2), p -> new Tensor[3]);
                    parts["qkv".indexOf(q.group(1))] = t;
                    continue;
                }
                String mapped = null;
                for (Map.Entry<String, String> p : LAYER_PARTS.entrySet()) {
                    if (rest.startsWith(p.getKey()))
                        mapped = prefix
                                + p.getValue()
                                + rest.substring(p.getKey().length());
                }
                if (mapped != null) {
                    out.put(mapped, t.renamed(mapped));
                    continue;
                }
            }
            out.put(k, t);
        }
        for (Map.Entry<String, Map<String, Tensor[]>> block : qkv.entrySet()) {
            for (Map.Entry<String, Tensor[]> kind : block.getValue().entrySet()) {
                Tensor[] parts = kind.getValue();
                for (int i = 0; i < 3; i++) {
                    if (parts[i] == null) {
                        throw new Clip4jException(source + ": missing tensor '" + hfName(block.getKey()) + "self_attn."
                                + "qkv".charAt(i) + "_proj." + kind.getKey() + "'");
                    }
                }
                if (parts[0].dtype() != parts[1].dtype()
                        || parts[0].dtype() != parts[2].dtype()
                        || !Arrays.equals(parts[0].shape(), parts[1].shape())
                        || !Arrays.equals(parts[0].shape(), parts[2].shape())) {
                    throw new Clip4jException(source + ": q/k/v projections of '" + hfName(block.getKey())
                            + "' differ in dtype or shape: " + parts[0] + ", " + parts[1] + ", " + parts[2]);
                }
                String name = block.getKey() + "attn.in_proj_" + kind.getKey();
                out.put(name, TensorOps.concat0(name, arena, parts));
            }
        }
        return out;
    }

    private static String hfName(String openAiPrefix) {
        String layer = openAiPrefix.replace("visual.transformer.resblocks.", "").replace("transformer.resblocks.", "");
        return (openAiPrefix.startsWith("visual.") ? "vision_model" : "text_model") + ".encoder.layers." + layer;
    }
}
