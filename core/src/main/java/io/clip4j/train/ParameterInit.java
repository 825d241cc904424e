package io.clip4j.train;

import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.model.ClipConfig;
import java.util.Arrays;
import java.util.Random;

/**
 * From-scratch initialisation as a freshly constructed reference {@code CLIP} (OpenAI's model.py, the same as
 * open_clip's CLIP for these towers):
 * <ul>
 * <li>CLIP.initialize_parameters: token_embedding N(0, 0.02), positional_embedding N(0, 0.01); text blocks
 *     in_proj N(0, W^-0.5), out_proj and c_proj N(0, W^-0.5 (2L)^-0.5), c_fc N(0, (2W)^-0.5);
 *     text_projection N(0, W^-0.5); logit_scale ln(1/0.07).</li>
 * <li>VisionTransformer constructor: class_embedding, positional_embedding and proj N(0, W^-0.5) · randn.</li>
 * <li>PyTorch module defaults elsewhere: conv1 and the visual blocks' Linear weights U(±1/√fan_in) (kaiming_uniform
 *     with a = √5), their c_fc/c_proj biases U(±1/√fan_in); MultiheadAttention in_proj xavier_uniform (visual),
 *     in_proj and out_proj biases 0; text c_fc/c_proj biases U(±1/√fan_in); LayerNorm weight 1, bias 0.</li>
 * </ul>
 * The distributions match; the random streams (java.util.Random from {@code seed}) of course differ from torch's.
 */
public final class ParameterInit {
    private ParameterInit() {}

    public static String describe(long seed) {
        return "scratch (OpenAI CLIP.initialize_parameters + PyTorch module defaults), seed " + seed;
    }

    public static ParameterSet openai(ClipConfig c, long seed) {
        Random r = new Random(seed);
        ParameterSet p = ParameterSet.zeros(ExpectedTensors.of(c));
        int vw = c.visionWidth(), tw = c.textWidth(), tl = c.textLayers();
        double vScale = Math.pow(vw, -0.5);
        normal(r, p.get("visual.class_embedding"), vScale);
        normal(r, p.get("visual.positional_embedding"), vScale);
        normal(r, p.get("visual.proj"), vScale);
        uniform(r, p.get("visual.conv1.weight"), 1.0 / Math.sqrt(3.0 * c.visionPatchSize() * c.visionPatchSize()));
        ones(p.get("visual.ln_pre.weight"));
        ones(p.get("visual.ln_post.weight"));
        for (int i = 0; i < c.visionLayers()[0]; i++) {
            String b = "visual.transformer.resblocks." + i + ".";
            uniform(r, p.get(b + "attn.in_proj_weight"), Math.sqrt(6.0 / (vw + 3 * vw)));
            uniform(r, p.get(b + "attn.out_proj.weight"), 1.0 / Math.sqrt(vw));
            uniform(r, p.get(b + "mlp.c_fc.weight"), 1.0 / Math.sqrt(vw));
            uniform(r, p.get(b + "mlp.c_fc.bias"), 1.0 / Math.sqrt(vw));
            uniform(r, p.get(b + "mlp.c_proj.weight"), 1.0 / Math.sqrt(4.0 * vw));
            uniform(r, p.get(b + "mlp.c_proj.bias"), 1.0 / Math.sqrt(4.0 * vw));
            ones(p.get(b + "ln_1.weight"));
            ones(p.get(b + "ln_2.weight"));
        }
        normal(r, p.get("token_embedding.weight"), 0.02);
        normal(r, p.get("positional_embedding"), 0.01);
        double projStd = Math.pow(tw, -0.5) * Math.pow(2.0 * tl, -0.5);
        double attnStd = Math.pow(tw, -0.5);
        double fcStd = Math.pow(2.0 * tw, -0.5);
        for (int i = 0; i < tl; i++) {
            String b = "transformer.resblocks." + i + ".";
            normal(r, p.get(b + "attn.in_proj_weight"), attnStd);
            normal(r, p.get(b + "attn.out_proj.weight"), projStd);
            normal(r, p.get(b + "mlp.c_fc.weight"), fcStd);
            uniform(r, p.get(b + "mlp.c_fc.bias"), 1.0 / Math.sqrt(tw));
            normal(r, p.get(b + "mlp.c_proj.weight"), projStd);
            uniform(r, p.get(b + "mlp.c_proj.bias"), 1.0 / Math.sqrt(4.0 * tw));
            ones(p.get(b + "ln_1.weight"));
            ones(p.get(b + "ln_2.weight"));
        }
        ones(p.get("ln_final.weight"));
        normal(r, p.get("text_projection"), Math.pow(tw, -0.5));
        p.get("logit_scale")[0] = (float) Math.log(1 / 0.07);
        return p;
    }

    private static void normal(Random r, float[] a, double std) {
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
    }

    private static void uniform(Random r, float[] a, double bound) {
        for (int i = 0; i < a.length; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
    }

    private static void ones(float[] a) {
        Arrays.fill(a, 1f);
    }
}
