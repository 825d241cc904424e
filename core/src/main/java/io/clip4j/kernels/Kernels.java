package io.clip4j.kernels;

/**
 * The numeric operations the model is made of. {@link ScalarKernels} is the plain reference; the
 * {@link VectorKernels} implementation uses the Vector API and is tested against it.
 *
 * <p>Weights are {@link Matrix} objects over float32 data (possibly memory-mapped files) in PyTorch's
 * {@code nn.Linear} layout [out, in]; activations are row-major float arrays addressed by offsets.
 */
public interface Kernels {

    /** y[r, o] = sum_i x[r, i] * w[o, i] + bias[o] for r < rows, o < out = w.out(), in = w.in(). {@code bias} may be null. */
    void linear(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff);

    /** y[r, o] = act(linear), the activation fused into the product's store. */
    void linearActivated(float[] x, int xOff, int rows, Matrix w, float[] bias, Activation act, float[] y, int yOff);

    /** y[r, o] += sum_i x[r, i] * w[o, i] + bias[o]: a linear layer summed into a residual stream in place. */
    void linearAdd(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff);

    /** sum_i a[aOff + i] * b[bOff + i]. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** Vectors per block of {@link #dotsInt8Blocks}' layout. */
    int INT8_BLOCK = 16;

    /**
     * Scores of {@code blocks} consecutive blocks of {@link #INT8_BLOCK} int8-coded vectors (the vector scan's
     * in-memory copy) against every query: with i = b * INT8_BLOCK + v the i-th vector of the range,
     * out[j * blocks * INT8_BLOCK + i] = sum_{d < dim} queries[j][d] * codes[off + (b * dim + d) * INT8_BLOCK + v],
     * each sum a chain of fused multiply-adds in d order. A block is stored dimension-major, its vectors side by
     * side, so that a query's scores for a block are one vector accumulation: no horizontal sums (with one
     * vector per stored vector they cost more than the products: 17 % against 10 % of a loaded server's CPU).
     * Codes are exact in float, so the scalar twin gives the same bits.
     */
    void dotsInt8Blocks(float[][] queries, byte[] codes, int off, int dim, int blocks, float[] out);

    /** y[yOff + i] += alpha * x[xOff + i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * out[oOff + d] = sum_{j < n} p[j] * v[vOff + j * vStride + d] for d < len: attention's probability-weighted sum
     * of value rows (one head's slice of each), summed in j order.
     */
    void weightedSum(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int oOff, int len);

    /**
     * {@link #weightedSum} for {@code rows} coefficient rows at once: out[oOff + r * oStride + d] = sum_{j < n}
     * p[pOff + r * pStride + j] * v[vOff + j * vStride + d] for r < rows, d < len (a small matrix product P · V, each
     * output summed in j order, as weightedSum would). Attention's scores (Q · Kᵀ with Kᵀ copied) and outputs (P · V)
     * of one head: the rows share every load of v.
     */
    void weightedSums(
            float[] p,
            int pOff,
            int pStride,
            int rows,
            int n,
            float[] v,
            int vOff,
            int vStride,
            float[] out,
            int oOff,
            int oStride,
            int len);

    /** Layer normalisation of {@code rows} rows of {@code width}, statistics over each row, biased variance. */
    void layerNorm(
            float[] x, int xOff, float[] y, int yOff, int rows, int width, float[] gamma, float[] beta, float eps);

    /** In place: x * sigmoid(1.702 x), OpenAI's QuickGELU. */
    void quickGelu(float[] x, int off, int n);

    /**
     * dx[off + i] = dy[off + i] * q'(x[off + i]) with q the QuickGELU, q'(v) = s + 1.702 v s (1 - s), s = sigmoid(1.702 v):
     * the MLP activation's backward pass in training ({@code dx} may be {@code dy}).
     */
    void quickGeluBackward(float[] x, float[] dy, float[] dx, int off, int n);

    /** In place: exact GELU, x * (1 + erf(x / sqrt 2)) / 2. */
    void gelu(float[] x, int off, int n);

    /**
     * dx[off + i] = dy[off + i] * g'(x[off + i]) with g the exact GELU, g'(v) = Φ(v) + v φ(v) (the normal
     * distribution's CDF and density): the backward pass of {@link #gelu} ({@code dx} may be {@code dy}).
     */
    void geluBackward(float[] x, float[] dy, float[] dx, int off, int n);

    /** In place softmax over n values, max-subtracted as PyTorch does. */
    void softmax(float[] x, int off, int n);

    /** The implementation for this machine: the Vector API one when the module is present, else the scalar one. */
    static Kernels best() {
        return KernelSelection.BEST;
    }

    /** Whether {@link #best()} is the Vector API implementation (module present, not disabled by -Dclip4j.scalar). */
    static boolean vectorApiInUse() {
        return KernelSelection.VECTOR;
    }
}
