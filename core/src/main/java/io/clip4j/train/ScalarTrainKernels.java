package io.clip4j.train;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.ScalarKernels;
import java.util.Arrays;

/** Plain loops, single-threaded: the reference the vector kernels are tested against. */
public final class ScalarTrainKernels implements TrainKernels {

    @Override
    public void matmul(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, k, 1, b, bOff, n, 1, c, cOff, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, 1, m, b, bOff, n, 1, c, cOff, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedB(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, k, 1, b, bOff, 1, k, c, cOff, m, k, n, accumulate);
    }

    /**
     * C[i][j] (+)= sum over p ascending of A(i, p) · B(p, j), with A(i, p) at aOff + i·aRow + p·aCol and B(p, j) at
     * bOff + p·bRow + j·bCol: one loop for a stored matrix and for a stored transpose.
     */
    private static void product(
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int bRow,
            int bCol,
            float[] c,
            int cOff,
            int m,
            int k,
            int n,
            boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            if (!accumulate) Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * aRow + p * aCol];
                int bp = bOff + p * bRow;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j * bCol];
            }
        }
    }

    @Override
    public void columnSums(float[] m, int off, int rows, int cols, float[] out) {
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += m[off + r * cols + j];
            out[j] = (float) s;
        }
    }

    private static final Kernels ELEMENTWISE = new ScalarKernels();

    @Override
    public Kernels elementwise() {
        return ELEMENTWISE;
    }
}
