package io.clip4j.train;

import io.clip4j.kernels.Erf;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Parallel;

/**
 * The MLP activations and their derivatives: OpenAI's QuickGELU x·σ(1.702x) on the inference kernels (forward and
 * backward), and exact (erf) GELU, computed in double.
 */
final class ActivationOp {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private ActivationOp() {}

    static void forward(Kernels k, boolean quick, float[] x, float[] y, int n) {
        Parallel.forRange(n, 1 << 14, (i0, i1) -> {
            if (quick) {
                System.arraycopy(x, i0, y, i0, i1 - i0);
                k.quickGelu(y, i0, i1 - i0);
            } else {
                for (int i = i0; i < i1; i++) {
                    double v = x[i];
                    y[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * INV_SQRT2)));
                }
            }
        });
    }

    /** dx = dy · act'(x). */
    static void backward(Kernels k, boolean quick, float[] x, float[] dy, float[] dx, int n) {
        Parallel.forRange(n, 1 << 14, (i0, i1) -> {
            if (quick) {
                k.quickGeluBackward(x, dy, dx, i0, i1 - i0);
            } else {
                for (int i = i0; i < i1; i++) {
                    double v = x[i];
                    double d = 0.5 * (1.0 + Erf.erf(v * INV_SQRT2)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                    dx[i] = (float) (dy[i] * d);
                }
            }
        });
    }
}
