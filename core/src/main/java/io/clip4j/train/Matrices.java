package io.clip4j.train;

import io.clip4j.kernels.Parallel;

/** Transposes and sums of arrays: the glue between the matrix products of the forward and backward passes. */
final class Matrices {
    private Matrices() {}

    /** dst[cols, rows] = src[rows, cols]ᵀ, in cache-sized tiles; split by destination rows. */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
        final int t = 32;
        int tiles = (cols + t - 1) / t;
        Parallel.forRange(tiles, (long) rows * cols < (1 << 16) ? tiles : 1, (t0, t1) -> {
            for (int c0 = t0 * t; c0 < Math.min(cols, t1 * t); c0 += t) {
                int c1 = Math.min(cols, c0 + t);
                for (int r0 = 0; r0 < rows; r0 += t) {
                    int r1 = Math.min(rows, r0 + t);
                    for (int c = c0; c < c1; c++) {
                        int d = dstOff + c * rows;
                        for (int r = r0; r < r1; r++) dst[d + r] = src[srcOff + r * cols + c];
                    }
                }
            }
        });
    }

    static void add(float[] x, float[] d, int n) {
        for (int i = 0; i < n; i++) x[i] += d[i];
    }
}
