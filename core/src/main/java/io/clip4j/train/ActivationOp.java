package io.clip4j.train;

import io.clip4j.kernels.Activation;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Parallel;

/** The MLP activation over a whole buffer, forward (y = f(x), x kept for the backward pass) and backward, in parallel. */
final class ActivationOp {
    private static final int GRAIN = 1 << 14;

    private ActivationOp() {}

    static void forward(Kernels k, Activation f, float[] x, float[] y, int n) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            System.arraycopy(x, i0, y, i0, i1 - i0);
            f.apply(k, y, i0, i1 - i0);
        });
    }

    /** dx = dy · f'(x) ({@code dx} may be {@code dy}). */
    static void backward(Kernels k, Activation f, float[] x, float[] dy, float[] dx, int n) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> f.backward(k, x, dy, dx, i0, i1 - i0));
    }
}
