package io.clip4j.kernels;

/** An elementwise function applied to a linear layer's output as it is produced (fused into the GEMM's store). */
public enum Activation {
    NONE,
    /** x * sigmoid(1.702 x), OpenAI's QuickGELU. */
    QUICK_GELU,
    /** exact GELU, x * (1 + erf(x / sqrt 2)) / 2. */
    GELU;

    /** In place over x[off, off + n), with the given kernels' elementwise implementation. */
    void apply(Kernels k, float[] x, int off, int n) {
        switch (this) {
            case QUICK_GELU -> k.quickGelu(x, off, n);
            case GELU -> k.gelu(x, off, n);
            default -> {}
        }
    }
}
