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
 * Vector API kernels. Wide products run on the inference GEMM ({@link Gemm}, transposed operands read in place);
 * narrow ones on the register-blocked "broadcast A, stream B" form below: a tile of 4 rows of C
 * by 2 vectors of columns lives in registers for the whole k loop (8 FMAs per 2 loads of B), no horizontal
 * reductions. Each element of C is still summed over p in increasing order, as the scalar reference does.
 * Rows of C are split across {@link Parallel}'s pool; a block of rows re-uses one packed panel of B from cache.
 */
public final class VectorTrainKernels implements TrainKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of A handled against one B panel before moving on: 64 x k floats stay in L2. */
    private static final int ROW_BLOCK = 64;

    private static final boolean USE_INFERENCE_GEMM = !Boolean.getBoolean("clip4j.train.ownGemm");

    public static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + L + " floats)";
    }

    @Override
    public void matmul(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        if (wide(m, k, n)) {
            Gemm.multiply(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        } else {
            narrow(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        }
    }

    @Override
    public void matmulTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        if (wide(m, k, n)) {
            Gemm.multiplyTransposedA(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        } else {
            narrow(transposedCopy(a, aOff, k, m), 0, b, bOff, c, cOff, m, k, n, accumulate);
        }
    }

    @Override
    public void matmulTransposedB(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        if (wide(m, k, n)) {
            Gemm.multiplyTransposedB(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        } else {
            narrow(a, aOff, transposedCopy(b, bOff, n, k), 0, c, cOff, m, k, n, accumulate);
        }
    }

    /** The transpose of a stored [rows, cols] matrix, in the calling thread's room (valid until its next call). */
    private static float[] transposedCopy(float[] x, int off, int rows, int cols) {
        float[] t = TRANSPOSED.get().room(rows * cols);
        Matrices.transpose(x, off, rows, cols, t, 0);
        return t;
    }

    /**
     * Wide layers run on the inference GEMM (blocked for L1/L2, one block of columns per thread, the transposed operand
     * read in place); for narrow ones packing B per call costs more than it saves (measured: ViT-B/32 +30 %, a
     * width-128 model -30 %), so they copy a transposed operand once and use the kernel below.
     */
    private static boolean wide(int m, int k, int n) {
        return USE_INFERENCE_GEMM && m >= 64 && k >= 256 && n >= 256;
    }

    /** A transposed copy of a narrow operand, per calling thread, grown as needed and kept. */
    private static final class Room {
        private float[] a = new float[0];

        float[] room(int n) {
            if (a.length < n) a = new float[n];
            return a;
        }
    }

    private static final ThreadLocal<Room> TRANSPOSED = ThreadLocal.withInitial(Room::new);

    private void narrow(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        long work = (long) m * k * n;
        if (work < (1 << 15) || m < 8) {
            rows(a, aOff, b, bOff, c, cOff, 0, m, k, n, accumulate);
            return;
        }
        int quads = (m + 3) / 4;
        int grain = (int) Math.max(1, Math.min(quads, (1L << 17) / Math.max(1, (long) 4 * k * n)));
        Parallel.forRange(
                quads,
                grain,
                (q0, q1) -> rows(a, aOff, b, bOff, c, cOff, q0 * 4, Math.min(m, q1 * 4), k, n, accumulate));
    }

    private static void rows(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int r0, int r1, int k, int n, boolean acc) {
        // One k x 2L panel of B, copied contiguous: B's rows are n floats apart (a new page every few p for wide
        // layers), the packed panel streams from L1/L2 for every 4-row tile of the row block.
        float[] panel = n >= 2 * L ? new float[k * 2 * L] : null;
        for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
            int re = Math.min(r1, rb + ROW_BLOCK);
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                for (int p = 0, src = bOff + j, dst = 0; p < k; p++, src += n, dst += 2 * L) {
                    System.arraycopy(b, src, panel, dst, 2 * L);
                }
                int i = rb;
                for (; i + 4 <= re; i += 4) tile4x2(a, aOff, panel, c, cOff, i, j, k, n, acc);
                for (; i < re; i++) tile1x2(a, aOff, panel, c, cOff, i, j, k, n, acc);
            }
            for (; j + L <= n; j += L) {
                for (int i = rb; i < re; i++) tile1x1(a, aOff, b, bOff, c, cOff, i, j, k, n, acc);
            }
            if (j < n) {
                for (int i = rb; i < re; i++) {
                    for (int jj = j; jj < n; jj++) {
                        float s = acc ? c[cOff + i * n + jj] : 0f;
                        int ai = aOff + i * k;
                        for (int p = 0; p < k; p++) s = Math.fma(a[ai + p], b[bOff + p * n + jj], s);
                        c[cOff + i * n + jj] = s;
                    }
                }
            }
        }
    }

    /** C[i..i+4, j..j+2L] from the packed panel (row p of the panel at p * 2L). */
    private static void tile4x2(
            float[] a, int aOff, float[] panel, float[] c, int cOff, int i, int j, int k, int n, boolean acc) {
        int c0 = cOff + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector s00, s01, s10, s11, s20, s21, s30, s31;
        if (acc) {
            s00 = FloatVector.fromArray(S, c, c0);
            s01 = FloatVector.fromArray(S, c, c0 + L);
            s10 = FloatVector.fromArray(S, c, c1);
            s11 = FloatVector.fromArray(S, c, c1 + L);
            s20 = FloatVector.fromArray(S, c, c2);
            s21 = FloatVector.fromArray(S, c, c2 + L);
            s30 = FloatVector.fromArray(S, c, c3);
            s31 = FloatVector.fromArray(S, c, c3 + L);
        } else {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = FloatVector.zero(S);
        }
        int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int bp = 0;
        for (int p = 0; p < k; p++, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, panel, bp), b1 = FloatVector.fromArray(S, panel, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    private static void tile1x2(
            float[] a, int aOff, float[] panel, float[] c, int cOff, int i, int j, int k, int n, boolean acc) {
        int c0 = cOff + i * n + j;
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        FloatVector s1 = acc ? FloatVector.fromArray(S, c, c0 + L) : FloatVector.zero(S);
        int a0 = aOff + i * k, bp = 0;
        for (int p = 0; p < k; p++, bp += 2 * L) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s0 = x.fma(FloatVector.fromArray(S, panel, bp), s0);
            s1 = x.fma(FloatVector.fromArray(S, panel, bp + L), s1);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
    }

    private static void tile1x1(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i, int j, int k, int n, boolean acc) {
        int c0 = cOff + i * n + j;
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        int a0 = aOff + i * k, bp = bOff + j;
        for (int p = 0; p < k; p++, bp += n)
            s0 = FloatVector.broadcast(S, a[a0 + p]).fma(FloatVector.fromArray(S, b, bp), s0);
        s0.intoArray(c, c0);
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
