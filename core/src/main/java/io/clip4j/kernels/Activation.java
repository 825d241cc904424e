package io.clip4j.kernels;

/**
 * The MLP's elementwise function: fused into a linear layer's store at inference, applied over a saved buffer in
 * training, where {@link #backward} is its derivative.
 */
public enum Activation {
    NONE,
    /** x * sigmoid(1.702 x), OpenAI's QuickGELU. */
    QUICK_GELU,
    /** exact GELU, x * (1 + erf(x / sqrt 2)) / 2. */
    GELU;

    /** QuickGELU for OpenAI's checkpoints (open_clip's {@code quick_gelu}), exact GELU otherwise. */
    public static Activation ofQuickGelu(boolean quickGelu) {
        return quickGelu ? QUICK_GELU : GELU;
    }

    /** In place over x[off, off + n), with the given kernels' elementwise implementation. */
    public void apply(Kernels k, float[] x, int off, int n) {
        switch (this) {
            case QUICK_GELU -> k.quickGelu(x, off, n);
            case GELU -> k.gelu(x, off, n);
            case NONE -> {}
        }
    }

    /** dx = dy · f'(x) over [off, off + n) ({@code dx} may be {@code dy}). */
    public void backward(Kernels k, float[] x, float[] dy, float[] dx, int off, int n) {
        switch (this) {
            case QUICK_GELU -> k.quickGeluBackward(x, dy, dx, off, n);
            case GELU -> k.geluBackward(x, dy, dx, off, n);
            case NONE -> {
                if (dx != dy) System.arraycopy(dy, off, dx, off, n);
            }
        }
    }
}
