package io.clip4j.train;

import io.clip4j.kernels.Parallel;
import java.util.Arrays;

/** Transposes, column sums and sums of arrays: the glue between the matrix products of a backward pass. */
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

    /**
     * out[j] = sum over the rows of column j of m[rows, cols], each in double and in row order (the same sums as
     * row sums of the transpose), in parallel over blocks of columns: every row is read once, contiguously.
     */
    static void columnSums(float[] m, int off, int rows, int cols, float[] out) {
        final int block = 256;
        int blocks = (cols + block - 1) / block;
        Parallel.forRange(blocks, (long) rows * cols < (1 << 16) ? blocks : 1, (b0, b1) -> {
            double[] s = new double[block];
            for (int c0 = b0 * block; c0 < Math.min(cols, b1 * block); c0 += block) {
                int n = Math.min(block, cols - c0);
                Arrays.fill(s, 0, n, 0.0);
                for (int r = 0, base = off + c0; r < rows; r++, base += cols) {
                    for (int j = 0; j < n; j++) s[j] += m[base + j];
                }
                for (int j = 0; j < n; j++) out[c0 + j] = (float) s[j];
            }
        });
    }

    static void add(float[] x, float[] d, int n) {
        for (int i = 0; i < n; i++) x[i] += d[i];
    }
}
