package io.clip4j.checkpoint;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The architecture of an OpenAI-named state dict, read from tensor shapes exactly as the reference's
 * {@code clip/model.py build_model} does. OpenAI models use QuickGELU and OpenAI's normalisation.
 */
public final class ConfigInference {
    private ConfigInference() {}

    public static ClipConfig fromShapes(String source, Map<String, Tensor> sd) {
        int[] visionLayers;
        int visionWidth;
        int patch;
        int resolution;
        int visionHeads;
        if (sd.containsKey("visual.proj")) {
            Tensor conv1 = need(source, sd, "visual.conv1.weight");
            visionWidth = conv1.dim(0);
            visionLayers = new int[] {
                (int) sd.keySet().stream()
                        .filter(k -> k.startsWith("visual.") && k.endsWith(".attn.in_proj_weight"))
                        .count()
            };
            patch = conv1.dim(-1);
            int grid = (int) Math.round(
                    Math.sqrt(need(source, sd, "visual.positional_embedding").dim(0) - 1));
            resolution = patch * grid;
            visionHeads = visionWidth / 64;
        } else {
            visionLayers = new int[4];
            for (int b = 1; b <= 4; b++) {
                String prefix = "visual.layer" + b + ".";
                Set<String> blocks = new TreeSet<>();
                for (String k : sd.keySet()) {
                    if (k.startsWith(prefix))
                        blocks.add(k.substring(prefix.length()).split("\\.")[0]);
                }
                visionLayers[b - 1] = blocks.size();
            }
            if (!sd.containsKey("visual.layer1.0.conv1.weight")) {
                throw new Clip4jException(source + ": cannot tell the image tower: neither 'visual.proj' (ViT) nor "
                        + "'visual.layer1.0.conv1.weight' (ModifiedResNet) is present");
            }
            visionWidth = sd.get("visual.layer1.0.conv1.weight").dim(0);
            int outputWidth = (int) Math.round(Math.sqrt(
                    need(source, sd, "visual.attnpool.positional_embedding").dim(0) - 1));
            patch = 0;
            resolution = outputWidth * 32;
            visionHeads = visionWidth * 32 / 64;
        }
        int embedDim = need(source, sd, "text_projection").dim(1);
        int context = need(source, sd, "positional_embedding").dim(0);
        int vocab = need(source, sd, "token_embedding.weight").dim(0);
        int textWidth = need(source, sd, "ln_final.weight").dim(0);
        Set<String> textBlocks = new TreeSet<>();
        for (String k : sd.keySet()) {
            if (k.startsWith("transformer.resblocks.")) textBlocks.add(k.split("\\.")[2]);
        }
        return new ClipConfig(
                embedDim,
                resolution,
                visionLayers,
                visionWidth,
                patch,
                visionHeads,
                context,
                vocab,
                textWidth,
                textWidth / 64,
                textBlocks.size(),
                true,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
    }

    private static Tensor need(String source, Map<String, Tensor> sd, String name) {
        Tensor t = sd.get(name);
        if (t == null || t.rank() == 0) {
            throw new Clip4jException(source + ": cannot infer the architecture: tensor '" + name + "' is "
                    + (t == null ? "missing" : "0-dimensional"));
        }
        return t;
    }
}
