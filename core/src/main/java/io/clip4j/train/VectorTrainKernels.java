package io.clip4j.train;

import io.clip4j.kernels.Gemm;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Parallel;
import io.clip4j.kernels.VectorKernels;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: every product runs on the inference GEMM ({@link Gemm}: packed, register-tiled, transposed
 * operands read in place, B packed slice by slice by the thread that owns it). Each element of C is summed over p in
 * increasing order (in K blocks added in order), as the scalar reference does. (A second, unpacked "broadcast A,
 * stream B" kernel used to serve narrow layers, where packing B whole per call cost more than it saved; with B
 * packed per slice the GEMM is as fast there too — quickstart model, batch 64: 179-189 vs 182-187 images/s.)
 */
public final class VectorTrainKernels implements TrainKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    public static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + S.length() + " floats)";
    }

    @Override
    public void matmul(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        Gemm.multiply(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        Gemm.multiplyTransposedA(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedB(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        Gemm.multiplyTransposedB(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF_F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    /**
     * Blocks of columns in parallel; in a block every row is read once, contiguously, half a vector of floats
     * widened to doubles at a time and added to that column's running double sum (row order, as the reference).
     */
    @Override
    public void columnSums(float[] m, int off, int rows, int cols, float[] out) {
        final int block = 256, dl = D.length();
        int blocks = (cols + block - 1) / block;
        Parallel.forRange(blocks, (long) rows * cols < (1 << 16) ? blocks : 1, (b0, b1) -> {
            double[] s = new double[block];
            for (int c0 = b0 * block; c0 < Math.min(cols, b1 * block); c0 += block) {
                int n = Math.min(block, cols - c0), vec = n - n % dl;
                Arrays.fill(s, 0, n, 0.0);
                for (int r = 0, base = off + c0; r < rows; r++, base += cols) {
                    int j = 0;
                    for (; j < vec; j += dl) {
                        DoubleVector x = (DoubleVector)
                                FloatVector.fromArray(HALF_F, m, base + j).convertShape(VectorOperators.F2D, D, 0);
                        DoubleVector.fromArray(D, s, j).add(x).intoArray(s, j);
                    }
                    for (; j < n; j++) s[j] += m[base + j];
                }
                for (int j = 0; j < n; j++) out[c0 + j] = (float) s[j];
            }
        });
    }

    /** The inference kernels' own Vector API implementation. */
    private static final Kernels ELEMENTWISE = new VectorKernels();

    @Override
    public Kernels elementwise() {
        return ELEMENTWISE;
    }
}
