package io.clip4j.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The species is the widest the CPU prefers (8 floats on AVX2, 16 on AVX-512); every
 * kernel has a scalar tail so any size works. {@link #linear} is split across {@link Parallel}'s pool by
 * blocks of output features, so threads never write the same element.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Output features per block: 32 rows of W (32 x 768 x 4 B = 96 KB) stay in L2 while all x rows pass. */
    private static final int OUT_BLOCK = 32;

    private final ScalarKernels scalar = new ScalarKernels();

    public static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + L + " floats)";
    }

    @Override
    public void linear(float[] x, int xOff, int rows, int in, MemorySegment w, float[] bias, float[] y, int yOff, int out) {
        int blocks = (out + OUT_BLOCK - 1) / OUT_BLOCK;
        long work = (long) rows * in * out;
        if (work < 1 << 16) {
            linearBlock(x, xOff, rows, in, w, bias, y, yOff, out, 0, out);
            return;
        }
        Parallel.forRange(blocks, 1, (b0, b1) ->
                linearBlock(x, xOff, rows, in, w, bias, y, yOff, out, b0 * OUT_BLOCK, Math.min(out, b1 * OUT_BLOCK)));
    }

    private void linearBlock(float[] x, int xOff, int rows, int in, MemorySegment w, float[] bias,
                             float[] y, int yOff, int out, int o0, int o1) {
        int bound = S.loopBound(in);
        int r = 0;
        // 4 input rows share each loaded weight vector: 4 FMAs per weight load
        for (; r + 4 <= rows; r += 4) {
            int x0 = xOff + r * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
            for (int o = o0; o < o1; o++) {
                long wb = (long) o * in * 4;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector wv = FloatVector.fromMemorySegment(S, w, wb + (long) i * 4, LE);
                    a0 = FloatVector.fromArray(S, x, x0 + i).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, x, x1 + i).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, x, x2 + i).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, x, x3 + i).fma(wv, a3);
                }
                float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
                float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
                for (; i < in; i++) {
                    float wv = w.getAtIndex(ScalarKernels.F32, (long) o * in + i);
                    s0 += x[x0 + i] * wv;
                    s1 += x[x1 + i] * wv;
                    s2 += x[x2 + i] * wv;
                    s3 += x[x3 + i] * wv;
                }
                float b = bias == null ? 0f : bias[o];
                y[yOff + r * out + o] = s0 + b;
                y[yOff + (r + 1) * out + o] = s1 + b;
                y[yOff + (r + 2) * out + o] = s2 + b;
                y[yOff + (r + 3) * out + o] = s3 + b;
            }
        }
        for (; r < rows; r++) {
            int x0 = xOff + r * in;
            for (int o = o0; o < o1; o++) {
                long wb = (long) o * in * 4;
                FloatVector a0 = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += L) {
                    a0 = FloatVector.fromArray(S, x, x0 + i).fma(FloatVector.fromMemorySegment(S, w, wb + (long) i * 4, LE), a0);
                }
                float s0 = a0.reduceLanes(VectorOperators.ADD);
                for (; i < in; i++) s0 += x[x0 + i] * w.getAtIndex(ScalarKernels.F32, (long) o * in + i);
                y[yOff + r * out + o] = bias == null ? s0 : s0 + bias[o];
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int width, float[] gamma, float[] beta, float eps) {
        scalar.layerNorm(x, xOff, y, yOff, rows, width, gamma, beta, eps);
    }

    @Override
    public void quickGelu(float[] x, int off, int n) {
        scalar.quickGelu(x, off, n);
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        scalar.gelu(x, off, n);
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        scalar.softmax(x, off, n);
    }
}
