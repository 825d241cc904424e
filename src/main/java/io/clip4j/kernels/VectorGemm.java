package io.clip4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x · Wᵀ + b as a blocked, register-tiled GEMM on the Vector API.
 *
 * <p>W is read as column panels of NR = 2 vectors (16 floats on AVX2, 32 on AVX-512; see {@link Matrix#panels}).
 * The micro-kernel keeps a 4 x NR tile of y in 8 vector registers and, per k, loads two panel vectors and
 * broadcasts four x values: 8 FMAs for 6 loads, within the 16 registers of AVX2. Blocks of KC steps of k keep a
 * panel slice (KC x NR floats = 32 KB on AVX2) in L1 while MC rows of x (MC x KC floats) stay in L2, and NB panels
 * form a block of W that stays in L2 while every row block passes (memory bandwidth is scarce: a VM here
 * streams ~3.6 GB/s per thread, so W must be read from memory once per call, not once per row block). Threads own
 * disjoint ranges of panels, i.e. disjoint columns of y.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int NR = 2 * L;
    static final int MR = 4;
    private static final int KC = Integer.getInteger("clip4j.kc", 512);
    private static final int MC = Integer.getInteger("clip4j.mc", 64);
    /** Panels per column block: a KC x (NB*NR) block of W (256 KB on AVX2) stays in L2 while all row blocks pass. */
    private static final int NB = Integer.getInteger("clip4j.nb", 8);

    private VectorGemm() {}

    /**
     * C[m, n] (+)= A[m, k] · B[k, n], all row-major: B's columns are W's rows, so a panel is a copy of 16-float
     * segments of B's rows (packed per call: training changes B every step).
     */
    static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        int panels = (n + NR - 1) / NR;
        float[] wp = new float[panels * k * NR];
        for (int p = 0; p < panels; p++) {
            int cols = Math.min(NR, n - p * NR);
            for (int kk = 0, src = bOff + p * NR, dst = p * k * NR; kk < k; kk++, src += n, dst += NR) {
                System.arraycopy(b, src, wp, dst, cols);
            }
        }
        if (!accumulate) {
            for (int r = 0; r < m; r++) java.util.Arrays.fill(c, cOff + r * n, cOff + (r + 1) * n, 0f);
        }
        if ((long) m * k * n < (1 << 18)) {
            panelRange(a, aOff, m, k, wp, null, c, cOff, n, 0, panels);
            return;
        }
        Parallel.forEachThread(panels, (p0, p1) -> panelRange(a, aOff, m, k, wp, null, c, cOff, n, p0, p1));
    }

    static void linear(float[] x, int xOff, int rows, int in, Matrix w, float[] bias, float[] y, int yOff, int out) {
        float[] wp = w.halfStorage() ? null : w.panels(NR);
        short[] hp = w.halfStorage() ? w.halfPanels(NR) : null;
        int panels = (out + NR - 1) / NR;
        // y starts as the bias (or zero); every K block then adds its partial products
        for (int r = 0; r < rows; r++) {
            if (bias == null) java.util.Arrays.fill(y, yOff + r * out, yOff + (r + 1) * out, 0f);
            else System.arraycopy(bias, 0, y, yOff + r * out, out);
        }
        long work = (long) rows * in * out;
        if (work < (1 << 18)) {
            panelRange(x, xOff, rows, in, wp, hp, y, yOff, out, 0, panels);
            return;
        }
        Parallel.forEachThread(panels, (p0, p1) -> panelRange(x, xOff, rows, in, wp, hp, y, yOff, out, p0, p1));
    }

    /**
     * Panels [p0, p1) of y. Exactly one of {@code wp} (float panels) and {@code hp} (fp16 panels, widened one
     * KC x NR slice at a time into {@code slice}, then reused by every row tile of the block) is non-null.
     */
    private static void panelRange(float[] x, int xOff, int rows, int in, float[] wp, short[] hp,
                                   float[] y, int yOff, int out, int p0, int p1) {
        float[] scratch = new float[MR * NR];
        float[] slice = hp == null ? null : new float[KC * NR];
        float[] aTail = null;
        int fullRows = rows - rows % MR;
        for (int kb = 0; kb < in; kb += KC) {
            int kc = Math.min(KC, in - kb);
            if (fullRows < rows) {
                // the last rows % MR rows, zero-padded to a whole tile
                if (aTail == null) aTail = new float[MR * KC];
                java.util.Arrays.fill(aTail, 0f);
                for (int r = fullRows; r < rows; r++) System.arraycopy(x, xOff + r * in + kb, aTail, (r - fullRows) * kc, kc);
            }
            for (int nb = p0; nb < p1; nb += NB) {
                int nbEnd = Math.min(p1, nb + NB);
                for (int mb = 0; mb < fullRows || (mb == 0 && fullRows == 0); mb += MC) {
                    int mEnd = Math.min(fullRows, mb + MC);
                    boolean lastBlock = mb + MC >= fullRows;
                    for (int p = nb; p < nbEnd; p++) {
                        int bOff = (p * in + kb) * NR;
                        float[] b = wp;
                        if (hp != null) {
                            widenHalf(hp, bOff, slice, kc * NR);
                            b = slice;
                            bOff = 0;
                        }
                        int col = p * NR;
                        if (col + NR <= out) {
                            for (int m = mb; m < mEnd; m += MR) micro(x, xOff + m * in + kb, in, b, bOff, kc, y, yOff + m * out + col, out);
                        } else {
                            for (int m = mb; m < mEnd; m += MR) {
                                java.util.Arrays.fill(scratch, 0f);
                                micro(x, xOff + m * in + kb, in, b, bOff, kc, scratch, 0, NR);
                                addTile(scratch, MR, y, yOff + m * out + col, out, out - col);
                            }
                        }
                        if (lastBlock && aTail != null) {
                            java.util.Arrays.fill(scratch, 0f);
                            micro(aTail, 0, kc, b, bOff, kc, scratch, 0, NR);
                            addTile(scratch, rows - fullRows, y, yOff + fullRows * out + col, out, Math.min(NR, out - col));
                        }
                    }
                }
            }
        }
    }

    private static final VectorSpecies<Short> HALF = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INT = VectorSpecies.of(int.class, S.vectorShape());

    /**
     * dst[i] = fp16 bits src[off + i] as float, for finite values (weights): the 15 magnitude bits shifted into a
     * float's exponent/mantissa give the value times 2^-112 (subnormals included, exactly); scaling by 2^112 and
     * restoring the sign gives the half's value. One vector op per step, no table.
     */
    static void widenHalf(short[] src, int off, float[] dst, int n) {
        int i = 0;
        int bound = n - n % L;
        IntVector magMask = IntVector.broadcast(INT, 0x7fff), signMask = IntVector.broadcast(INT, 0x8000);
        FloatVector scale = FloatVector.broadcast(S, 0x1p112f);
        for (; i < bound; i += L) {
            IntVector h = (IntVector) ShortVector.fromArray(HALF, src, off + i).convertShape(VectorOperators.S2I, INT, 0);
            FloatVector mag = h.and(magMask).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(scale);
            IntVector sign = h.and(signMask).lanewise(VectorOperators.LSHL, 16);
            mag.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(dst, i);
        }
        for (; i < n; i++) dst[i] = Float.float16ToFloat(src[off + i]);
    }

    /** y += the first {@code r} rows and {@code c} columns of a scratch tile. */
    private static void addTile(float[] s, int r, float[] y, int yOff, int yStride, int c) {
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) y[yOff + i * yStride + j] += s[i * NR + j];
        }
    }

    /** A 4 x NR tile: c[i][j] += sum_k a[aOff + i*aStride + k] * b[bOff + k*NR + j]. */
    private static void micro(float[] a, int aOff, int aStride, float[] b, int bOff, int kc,
                              float[] c, int cOff, int cStride) {
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
        int o = cOff;
        c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += cStride;
        c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += cStride;
        c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += cStride;
        c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    }
}
