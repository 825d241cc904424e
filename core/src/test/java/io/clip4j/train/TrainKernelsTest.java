package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels against the scalar reference on odd sizes (tails of every tile shape), with offsets. */
class TrainKernelsTest {
    private final TrainKernels scalar = new ScalarTrainKernels();
    private final TrainKernels vector = new VectorTrainKernels();

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    @Test
    void matmulMatchesScalarOnOddSizes() {
        Random r = new Random(1);
        int[][] sizes = {
            {1, 1, 1},
            {3, 5, 7},
            {4, 9, 16},
            {5, 17, 33},
            {7, 31, 15},
            {13, 3, 40},
            {67, 65, 71},
            {130, 37, 97},
            {9, 200, 8}
        };
        for (int[] s : sizes) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean acc : new boolean[] {false, true}) {
                float[] a = random(r, 3 + m * k), b = random(r, 5 + k * n), c0 = random(r, 2 + m * n);
                float[] cs = c0.clone(), cv = c0.clone();
                scalar.matmul(a, 3, b, 5, cs, 2, m, k, n, acc);
                vector.matmul(a, 3, b, 5, cv, 2, m, k, n, acc);
                assertEquals(c0[0], cv[0]);
                assertEquals(c0[1], cv[1]);
                double err = relErr(cv, cs);
                assertTrue(err < 1e-6, "matmul " + m + "x" + k + "x" + n + " acc " + acc + ": " + err);
            }
        }
    }

    /** The stored transpose of a row-major [rows, cols] matrix (with the same offset in front). */
    private static float[] transposed(float[] a, int off, int rows, int cols) {
        float[] t = new float[a.length];
        System.arraycopy(a, 0, t, 0, off);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[off + j * rows + i] = a[off + i * cols + j];
        }
        return t;
    }

    /**
     * Aᵀ·B and A·Bᵀ on the stored transposes give A·B (the scalar forms exactly: same sums in the same order), on odd
     * sizes and on shapes wide enough for the inference GEMM (m >= 64, k, n >= 256), whose transposed packing
     * reads the stored operand in place.
     */
    @Test
    void transposedOperandsGiveTheSameProduct() {
        Random r = new Random(5);
        int[][] sizes = {
            {1, 1, 1}, {3, 5, 7}, {5, 17, 33}, {67, 65, 71}, {13, 3, 40}, {65, 257, 259}, {130, 300, 97}, {77, 391, 263}
        };
        for (int[] s : sizes) {
            int m = s[0], k = s[1], n = s[2];
            for (boolean acc : new boolean[] {false, true}) {
                float[] a = random(r, 3 + m * k), b = random(r, 5 + k * n), c0 = random(r, 2 + m * n);
                float[] aT = transposed(a, 3, m, k), bT = transposed(b, 5, k, n);
                float[] expect = c0.clone();
                scalar.matmul(a, 3, b, 5, expect, 2, m, k, n, acc);
                String shape = m + "x" + k + "x" + n + " acc " + acc;
                float[] cs = c0.clone();
                scalar.matmulTransposedA(aT, 3, b, 5, cs, 2, m, k, n, acc);
                assertEquals(Arrays.toString(expect), Arrays.toString(cs), "scalar Aᵀ·B " + shape);
                cs = c0.clone();
                scalar.matmulTransposedB(a, 3, bT, 5, cs, 2, m, k, n, acc);
                assertEquals(Arrays.toString(expect), Arrays.toString(cs), "scalar A·Bᵀ " + shape);
                float[] cv = c0.clone();
                vector.matmulTransposedA(aT, 3, b, 5, cv, 2, m, k, n, acc);
                assertEquals(c0[1], cv[1]);
                assertTrue(relErr(cv, expect) < 1e-6, "vector Aᵀ·B " + shape + ": " + relErr(cv, expect));
                cv = c0.clone();
                vector.matmulTransposedB(a, 3, bT, 5, cv, 2, m, k, n, acc);
                assertEquals(c0[1], cv[1]);
                assertTrue(relErr(cv, expect) < 1e-6, "vector A·Bᵀ " + shape + ": " + relErr(cv, expect));
            }
        }
    }

    @Test
    void columnSumsAreTheSameFloatsAsTheReference() {
        Random r = new Random(7);
        for (int[] s : new int[][] {{1, 1}, {3, 7}, {17, 9}, {130, 263}, {1600, 385}}) {
            int rows = s[0], cols = s[1];
            float[] m = random(r, 4 + rows * cols), expect = new float[cols], got = new float[cols];
            scalar.columnSums(m, 4, rows, cols, expect);
            vector.columnSums(m, 4, rows, cols, got);
            assertEquals(Arrays.toString(expect), Arrays.toString(got), rows + " x " + cols);
            double first = 0;
            for (int i = 0; i < rows; i++) first += m[4 + i * cols];
            assertEquals((float) first, got[0]);
        }
    }

    @Test
    void matmulIsAMatrixProduct() {
        // [[1,2],[3,4]] · [[5,6,7],[8,9,10]] = [[21,24,27],[47,54,61]]
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8, 9, 10};
        for (TrainKernels k : new TrainKernels[] {scalar, vector}) {
            float[] c = new float[6];
            k.matmul(a, 0, b, 0, c, 0, 2, 2, 3, false);
            assertEquals(Arrays.toString(new float[] {21, 24, 27, 47, 54, 61}), Arrays.toString(c));
        }
    }

    @Test
    void largeMatmulSplitAcrossThreadsMatchesScalar() {
        Random r = new Random(3);
        int m = 301, k = 129, n = 77;
        float[] a = random(r, m * k), b = random(r, k * n);
        float[] cs = new float[m * n], cv = new float[m * n];
        scalar.matmul(a, 0, b, 0, cs, 0, m, k, n, false);
        vector.matmul(a, 0, b, 0, cv, 0, m, k, n, false);
        assertTrue(relErr(cv, cs) < 1e-6);
    }
}
