package io.clip4j.checkpoint;

import io.clip4j.model.ClipConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors (OpenAI names and shapes) that the reference {@code CLIP} module of a given config has. */
public final class ExpectedTensors {
    private ExpectedTensors() {}

    public static Map<String, int[]> of(ClipConfig c) {
        c.check("model config");
        Map<String, int[]> m = new LinkedHashMap<>();
        if (c.isVit()) vit(m, c);
        else modifiedResNet(m, c);
        int w = c.textWidth();
        m.put("token_embedding.weight", new int[] {c.vocabSize(), w});
        m.put("positional_embedding", new int[] {c.contextLength(), w});
        for (int i = 0; i < c.textLayers(); i++) resblock(m, "transformer.resblocks." + i + ".", w);
        norm(m, "ln_final", w);
        m.put("text_projection", new int[] {w, c.embedDim()});
        m.put("logit_scale", new int[] {});
        return m;
    }

    private static void vit(Map<String, int[]> m, ClipConfig c) {
        int w = c.visionWidth();
        int p = c.visionPatchSize();
        int grid = c.imageResolution() / p;
        m.put("visual.class_embedding", new int[] {w});
        m.put("visual.positional_embedding", new int[] {grid * grid + 1, w});
        m.put("visual.conv1.weight", new int[] {w, 3, p, p});
        norm(m, "visual.ln_pre", w);
        for (int i = 0; i < c.visionLayers()[0]; i++) resblock(m, "visual.transformer.resblocks." + i + ".", w);
        norm(m, "visual.ln_post", w);
        m.put("visual.proj", new int[] {w, c.embedDim()});
    }

    private static void resblock(Map<String, int[]> m, String p, int w) {
        norm(m, p + "ln_1", w);
        m.put(p + "attn.in_proj_weight", new int[] {3 * w, w});
        m.put(p + "attn.in_proj_bias", new int[] {3 * w});
        m.put(p + "attn.out_proj.weight", new int[] {w, w});
        m.put(p + "attn.out_proj.bias", new int[] {w});
        norm(m, p + "ln_2", w);
        m.put(p + "mlp.c_fc.weight", new int[] {4 * w, w});
        m.put(p + "mlp.c_fc.bias", new int[] {4 * w});
        m.put(p + "mlp.c_proj.weight", new int[] {w, 4 * w});
        m.put(p + "mlp.c_proj.bias", new int[] {w});
    }

    private static void norm(Map<String, int[]> m, String p, int w) {
        m.put(p + ".weight", new int[] {w});
        m.put(p + ".bias", new int[] {w});
    }

    private static void batchNorm(Map<String, int[]> m, String p, int ch) {
        for (String s : new String[] {"weight", "bias", "running_mean", "running_var"})
            m.put(p + "." + s, new int[] {ch});
    }

    private static void conv(Map<String, int[]> m, String p, int out, int in, int k) {
        m.put(p + ".weight", new int[] {out, in, k, k});
    }

    private static void modifiedResNet(Map<String, int[]> m, ClipConfig c) {
        int w = c.visionWidth();
        conv(m, "visual.conv1", w / 2, 3, 3);
        batchNorm(m, "visual.bn1", w / 2);
        conv(m, "visual.conv2", w / 2, w / 2, 3);
        batchNorm(m, "visual.bn2", w / 2);
        conv(m, "visual.conv3", w, w / 2, 3);
        batchNorm(m, "visual.bn3", w);
        int inplanes = w;
        for (int stage = 0; stage < 4; stage++) {
            int planes = w << stage;
            int stride = stage == 0 ? 1 : 2;
            for (int i = 0; i < c.visionLayers()[stage]; i++) {
                String p = "visual.layer" + (stage + 1) + "." + i + ".";
                conv(m, p + "conv1", planes, inplanes, 1);
                batchNorm(m, p + "bn1", planes);
                conv(m, p + "conv2", planes, planes, 3);
                batchNorm(m, p + "bn2", planes);
                conv(m, p + "conv3", planes * 4, planes, 1);
                batchNorm(m, p + "bn3", planes * 4);
                // downsample: "-1" is the parameterless AvgPool2d, "0" the 1x1 conv, "1" its BatchNorm
                if ((i == 0 && stride > 1) || inplanes != planes * 4) {
                    conv(m, p + "downsample.0", planes * 4, inplanes, 1);
                    batchNorm(m, p + "downsample.1", planes * 4);
                }
                inplanes = planes * 4;
            }
        }
        int embed = w * 32;
        int spatial = c.imageResolution() / 32;
        m.put("visual.attnpool.positional_embedding", new int[] {spatial * spatial + 1, embed});
        for (String proj : new String[] {"q_proj", "k_proj", "v_proj"}) {
            m.put("visual.attnpool." + proj + ".weight", new int[] {embed, embed});
            m.put("visual.attnpool." + proj + ".bias", new int[] {embed});
        }
        m.put("visual.attnpool.c_proj.weight", new int[] {c.embedDim(), embed});
        m.put("visual.attnpool.c_proj.bias", new int[] {c.embedDim()});
    }
}
