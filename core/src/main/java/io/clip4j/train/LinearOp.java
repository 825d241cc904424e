package io.clip4j.train;

/**
 * nn.Linear, y = x·Wᵀ + b with W in PyTorch's [out, in] layout, as forward/backward matrix products on W and the
 * activations as they are stored (no transposed copies): forward y = x·Wᵀ; backward dX = dY·W and dW = dYᵀ·X.
 */
final class LinearOp {
    private LinearOp() {}

    /** y[rows, out] = x[rows, in] · w[out, in]ᵀ + bias (bias may be null). */
    static void forward(TrainKernels k, float[] x, int rows, int in, float[] w, float[] bias, float[] y, int out) {
        if (bias != null) {
            for (int r = 0; r < rows; r++) System.arraycopy(bias, 0, y, r * out, out);
        }
        k.matmulTransposedB(x, 0, w, 0, y, 0, rows, in, out, bias != null);
    }

    /**
     * @param dx receives dY·W (added when {@code accumulateDx}); null when the input needs no gradient
     * @param dw receives dYᵀ·X, or null when W is frozen; {@code db} likewise receives the column sums of dY
     */
    static void backward(
            TrainKernels k,
            float[] dy,
            float[] x,
            int rows,
            int in,
            int out,
            float[] w,
            float[] dx,
            boolean accumulateDx,
            float[] dw,
            float[] db) {
        if (dw != null) k.matmulTransposedA(dy, 0, x, 0, dw, 0, out, rows, in, false);
        if (db != null) k.columnSums(dy, 0, rows, out, db);
        if (dx != null) k.matmul(dy, 0, w, 0, dx, 0, rows, out, in, accumulateDx);
    }
}
