package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** AdamW's update rule and groups, open_clip's schedules, the trainer's clamp, NaN guard and locked image tower. */
class OptimizerTest {

    @Test
    void adamWFollowsTorchsFormulaAndNoDecayRule() {
        ParameterSet p = ParameterSet.zeros(Map.of("w", new int[] {2, 2}, "b.bias", new int[] {2}));
        ParameterSet g = ParameterSet.zeros(Map.of("w", new int[] {2, 2}, "b.bias", new int[] {2}));
        float[] w = p.get("w"), b = p.get("b.bias");
        float[] w0 = {1f, -2f, 0.5f, 3f}, gw = {0.1f, -0.3f, 0f, 2f};
        System.arraycopy(w0, 0, w, 0, 4);
        b[0] = 1f;
        b[1] = -1f;
        System.arraycopy(gw, 0, g.get("w"), 0, 4);
        g.get("b.bias")[0] = 0.5f;
        var opt = new AdamW(p, 0.9, 0.98, 1e-6, 0.2, n -> true);
        double lr = 0.01;
        double[] m = new double[4], v = new double[4], pw = new double[4];
        for (int i = 0; i < 4; i++) pw[i] = w0[i];
        double pb = 1;
        double mb = 0, vb = 0;
        for (int t = 1; t <= 3; t++) {
            opt.step(p, g, lr);
            double bc1 = 1 - Math.pow(0.9, t), bc2 = 1 - Math.pow(0.98, t);
            for (int i = 0; i < 4; i++) {
                pw[i] *= 1 - lr * 0.2;
                m[i] = 0.9 * m[i] + 0.1 * gw[i];
                v[i] = 0.98 * v[i] + 0.02 * gw[i] * gw[i];
                pw[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + 1e-6);
            }
            mb = 0.9 * mb + 0.1 * 0.5;
            vb = 0.98 * vb + 0.02 * 0.25;
            pb -= lr / bc1 * mb / (Math.sqrt(vb) / Math.sqrt(bc2) + 1e-6); // no decay: a bias
        }
        for (int i = 0; i < 4; i++) assertEquals(pw[i], w[i], 1e-6, "w[" + i + "]");
        assertEquals(pb, b[0], 1e-6);
        assertEquals(-1f, b[1]); // no gradient, no decay: unchanged
        assertEquals(3, opt.stepCount());

        assertTrue(AdamW.decays("visual.conv1.weight", new int[] {8, 3, 4, 4}));
        assertTrue(AdamW.decays("positional_embedding", new int[] {77, 512}));
        assertTrue(AdamW.decays("token_embedding.weight", new int[] {49408, 512}));
        assertFalse(AdamW.decays("visual.class_embedding", new int[] {768}));
        assertFalse(AdamW.decays("ln_final.weight", new int[] {512}));
        assertFalse(AdamW.decays("transformer.resblocks.0.attn.in_proj_bias", new int[] {1536}));
        assertFalse(AdamW.decays("logit_scale", new int[] {}));
        assertFalse(AdamW.decays("visual.bn1.weight", new int[] {2, 2}));
    }

    @Test
    void schedulesAsOpenClip() {
        var cos = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 10, 110);
        assertEquals(1e-4, cos.lr(0), 1e-15); // warmup: base * (step + 1) / warmup
        assertEquals(1e-3, cos.lr(9), 1e-15);
        assertEquals(1e-3, cos.lr(10), 1e-15); // cosine from the top
        assertEquals(0.5e-3, cos.lr(60), 1e-15); // half way
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)) * 1e-3, cos.lr(109), 1e-15);
        var c = new LrSchedule(LrSchedule.Kind.CONST, 2e-3, 4, 100);
        assertEquals(1e-3, c.lr(1), 1e-15);
        assertEquals(2e-3, c.lr(50), 0);
        assertThrows(Clip4jException.class, () -> LrSchedule.parseKind("linear"));
    }

    static TrainableClip tiny(long seed) {
        ClipConfig c = GradientCheckTest.tinyConfig(true);
        return TrainableClip.of(c, GradientCheckTest.randomParams(c, seed), "test", new ScalarTrainKernels());
    }

    static float[] pixels() {
        return GradientCheckTest.random(new Random(1), 3 * 3 * 8 * 8, 1);
    }

    @Test
    void nonFiniteLossThrowsAndLeavesTheParametersAlone() {
        TrainableClip m = tiny(1);
        var trainer = new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(1e-3));
        trainer.step(pixels(), GradientCheckTest.tokens(), 3);
        m.parameters().get("visual.proj")[3] = Float.NaN;
        ParameterSet before = m.parameters().copy();
        var e = assertThrows(NonFiniteLossException.class, () -> trainer.step(pixels(), GradientCheckTest.tokens(), 3));
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 1"), e.getMessage());
        assertEquals(1, trainer.stepCount());
        for (String n : before.names())
            assertArrayEquals(before.get(n), m.parameters().get(n), n);
    }

    @Test
    void logitScaleIsClampedAfterEveryStep() {
        TrainableClip m = tiny(2);
        m.parameters().get("logit_scale")[0] = ClipTrainer.LOGIT_SCALE_MAX + 0.5f;
        var trainer = new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(1e-3));
        trainer.step(pixels(), GradientCheckTest.tokens(), 3);
        assertEquals(ClipTrainer.LOGIT_SCALE_MAX, m.parameters().get("logit_scale")[0]);
        m.parameters().get("logit_scale")[0] = -0.3f;
        trainer.step(pixels(), GradientCheckTest.tokens(), 3);
        assertEquals(0f, m.parameters().get("logit_scale")[0]);
    }

    @Test
    void lockedImageTowerIsNotUpdated() {
        TrainableClip m = tiny(3);
        ParameterSet before = m.parameters().copy();
        var opt = new AdamW(m.parameters(), 0.9, 0.98, 1e-6, 0.2, ClipTrainer.trainable(true));
        var trainer = new ClipTrainer(m, opt, LrSchedule.constant(1e-2), true);
        for (int s = 0; s < 2; s++) trainer.step(pixels(), GradientCheckTest.tokens(), 3);
        for (String n : before.names()) {
            boolean same = Arrays.equals(before.get(n), m.parameters().get(n));
            if (n.startsWith("visual.")) assertTrue(same, n + " changed");
            else if (!n.equals("logit_scale")) assertFalse(same, n + " did not change");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClipTrainer(m, AdamW.openClipDefaults(m.parameters()), LrSchedule.constant(1e-3), true));
    }

    @Test
    void scratchInitHasTheReferenceScales() {
        ClipConfig c = GradientCheckTest.tinyConfig(true);
        TrainableClip m = TrainableClip.fromScratch(c, 4);
        assertEquals((float) Math.log(1 / 0.07), m.parameters().get("logit_scale")[0]);
        assertEquals(0.02, std(m.parameters().get("token_embedding.weight")), 0.002);
        assertEquals(1.0, m.parameters().get("ln_final.weight")[0]);
        assertEquals(0.0, m.parameters().get("transformer.resblocks.0.attn.in_proj_bias")[0]);
        assertTrue(m.init().contains("scratch") && m.init().contains("seed 4"));
    }

    static double std(float[] a) {
        double s = 0;
        for (float x : a) s += (double) x * x;
        return Math.sqrt(s / a.length);
    }
}
