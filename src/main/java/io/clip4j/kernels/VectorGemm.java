package io.clip4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x · Wᵀ + b as a blocked, register-tiled GEMM on the Vector API.
 *
 * <p>W is read as column panels of NR = 2 vectors (16 floats on AVX2, 32 on AVX-512; see {@link Matrix#panels}).
 * The micro-kernel keeps a 4 x NR tile of y in 8 vector registers and, per k, loads two panel vectors and
 * broadcasts four x values: 8 FMAs for 6 loads, within the 16 registers of AVX2. Blocks of KC steps of k keep a
 * panel slice (KC x NR floats = 32 KB on AVX2) in L1 while MC rows of x (MC x KC floats) stay in L2. Threads own
 * disjoint ranges of panels, i.e. disjoint columns of y.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int NR = 2 * L;
    static final int MR = 4;
    private static final int KC = 512;
    private static final int MC = 64;
    /** y = acc + bias, y += acc, or scratch = acc. */
    private static final int FIRST = 0, ACCUMULATE = 1, SCRATCH = 2;

    private VectorGemm() {}

    static void linear(float[] x, int xOff, int rows, int in, Matrix w, float[] bias, float[] y, int yOff, int out) {
        float[] wp = w.halfStorage() ? null : w.panels(NR);
        short[] hp = w.halfStorage() ? w.halfPanels(NR) : null;
        int panels = (out + NR - 1) / NR;
        float[] biasPadded = new float[panels * NR];
        if (bias != null) System.arraycopy(bias, 0, biasPadded, 0, out);
        long work = (long) rows * in * out;
        if (work < (1 << 18)) {
            panelRange(x, xOff, rows, in, wp, hp, biasPadded, y, yOff, out, 0, panels);
            return;
        }
        Parallel.forRange(panels, 1, (p0, p1) -> panelRange(x, xOff, rows, in, wp, hp, biasPadded, y, yOff, out, p0, p1));
    }

    /**
     * Panels [p0, p1) of y. Exactly one of {@code wp} (float panels) and {@code hp} (fp16 panels, widened one
     * KC x NR slice at a time into {@code slice}, then reused by every row tile of the block) is non-null.
     */
    private static void panelRange(float[] x, int xOff, int rows, int in, float[] wp, short[] hp, float[] bias,
                                   float[] y, int yOff, int out, int p0, int p1) {
        float[] scratch = new float[MR * NR];
        float[] slice = hp == null ? null : new float[KC * NR];
        float[] aTail = null;
        int fullRows = rows - rows % MR;
        for (int kb = 0; kb < in; kb += KC) {
            int kc = Math.min(KC, in - kb);
            int mode = kb == 0 ? FIRST : ACCUMULATE;
            if (fullRows < rows) {
                // the last rows % MR rows, zero-padded to a whole tile
                if (aTail == null) aTail = new float[MR * KC];
                java.util.Arrays.fill(aTail, 0f);
                for (int r = fullRows; r < rows; r++) System.arraycopy(x, xOff + r * in + kb, aTail, (r - fullRows) * kc, kc);
            }
            for (int mb = 0; mb < fullRows || (mb == 0 && fullRows == 0); mb += MC) {
                int mEnd = Math.min(fullRows, mb + MC);
                boolean lastBlock = mb + MC >= fullRows;
                for (int p = p0; p < p1; p++) {
                    int bOff = (p * in + kb) * NR;
                    float[] b = wp;
                    if (hp != null) {
                        for (int i = 0, n = kc * NR; i < n; i++) slice[i] = Float.float16ToFloat(hp[bOff + i]);
                        b = slice;
                        bOff = 0;
                    }
                    int col = p * NR;
                    boolean fullCols = col + NR <= out;
                    for (int m = mb; m < mEnd; m += MR) {
                        int aOff = xOff + m * in + kb;
                        if (fullCols) {
                            micro(x, aOff, in, b, bOff, kc, y, yOff + m * out + col, out, mode, bias, col);
                        } else {
                            micro(x, aOff, in, b, bOff, kc, scratch, 0, NR, SCRATCH, bias, col);
                            combine(scratch, MR, y, yOff + m * out + col, out, out - col, mode, bias, col);
                        }
                    }
                    if (lastBlock && aTail != null) {
                        micro(aTail, 0, kc, b, bOff, kc, scratch, 0, NR, SCRATCH, bias, col);
                        combine(scratch, rows - fullRows, y, yOff + fullRows * out + col, out, Math.min(NR, out - col), mode, bias, col);
                    }
                }
            }
        }
    }

    /** Writes a scratch tile's first {@code r} rows and {@code c} columns into y. */
    private static void combine(float[] s, int r, float[] y, int yOff, int yStride, int c, int mode, float[] bias, int col) {
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                int o = yOff + i * yStride + j;
                y[o] = mode == FIRST ? s[i * NR + j] + bias[col + j] : y[o] + s[i * NR + j];
            }
        }
    }

    /** A 4 x NR tile: c[i][j] (op)= sum_k a[aOff + i*aStride + k] * b[bOff + k*NR + j]. */
    private static void micro(float[] a, int aOff, int aStride, float[] b, int bOff, int kc,
                              float[] c, int cOff, int cStride, int mode, float[] bias, int col) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = aOff, a1 = aOff + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
        for (int k = 0; k < kc; k++) {
            int bo = bOff + k * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, c, cOff, mode, bias, col);
        store(c10, c11, c, cOff + cStride, mode, bias, col);
        store(c20, c21, c, cOff + 2 * cStride, mode, bias, col);
        store(c30, c31, c, cOff + 3 * cStride, mode, bias, col);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int off, int mode, float[] bias, int col) {
        if (mode == FIRST) {
            v0 = v0.add(FloatVector.fromArray(S, bias, col));
            v1 = v1.add(FloatVector.fromArray(S, bias, col + L));
        } else if (mode == ACCUMULATE) {
            v0 = v0.add(FloatVector.fromArray(S, c, off));
            v1 = v1.add(FloatVector.fromArray(S, c, off + L));
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }
}
