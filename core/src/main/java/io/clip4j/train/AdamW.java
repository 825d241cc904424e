package io.clip4j.train;

import io.clip4j.kernels.Parallel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * torch.optim.AdamW (PyTorch 1.13, single-tensor path) with open_clip's parameter groups: weight decay only on
 * parameters of rank >= 2 whose names contain none of "bn", "ln", "bias", "logit_scale". Per element, in
 * PyTorch's order and float32 arithmetic:
 * <pre>
 * p *= 1 - lr·wd;  m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;
 * p -= (lr / (1-β1^t)) · m / (√v / √(1-β2^t) + eps)
 * </pre>
 * Moments are dense like PyTorch's (a token-embedding row without gradient still moves by its momentum).
 */
public final class AdamW {
    public static final float DEFAULT_LR = 5e-4f;
    public static final double DEFAULT_BETA1 = 0.9, DEFAULT_BETA2 = 0.98, DEFAULT_EPS = 1e-6, DEFAULT_WD = 0.2;
    private final double beta1, beta2, eps, weightDecay;
    private final ParameterSet m, v;
    private final List<String> names = new ArrayList<>();
    private long step;

    /**
     * @param params    the parameters to optimise (moments are created for all of them)
     * @param trainable which of them to update (e.g. everything but visual.* for locked-image tuning)
     */
    public AdamW(
            ParameterSet params,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            Predicate<String> trainable) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        var shapes = new LinkedHashMap<String, int[]>();
        for (String n : params.names()) {
            if (trainable.test(n)) {
                names.add(n);
                shapes.put(n, params.shape(n));
            }
        }
        m = ParameterSet.zeros(shapes);
        v = ParameterSet.zeros(shapes);
    }

    /** open_clip's ViT defaults: betas (0.9, 0.98), eps 1e-6, weight decay 0.2; every parameter trainable. */
    public static AdamW openClipDefaults(ParameterSet params) {
        return new AdamW(params, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, DEFAULT_WD, n -> true);
    }

    /** open_clip's exclusion rule: no weight decay on gains, biases, norms, logit_scale, any tensor of rank < 2. */
    public static boolean decays(String name, int[] shape) {
        return shape.length >= 2
                && !name.contains("bn")
                && !name.contains("ln")
                && !name.contains("bias")
                && !name.contains("logit_scale");
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    /** First and second moments (for saving and restoring). */
    public ParameterSet firstMoments() {
        return m;
    }

    public ParameterSet secondMoments() {
        return v;
    }

    /** Restores a saved state: the step count (moments are restored into {@link #firstMoments()} etc. by the caller). */
    public void setStepCount(long step) {
        this.step = step;
    }

    /** Names this optimizer updates. */
    public List<String> trainableNames() {
        return List.copyOf(names);
    }

    /** One update of every trainable parameter in place with learning rate {@code lr}. */
    public void step(ParameterSet params, ParameterSet grads, double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        float e = (float) eps;
        for (String n : names) {
            float[] p = params.get(n), g = grads.get(n), mm = m.get(n), vv = v.get(n);
            float decay = decays(n, params.shape(n)) ? (float) (1 - lr * weightDecay) : 1f;
            Parallel.forRange(p.length, 1 << 15, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    float gi = g[i];
                    float pi = p[i] * decay;
                    float mi = mm[i] * b1 + a1 * gi;
                    float vi = vv[i] * b2 + a2 * (gi * gi);
                    mm[i] = mi;
                    vv[i] = vi;
                    float denom = (float) Math.sqrt(vi) / bc2Sqrt + e;
                    p[i] = pi + -stepSize * (mi / denom);
                }
            });
        }
    }
}
