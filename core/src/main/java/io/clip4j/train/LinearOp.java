package io.clip4j.train;

/**
 * nn.Linear, y = x·Wᵀ + b with W in PyTorch's [out, in] layout, as forward/backward matrix products:
 * forward y = x·(Wᵀ) with Wᵀ cached per step; backward dX = dY·W (split by rows of dX) and dW = dYᵀ·X
 * (split by rows of dW, i.e. output features): neither has write conflicts between threads.
 */
final class LinearOp {
    private LinearOp() {}

    /** y[rows, out] = x[rows, in] · wT[in, out] + bias (bias may be null). */
    static void forward(TrainKernels k, float[] x, int rows, int in, float[] wT, float[] bias, float[] y, int out) {
        if (bias != null) {
            for (int r = 0; r < rows; r++) System.arraycopy(bias, 0, y, r * out, out);
        }
        k.matmul(x, 0, wT, 0, y, 0, rows, in, out, bias != null);
    }

    /**
     * @param dyT  scratch of at least out*rows floats (receives dYᵀ)
     * @param dx   receives dY·W (added when {@code accumulateDx}); null when the input needs no gradient
     * @param dw   receives dYᵀ·X, or null when W is frozen; {@code db} likewise receives the column sums of dY
     */
    static void backward(TrainKernels k, float[] dy, float[] x, int rows, int in, int out, float[] w,
                         float[] dx, boolean accumulateDx, float[] dw, float[] db, float[] dyT) {
        if (dw != null || db != null) {
            Matrices.transpose(dy, 0, rows, out, dyT, 0);
            if (dw != null) k.matmul(dyT, 0, x, 0, dw, 0, out, rows, in, false);
            if (db != null) Matrices.rowSums(dyT, 0, out, rows, db, false);
        }
        if (dx != null) k.matmul(dy, 0, w, 0, dx, 0, rows, out, in, accumulateDx);
    }
}
