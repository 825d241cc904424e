package io.clip4j.kernels;

/**
 * General matrix products on the inference GEMM ({@link VectorGemm}), for code whose matrices change between calls
 * (training): C[m, n] (+)= A[m, k] · B[k, n], all row-major float arrays. Threads own disjoint columns of C.
 */
public final class Gemm {
    private Gemm() {}

    public static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
                                boolean accumulate) {
        if (m < 0 || k < 0 || n < 0) throw new IllegalArgumentException("shape " + m + " x " + k + " x " + n);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int r = 0; r < m; r++) java.util.Arrays.fill(c, cOff + r * n, cOff + (r + 1) * n, 0f);
            return;
        }
        VectorGemm.multiply(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }
}
