package io.clip4j.kernels;

import java.util.Arrays;

/**
 * General matrix products on the inference GEMM ({@link VectorGemm}), for code whose matrices change between calls
 * (training): C[m, n] (+)= op(A) · op(B), all row-major float arrays. Threads own disjoint columns of C. The
 * transposed forms read the stored matrix in place (BLAS's transa/transb), so a backward pass never copies an
 * activation or a weight into its transpose first.
 */
public final class Gemm {
    private Gemm() {}

    /** C[m, n] (+)= A[m, k] · B[k, n]. */
    public static void multiply(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, false, b, bOff, false, c, cOff, m, k, n, accumulate);
    }

    /** C[m, n] (+)= Aᵀ · B[k, n] with A stored [k, m] (a weight gradient: dW = dYᵀ · X). */
    public static void multiplyTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, true, b, bOff, false, c, cOff, m, k, n, accumulate);
    }

    /** C[m, n] (+)= A[m, k] · Bᵀ with B stored [n, k] (nn.Linear's forward: y = x · Wᵀ). */
    public static void multiplyTransposedB(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        product(a, aOff, false, b, bOff, true, c, cOff, m, k, n, accumulate);
    }

    private static void product(
            float[] a,
            int aOff,
            boolean aT,
            float[] b,
            int bOff,
            boolean bT,
            float[] c,
            int cOff,
            int m,
            int k,
            int n,
            boolean accumulate) {
        if (m < 0 || k < 0 || n < 0) throw new IllegalArgumentException("shape " + m + " x " + k + " x " + n);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int r = 0; r < m; r++) Arrays.fill(c, cOff + r * n, cOff + (r + 1) * n, 0f);
            return;
        }
        VectorGemm.multiply(a, aOff, aT, b, bOff, bT, c, cOff, m, k, n, accumulate);
    }
}
