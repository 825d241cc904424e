package io.clip4j.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x · Wᵀ + b as a packed, blocked, register-tiled GEMM on the Vector API (Goto's scheme).
 *
 * <p>W is read as column panels of NR = 2 vectors (16 floats on AVX2, 32 on AVX-512; see {@link Panels}).
 * Once per call, x is packed (in parallel) into tiles of MR rows laid out k-major per block of kc steps of k
 * ([k][MR]: one sequential stream of broadcasts), shared read-only by the threads; kc cuts K into equal blocks
 * of at most KC (512 on AVX-512, 256 on AVX2). The micro-kernel keeps an MR x NR tile of y in 2·MR vector
 * registers and per k loads two panel vectors and broadcasts MR values of x: MR = 6 on AVX2 (12 accumulators +
 * 3 = 15 of the 16 registers), 12 on AVX-512 (24 + 3 of 32). A panel slice (kc x NR floats, 48 KB at kc = 384 on
 * AVX-512) is reused from L1/L2 while the MC rows of a row block pass, and NB panels form a block of W that stays in L2
 * while every row block passes, so W is read from memory once per call. The last rows, fewer than MR, use the
 * smallest tile of 1, 2, 4, 6, 8 or 12 rows that holds them (at batch 1 a ViT has 50 rows: 4 x 12 + 2). Threads
 * own disjoint ranges of panels, i.e. disjoint columns of y.
 *
 * <p>Every element of y is summed in the same order (k ascending, one fma per k, KC blocks added in order)
 * whatever the number of rows and whichever tile holds it: a row's result does not depend on the others.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int NR = 2 * L;
    private static final int[] TILE_ROWS = {1, 2, 4, 6, 8, 12};
    static final int MR = tileRows(Integer.getInteger("clip4j.mr", L >= 16 ? 12 : 6));
    /** The longest K block; a product's K is cut into equal blocks no longer than this (see {@link #blockK}). */
    private static final int KC = Math.max(16, Integer.getInteger("clip4j.kc", L >= 16 ? 512 : 256));
    /** Rows per block, a whole number of tiles (a tile never straddles two blocks). */
    private static final int MC = Math.max(MR, Integer.getInteger("clip4j.mc", 96) / MR * MR);
    /** Panels per column block: a KC x (NB*NR) block of W stays in L2 while all row blocks pass. */
    private static final int NB = Math.max(1, Integer.getInteger("clip4j.nb", 8));

    private static final int SMALL_M_GRAIN = Math.max(1, Integer.getInteger("clip4j.grain", 1));
    private static final int PACK_GRAIN = Integer.getInteger("clip4j.packGrain", 1);
    private static final int LARGE_M_CHUNKS = Integer.getInteger("clip4j.largeMChunks", 1);

    private VectorGemm() {}

    private static int tileRows(int asked) {
        for (int t : TILE_ROWS) if (t == asked) return t;
        throw new IllegalArgumentException("clip4j.mr must be one of 1, 2, 4, 6, 8, 12, got " + asked);
    }

    /** Per-thread buffers, kept across calls: no allocation in the hot path once warmed up. */
    private static final class Scratch {
        float[] packed = new float[0];
        float[] widened = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packed(int n) {
            if (packed.length < n) packed = new float[n];
            return packed;
        }

        /** Room for a block of panels widened to float or packed from a plain matrix (not needed by F32Panels). */
        float[] widened(int n) {
            if (widened.length < n) widened = new float[n];
            return widened;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * C[m, n] (+)= op(A) · op(B), all row-major; op(A) is A[m, k] or, {@code aTransposed}, the transpose of an A
     * stored [k, m]; op(B) is B[k, n] or, {@code bTransposed}, the transpose of a B stored [n, k] (nn.Linear's W).
     * Neither is copied whole: A is packed like x (a transposed A is read contiguously, MR rows at once), and B's
     * slices are packed by the thread that owns them as it reaches them ({@link UnpackedPanels}).
     */
    static void multiply(
            float[] a,
            int aOff,
            boolean aTransposed,
            float[] b,
            int bOff,
            boolean bTransposed,
            float[] c,
            int cOff,
            int m,
            int k,
            int n,
            boolean accumulate) {
        int panels = (n + NR - 1) / NR;
        run(
                a,
                aOff,
                aTransposed,
                m,
                k,
                new UnpackedPanels(b, bOff, k, n, bTransposed, NR),
                null,
                accumulate,
                c,
                cOff,
                n,
                panels,
                Activation.NONE);
    }

    /**
     * y = act(x · Wᵀ + bias), or with {@code accumulate} y = y + x · Wᵀ + bias (a residual connection summed in
     * place; no activation then).
     */
    static void linear(
            float[] x,
            int xOff,
            int rows,
            int in,
            Matrix w,
            float[] bias,
            float[] y,
            int yOff,
            int out,
            boolean accumulate,
            Activation act) {
        int panels = (out + NR - 1) / NR;
        run(x, xOff, false, rows, in, w.panels(NR), bias, accumulate, y, yOff, out, panels, act);
    }

    private static void run(
            float[] x,
            int xOff,
            boolean xTransposed,
            int rows,
            int in,
            Panels w,
            float[] bias,
            boolean accumulate,
            float[] y,
            int yOff,
            int out,
            int panels,
            Activation act) {
        if (in == 0) { // no K block to start y in
            for (int r = 0; r < rows; r++) startRow(bias, accumulate, y, yOff + r * out, 0, out);
            if (act != Activation.NONE) activate(act, y, yOff, out, rows, out);
            return;
        }
        int tiles = (rows + MR - 1) / MR;
        // A is packed once per call (all K blocks) and shared by the threads, which then only read it
        float[] pa = SCRATCH.get().packed(tiles * MR * in);
        if ((long) rows * in * out < (1 << 18)) {
            pack(x, xOff, xTransposed, rows, in, 0, tiles, pa);
            panelRange(pa, rows, in, w, bias, accumulate, y, yOff, out, 0, panels, act);
            return;
        }
        Parallel.forRange(tiles, PACK_GRAIN, (t0, t1) -> pack(x, xOff, xTransposed, rows, in, t0, t1, pa));
        // Small M (A in L2): pieces of panels that shrink towards the end (guided), down to SMALL_M_GRAIN panels,
        // so the threads finish together. Large M: one piece per thread — every piece streams all of A once per
        // block of panels, so more pieces re-read A more often (measured, 1600 x 3072 -> 768: 255-263 vs 223-232
        // GFLOP/s with four pieces per thread).
        int grain = rows >= 2 * MC
                ? Math.max(
                        1, (panels + LARGE_M_CHUNKS * Parallel.threads() - 1) / (LARGE_M_CHUNKS * Parallel.threads()))
                : SMALL_M_GRAIN;
        Parallel.forRange(
                panels, grain, (p0, p1) -> panelRange(pa, rows, in, w, bias, accumulate, y, yOff, out, p0, p1, act));
    }

    /**
     * The K block length for a product over {@code in}: K cut into the fewest blocks of at most KC, all of equal
     * length (768 -> 2 x 384, 512 -> 512, 3072 -> 6 x 512): no short last block whose pass over y costs as much
     * as a full one for a fraction of the work (text at batch 1, 512 = 384 + 128 before: +3-11 % texts/s).
     */
    static int blockK(int in) {
        int blocks = (in + KC - 1) / KC;
        return (in + blocks - 1) / blocks;
    }

    /** Rows in the tile that starts at row {@code m}: MR, or for the last rows the smallest tile that holds them. */
    private static int tileAt(int m, int rows) {
        int left = rows - m;
        if (left >= MR) return MR;
        for (int t : TILE_ROWS) if (t >= left) return t;
        return MR;
    }

    /**
     * Panels [p0, p1) of y from x packed by {@link #pack}. W's panels are read a kc x NB·NR block at a time (a format
     * narrower than float widens the block once, then every row block reads it).
     */
    private static void panelRange(
            float[] pa,
            int rows,
            int in,
            Panels w,
            float[] bias,
            boolean accumulate,
            float[] y,
            int yOff,
            int out,
            int p0,
            int p1,
            Activation act) {
        Scratch s = SCRATCH.get();
        int rowsPad = (rows + MR - 1) / MR * MR;
        int kcMax = blockK(in);
        for (int kb = 0; kb < in; kb += kcMax) {
            int kc = Math.min(kcMax, in - kb);
            boolean lastK = kb + kc >= in;
            int blockBase = kb * rowsPad;
            for (int nb = p0; nb < p1; nb += NB) {
                int nbEnd = Math.min(p1, nb + NB);
                float[] b = w.slices(nb, nbEnd, kb, kc, s.widened(w.room(nbEnd - nb, kc)));
                for (int mb = 0; mb < rows; mb += MC) {
                    int mEnd = Math.min(rows, mb + MC);
                    for (int p = nb; p < nbEnd; p++) {
                        int bOff = w.offset(p, nb, kb, kc);
                        int col = p * NR, cols = Math.min(NR, out - col);
                        for (int m = mb; m < mEnd; ) {
                            int mr = tileAt(m, rows), live = Math.min(mr, rows - m);
                            int ao = blockBase + m * kc, yo = yOff + m * out + col;
                            // y's tile starts (bias, zero, or itself plus the bias) just before its first product:
                            // the stores bring its lines into cache while the micro-kernel runs, instead of a
                            // separate pass over all of y whose lines are long evicted when the product adds to them
                            if (kb == 0) {
                                for (int i = 0; i < live; i++) startRow(bias, accumulate, y, yo + i * out, col, cols);
                            }
                            if (live == mr && cols == NR) {
                                micro(mr, pa, ao, b, bOff, kc, y, yo, out);
                            } else {
                                Arrays.fill(s.tile, 0, mr * NR, 0f);
                                micro(mr, pa, ao, b, bOff, kc, s.tile, 0, NR);
                                addTile(s.tile, live, y, yo, out, cols);
                            }
                            m += mr;
                        }
                    }
                    // the activation over the finished rows of this block of panels (still in L2): one call per row
                    // for NB panels at once, not one per tile row of NR floats (per-call overhead > the work)
                    if (lastK && act != Activation.NONE) {
                        int c0 = nb * NR, c1 = Math.min(out, nbEnd * NR);
                        activate(act, y, yOff + mb * out + c0, out, mEnd - mb, c1 - c0);
                    }
                }
            }
        }
    }

    /**
     * Row tiles [t0, t1) of x (tile i starts at row i * MR) into {@code pa}, every K block: block kb of width kc
     * starts at kb * rowsPad (rowsPad = rows rounded up to MR), and in it the tile of rows [m, m + t) holds
     * x[m + i][kb + k] at m * kc + k * t + i. Rows past the end of x are zero. {@code transposed}: the array holds
     * xᵀ [in, rows], whose row kb + k gives the tile's t values at once.
     */
    private static void pack(float[] x, int xOff, boolean transposed, int rows, int in, int t0, int t1, float[] pa) {
        int rowsPad = (rows + MR - 1) / MR * MR;
        int kcMax = blockK(in);
        for (int kb = 0; kb < in; kb += kcMax) {
            int kc = Math.min(kcMax, in - kb), blockBase = kb * rowsPad;
            for (int m = t0 * MR; m < Math.min(rows, t1 * MR); ) {
                int t = tileAt(m, rows), live = Math.min(t, rows - m), base = blockBase + m * kc;
                if (transposed) {
                    for (int k = 0; k < kc; k++) {
                        int src = xOff + (kb + k) * rows + m, dst = base + k * t;
                        System.arraycopy(x, src, pa, dst, live);
                        for (int i = live; i < t; i++) pa[dst + i] = 0f;
                    }
                    m += t;
                    continue;
                }
                if (live == t) {
                    // k outer: the tile's writes are one contiguous stream, its t rows t read streams (1600 x 1536:
                    // 0.81 ns an element against 1.19 row by row, whose writes are t floats apart)
                    for (int k = 0, src = xOff + m * in + kb, dst = base; k < kc; k++, src++, dst += t) {
                        for (int i = 0, si = src; i < t; i++, si += in) pa[dst + i] = x[si];
                    }
                    m += t;
                    continue;
                }
                for (int i = 0; i < t; i++) {
                    if (i >= live) {
                        for (int k = 0; k < kc; k++) pa[base + k * t + i] = 0f;
                        continue;
                    }
                    int src = xOff + (m + i) * in + kb;
                    for (int k = 0; k < kc; k++) pa[base + k * t + i] = x[src + k];
                }
                m += t;
            }
        }
    }

    /**
     * y[yo, yo + n) = bias[col, col + n), or zero without a bias; with {@code accumulate} the bias is added to y
     * instead (a residual stream, summed in place).
     */
    private static void startRow(float[] bias, boolean accumulate, float[] y, int yo, int col, int n) {
        if (accumulate) {
            if (bias != null) for (int j = 0; j < n; j++) y[yo + j] += bias[col + j];
        } else if (bias == null) {
            Arrays.fill(y, yo, yo + n, 0f);
        } else {
            System.arraycopy(bias, col, y, yo, n);
        }
    }

    /** The activation over a finished rows x cols region of y, row by row. */
    private static void activate(Activation act, float[] y, int yo, int stride, int rows, int cols) {
        for (int i = 0; i < rows; i++) act.apply(ELEMENTWISE, y, yo + i * stride, cols);
    }

    private static final Kernels ELEMENTWISE = new VectorKernels();

    private static final VectorSpecies<Short> HALF =
            VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INT = VectorSpecies.of(int.class, S.vectorShape());

    /**
     * dst[dOff + i] = fp16 bits src[off + i] as float, for finite values (weights): the 15 magnitude bits shifted into a
     * float's exponent/mantissa give the value times 2^-112 (subnormals included, exactly); scaling by 2^112 and
     * restoring the sign gives the half's value. One vector op per step, no table.
     */
    static void widenHalf(short[] src, int off, float[] dst, int dOff, int n) {
        int i = 0;
        int bound = n - n % L;
        IntVector magMask = IntVector.broadcast(INT, 0x7fff), signMask = IntVector.broadcast(INT, 0x8000);
        FloatVector scale = FloatVector.broadcast(S, 0x1p112f);
        for (; i < bound; i += L) {
            IntVector h =
                    (IntVector) ShortVector.fromArray(HALF, src, off + i).convertShape(VectorOperators.S2I, INT, 0);
            FloatVector mag = h.and(magMask)
                    .lanewise(VectorOperators.LSHL, 13)
                    .reinterpretAsFloats()
                    .mul(scale);
            IntVector sign = h.and(signMask).lanewise(VectorOperators.LSHL, 16);
            mag.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(dst, dOff + i);
        }
        for (; i < n; i++) dst[dOff + i] = Float.float16ToFloat(src[off + i]);
    }

    /** y += the first {@code r} rows and {@code c} columns of a scratch tile. */
    private static void addTile(float[] s, int r, float[] y, int yOff, int yStride, int c) {
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) y[yOff + i * yStride + j] += s[i * NR + j];
        }
    }

    /**
     * An mr x NR tile: c[i][j] += sum_k a[ao + k*mr + i] * b[bo + k*NR + j], k ascending. One method per tile
     * height so that the JIT keeps every accumulator in a register.
     */
    private static void micro(int mr, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        switch (mr) {
            case 12 -> micro12(a, ao, b, bo, kc, c, co, cs);
            case 8 -> micro8(a, ao, b, bo, kc, c, co, cs);
            case 6 -> micro6(a, ao, b, bo, kc, c, co, cs);
            case 4 -> micro4(a, ao, b, bo, kc, c, co, cs);
            case 2 -> micro2(a, ao, b, bo, kc, c, co, cs);
            default -> micro1(a, ao, b, bo, kc, c, co, cs);
        }
    }

    private static void micro1(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        for (int k = 0; k < kc; k++, ao += 1, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
    }

    private static void micro2(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
        for (int k = 0; k < kc; k++, ao += 2, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + 1 * cs)).intoArray(c, co + 1 * cs);
        c11.add(FloatVector.fromArray(S, c, co + 1 * cs + L)).intoArray(c, co + 1 * cs + L);
    }

    private static void micro4(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int k = 0; k < kc; k++, ao += 4, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + 1 * cs)).intoArray(c, co + 1 * cs);
        c11.add(FloatVector.fromArray(S, c, co + 1 * cs + L)).intoArray(c, co + 1 * cs + L);
        c20.add(FloatVector.fromArray(S, c, co + 2 * cs)).intoArray(c, co + 2 * cs);
        c21.add(FloatVector.fromArray(S, c, co + 2 * cs + L)).intoArray(c, co + 2 * cs + L);
        c30.add(FloatVector.fromArray(S, c, co + 3 * cs)).intoArray(c, co + 3 * cs);
        c31.add(FloatVector.fromArray(S, c, co + 3 * cs + L)).intoArray(c, co + 3 * cs + L);
    }

    private static void micro6(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z,
                c01 = z,
                c10 = z,
                c11 = z,
                c20 = z,
                c21 = z,
                c30 = z,
                c31 = z,
                c40 = z,
                c41 = z,
                c50 = z,
                c51 = z;
        for (int k = 0; k < kc; k++, ao += 6, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + 1 * cs)).intoArray(c, co + 1 * cs);
        c11.add(FloatVector.fromArray(S, c, co + 1 * cs + L)).intoArray(c, co + 1 * cs + L);
        c20.add(FloatVector.fromArray(S, c, co + 2 * cs)).intoArray(c, co + 2 * cs);
        c21.add(FloatVector.fromArray(S, c, co + 2 * cs + L)).intoArray(c, co + 2 * cs + L);
        c30.add(FloatVector.fromArray(S, c, co + 3 * cs)).intoArray(c, co + 3 * cs);
        c31.add(FloatVector.fromArray(S, c, co + 3 * cs + L)).intoArray(c, co + 3 * cs + L);
        c40.add(FloatVector.fromArray(S, c, co + 4 * cs)).intoArray(c, co + 4 * cs);
        c41.add(FloatVector.fromArray(S, c, co + 4 * cs + L)).intoArray(c, co + 4 * cs + L);
        c50.add(FloatVector.fromArray(S, c, co + 5 * cs)).intoArray(c, co + 5 * cs);
        c51.add(FloatVector.fromArray(S, c, co + 5 * cs + L)).intoArray(c, co + 5 * cs + L);
    }

    private static void micro8(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z,
                c01 = z,
                c10 = z,
                c11 = z,
                c20 = z,
                c21 = z,
                c30 = z,
                c31 = z,
                c40 = z,
                c41 = z,
                c50 = z,
                c51 = z,
                c60 = z,
                c61 = z,
                c70 = z,
                c71 = z;
        for (int k = 0; k < kc; k++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + 1 * cs)).intoArray(c, co + 1 * cs);
        c11.add(FloatVector.fromArray(S, c, co + 1 * cs + L)).intoArray(c, co + 1 * cs + L);
        c20.add(FloatVector.fromArray(S, c, co + 2 * cs)).intoArray(c, co + 2 * cs);
        c21.add(FloatVector.fromArray(S, c, co + 2 * cs + L)).intoArray(c, co + 2 * cs + L);
        c30.add(FloatVector.fromArray(S, c, co + 3 * cs)).intoArray(c, co + 3 * cs);
        c31.add(FloatVector.fromArray(S, c, co + 3 * cs + L)).intoArray(c, co + 3 * cs + L);
        c40.add(FloatVector.fromArray(S, c, co + 4 * cs)).intoArray(c, co + 4 * cs);
        c41.add(FloatVector.fromArray(S, c, co + 4 * cs + L)).intoArray(c, co + 4 * cs + L);
        c50.add(FloatVector.fromArray(S, c, co + 5 * cs)).intoArray(c, co + 5 * cs);
        c51.add(FloatVector.fromArray(S, c, co + 5 * cs + L)).intoArray(c, co + 5 * cs + L);
        c60.add(FloatVector.fromArray(S, c, co + 6 * cs)).intoArray(c, co + 6 * cs);
        c61.add(FloatVector.fromArray(S, c, co + 6 * cs + L)).intoArray(c, co + 6 * cs + L);
        c70.add(FloatVector.fromArray(S, c, co + 7 * cs)).intoArray(c, co + 7 * cs);
        c71.add(FloatVector.fromArray(S, c, co + 7 * cs + L)).intoArray(c, co + 7 * cs + L);
    }

    private static void micro12(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z,
                c01 = z,
                c10 = z,
                c11 = z,
                c20 = z,
                c21 = z,
                c30 = z,
                c31 = z,
                c40 = z,
                c41 = z,
                c50 = z,
                c51 = z,
                c60 = z,
                c61 = z,
                c70 = z,
                c71 = z,
                c80 = z,
                c81 = z,
                c90 = z,
                c91 = z,
                c100 = z,
                c101 = z,
                c110 = z,
                c111 = z;
        for (int k = 0; k < kc; k++, ao += 12, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
            FloatVector x8 = FloatVector.broadcast(S, a[ao + 8]);
            c80 = x8.fma(b0, c80);
            c81 = x8.fma(b1, c81);
            FloatVector x9 = FloatVector.broadcast(S, a[ao + 9]);
            c90 = x9.fma(b0, c90);
            c91 = x9.fma(b1, c91);
            FloatVector x10 = FloatVector.broadcast(S, a[ao + 10]);
            c100 = x10.fma(b0, c100);
            c101 = x10.fma(b1, c101);
            FloatVector x11 = FloatVector.broadcast(S, a[ao + 11]);
            c110 = x11.fma(b0, c110);
            c111 = x11.fma(b1, c111);
        }
        c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
        c01.add(FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
        c10.add(FloatVector.fromArray(S, c, co + 1 * cs)).intoArray(c, co + 1 * cs);
        c11.add(FloatVector.fromArray(S, c, co + 1 * cs + L)).intoArray(c, co + 1 * cs + L);
        c20.add(FloatVector.fromArray(S, c, co + 2 * cs)).intoArray(c, co + 2 * cs);
        c21.add(FloatVector.fromArray(S, c, co + 2 * cs + L)).intoArray(c, co + 2 * cs + L);
        c30.add(FloatVector.fromArray(S, c, co + 3 * cs)).intoArray(c, co + 3 * cs);
        c31.add(FloatVector.fromArray(S, c, co + 3 * cs + L)).intoArray(c, co + 3 * cs + L);
        c40.add(FloatVector.fromArray(S, c, co + 4 * cs)).intoArray(c, co + 4 * cs);
        c41.add(FloatVector.fromArray(S, c, co + 4 * cs + L)).intoArray(c, co + 4 * cs + L);
        c50.add(FloatVector.fromArray(S, c, co + 5 * cs)).intoArray(c, co + 5 * cs);
        c51.add(FloatVector.fromArray(S, c, co + 5 * cs + L)).intoArray(c, co + 5 * cs + L);
        c60.add(FloatVector.fromArray(S, c, co + 6 * cs)).intoArray(c, co + 6 * cs);
        c61.add(FloatVector.fromArray(S, c, co + 6 * cs + L)).intoArray(c, co + 6 * cs + L);
        c70.add(FloatVector.fromArray(S, c, co + 7 * cs)).intoArray(c, co + 7 * cs);
        c71.add(FloatVector.fromArray(S, c, co + 7 * cs + L)).intoArray(c, co + 7 * cs + L);
        c80.add(FloatVector.fromArray(S, c, co + 8 * cs)).intoArray(c, co + 8 * cs);
        c81.add(FloatVector.fromArray(S, c, co + 8 * cs + L)).intoArray(c, co + 8 * cs + L);
        c90.add(FloatVector.fromArray(S, c, co + 9 * cs)).intoArray(c, co + 9 * cs);
        c91.add(FloatVector.fromArray(S, c, co + 9 * cs + L)).intoArray(c, co + 9 * cs + L);
        c100.add(FloatVector.fromArray(S, c, co + 10 * cs)).intoArray(c, co + 10 * cs);
        c101.add(FloatVector.fromArray(S, c, co + 10 * cs + L)).intoArray(c, co + 10 * cs + L);
        c110.add(FloatVector.fromArray(S, c, co + 11 * cs)).intoArray(c, co + 11 * cs);
        c111.add(FloatVector.fromArray(S, c, co + 11 * cs + L)).intoArray(c, co + 11 * cs + L);
    }
}
