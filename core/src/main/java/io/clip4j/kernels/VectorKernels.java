package io.clip4j.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. The species is the widest the CPU prefers (8 floats on AVX2, 16 on AVX-512); every
 * kernel has a scalar tail so any size works. {@link #linear} is the blocked GEMM of {@link VectorGemm}.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
    /** As many bytes as S has floats (16 bytes = 128 bits on AVX-512), widened lane for lane by B2F. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));

    private final ScalarKernels scalar = new ScalarKernels();

    public static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + L + " floats)";
    }

    @Override
    public void linear(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff) {
        VectorGemm.linear(x, xOff, rows, w.in(), w, bias, y, yOff, w.out(), false, Activation.NONE);
    }

    @Override
    public void linearActivated(
            float[] x, int xOff, int rows, Matrix w, float[] bias, Activation act, float[] y, int yOff) {
        VectorGemm.linear(x, xOff, rows, w.in(), w, bias, y, yOff, w.out(), false, act);
    }

    @Override
    public void linearAdd(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff) {
        VectorGemm.linear(x, xOff, rows, w.in(), w, bias, y, yOff, w.out(), true, Activation.NONE);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L)
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        float s = VectorMath.sum(acc);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /**
     * The range is cut into units of L lanes (one per block on AVX-512, two on AVX2). Four queries run against one
     * unit at a time, each widened code vector feeding four FMA chains; two queries left over run against two units
     * at a time, and a last single query against four units at a time, so that there are still four independent
     * chains to hide the FMA latency (one chain of 512 dependent FMAs would stall on every step) and the widening
     * of the codes (the scan's bottleneck with fewer than four queries) is shared where it can be.
     */
    @Override
    public void dotsInt8Blocks(float[][] queries, byte[] codes, int off, int dim, int blocks, float[] out) {
        int m = queries.length, perBlock = INT8_BLOCK / L, units = blocks * perBlock, span = blocks * INT8_BLOCK;
        int j = 0;
        for (; j + 4 <= m; j += 4) {
            for (int u = 0; u < units; u++) {
                block4Int8(
                        queries[j],
                        queries[j + 1],
                        queries[j + 2],
                        queries[j + 3],
                        codes,
                        unitCodes(off, dim, u, perBlock),
                        dim,
                        out,
                        j * span + unitOut(u, perBlock),
                        span);
            }
        }
        if (j + 2 <= m) {
            int u = 0, o = j * span;
            for (; u + 2 <= units; u += 2)
                pair2Int8(queries[j], queries[j + 1], codes, off, dim, u, perBlock, out, o, span);
            for (; u < units; u++) {
                int c = unitCodes(off, dim, u, perBlock), uo = o + unitOut(u, perBlock);
                unit1Int8(queries[j], codes, c, dim, out, uo);
                unit1Int8(queries[j + 1], codes, c, dim, out, uo + span);
            }
            j += 2;
        }
        for (; j < m; j++) {
            int u = 0, o = j * span;
            for (; u + 4 <= units; u += 4) units4Int8(queries[j], codes, off, dim, u, perBlock, out, o);
            for (; u < units; u++)
                unit1Int8(queries[j], codes, unitCodes(off, dim, u, perBlock), dim, out, o + unitOut(u, perBlock));
        }
    }

    private static int unitCodes(int off, int dim, int u, int perBlock) {
        return off + (u / perBlock) * dim * INT8_BLOCK + (u % perBlock) * L;
    }

    private static int unitOut(int u, int perBlock) {
        return (u / perBlock) * INT8_BLOCK + (u % perBlock) * L;
    }

    private static FloatVector widen(byte[] codes, int off) {
        return (FloatVector) ByteVector.fromArray(B, codes, off).convertShape(VectorOperators.B2F, S, 0);
    }

    /** Four queries against one unit; query r's lanes go to out[o + r * span]. */
    private static void block4Int8(
            float[] q0,
            float[] q1,
            float[] q2,
            float[] q3,
            byte[] codes,
            int c0,
            int dim,
            float[] out,
            int o,
            int span) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0, c = c0; d < dim; d++, c += INT8_BLOCK) {
            FloatVector v = widen(codes, c);
            a0 = v.fma(FloatVector.broadcast(S, q0[d]), a0);
            a1 = v.fma(FloatVector.broadcast(S, q1[d]), a1);
            a2 = v.fma(FloatVector.broadcast(S, q2[d]), a2);
            a3 = v.fma(FloatVector.broadcast(S, q3[d]), a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + span);
        a2.intoArray(out, o + 2 * span);
        a3.intoArray(out, o + 3 * span);
    }

    /** Two queries against units u and u+1: four chains, each widened code vector used twice. */
    private static void pair2Int8(
            float[] q0, float[] q1, byte[] codes, int off, int dim, int u, int perBlock, float[] out, int o, int span) {
        int c0 = unitCodes(off, dim, u, perBlock), c1 = unitCodes(off, dim, u + 1, perBlock);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        for (int d = 0, step = 0; d < dim; d++, step += INT8_BLOCK) {
            FloatVector x0 = FloatVector.broadcast(S, q0[d]), x1 = FloatVector.broadcast(S, q1[d]);
            FloatVector v = widen(codes, c0 + step), w = widen(codes, c1 + step);
            a0 = v.fma(x0, a0);
            a1 = v.fma(x1, a1);
            b0 = w.fma(x0, b0);
            b1 = w.fma(x1, b1);
        }
        int o0 = o + unitOut(u, perBlock), o1 = o + unitOut(u + 1, perBlock);
        a0.intoArray(out, o0);
        a1.intoArray(out, o0 + span);
        b0.intoArray(out, o1);
        b1.intoArray(out, o1 + span);
    }

    /** One query against units u .. u+3: four chains, one per unit. */
    private static void units4Int8(float[] q, byte[] codes, int off, int dim, int u, int perBlock, float[] out, int o) {
        int c0 = unitCodes(off, dim, u, perBlock), c1 = unitCodes(off, dim, u + 1, perBlock);
        int c2 = unitCodes(off, dim, u + 2, perBlock), c3 = unitCodes(off, dim, u + 3, perBlock);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0, step = 0; d < dim; d++, step += INT8_BLOCK) {
            FloatVector x = FloatVector.broadcast(S, q[d]);
            a0 = widen(codes, c0 + step).fma(x, a0);
            a1 = widen(codes, c1 + step).fma(x, a1);
            a2 = widen(codes, c2 + step).fma(x, a2);
            a3 = widen(codes, c3 + step).fma(x, a3);
        }
        a0.intoArray(out, o + unitOut(u, perBlock));
        a1.intoArray(out, o + unitOut(u + 1, perBlock));
        a2.intoArray(out, o + unitOut(u + 2, perBlock));
        a3.intoArray(out, o + unitOut(u + 3, perBlock));
    }

    private static void unit1Int8(float[] q, byte[] codes, int c0, int dim, float[] out, int o) {
        FloatVector a = FloatVector.zero(S);
        for (int d = 0, c = c0; d < dim; d++, c += INT8_BLOCK)
            a = widen(codes, c).fma(FloatVector.broadcast(S, q[d]), a);
        a.intoArray(out, o);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i)
                    .fma(av, FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void weightedSum(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int oOff, int len) {
        weightedSumAt(p, 0, n, v, vOff, vStride, out, oOff, len);
    }

    /** weightedSum with the coefficients at p[pOff, pOff + n) (one row of {@link #weightedSums}'s P). */
    private void weightedSumAt(
            float[] p, int pOff, int n, float[] v, int vOff, int vStride, float[] out, int oOff, int len) {
        int d = 0;
        // four vectors of output per pass over the rows (a 64-wide head on AVX-512 in one pass), kept in registers
        for (; d + 4 * L <= len; d += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0, o = vOff + d; j < n; j++, o += vStride) {
                FloatVector w = FloatVector.broadcast(S, p[pOff + j]);
                a0 = FloatVector.fromArray(S, v, o).fma(w, a0);
                a1 = FloatVector.fromArray(S, v, o + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, v, o + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, v, o + 3 * L).fma(w, a3);
            }
            a0.intoArray(out, oOff + d);
            a1.intoArray(out, oOff + d + L);
            a2.intoArray(out, oOff + d + 2 * L);
            a3.intoArray(out, oOff + d + 3 * L);
        }
        for (; d + L <= len; d += L) {
            FloatVector a = FloatVector.zero(S);
            for (int j = 0, o = vOff + d; j < n; j++, o += vStride)
                a = FloatVector.fromArray(S, v, o).fma(FloatVector.broadcast(S, p[pOff + j]), a);
            a.intoArray(out, oOff + d);
        }
        // the scalar tail, summed as the scalar reference sums it (not fused): one coefficient row of its weightedSums
        if (d < len) scalar.weightedSums(p, pOff, n, 1, n, v, vOff + d, vStride, out, oOff + d, len - d, len - d);
    }

    @Override
    public void weightedSums(
            float[] p,
            int pOff,
            int pStride,
            int rows,
            int n,
            float[] v,
            int vOff,
            int vStride,
            float[] out,
            int oOff,
            int oStride,
            int len) {
        int r = 0;
        // four rows x two vectors of output: 8 accumulators, each load of v feeds four fmas
        for (; r + 4 <= rows; r += 4) {
            int p0 = pOff + r * pStride, p1 = p0 + pStride, p2 = p1 + pStride, p3 = p2 + pStride;
            int o0 = oOff + r * oStride, o1 = o0 + oStride, o2 = o1 + oStride, o3 = o2 + oStride;
            int d = 0;
            for (; d + 2 * L <= len; d += 2 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0;
                for (int j = 0, o = vOff + d; j < n; j++, o += vStride) {
                    FloatVector x0 = FloatVector.fromArray(S, v, o), x1 = FloatVector.fromArray(S, v, o + L);
                    FloatVector w = FloatVector.broadcast(S, p[p0 + j]);
                    a0 = x0.fma(w, a0);
                    a1 = x1.fma(w, a1);
                    w = FloatVector.broadcast(S, p[p1 + j]);
                    b0 = x0.fma(w, b0);
                    b1 = x1.fma(w, b1);
                    w = FloatVector.broadcast(S, p[p2 + j]);
                    c0 = x0.fma(w, c0);
                    c1 = x1.fma(w, c1);
                    w = FloatVector.broadcast(S, p[p3 + j]);
                    e0 = x0.fma(w, e0);
                    e1 = x1.fma(w, e1);
                }
                a0.intoArray(out, o0 + d);
                a1.intoArray(out, o0 + d + L);
                b0.intoArray(out, o1 + d);
                b1.intoArray(out, o1 + d + L);
                c0.intoArray(out, o2 + d);
                c1.intoArray(out, o2 + d + L);
                e0.intoArray(out, o3 + d);
                e1.intoArray(out, o3 + d + L);
            }
            if (d < len) {
                for (int q = 0; q < 4; q++)
                    weightedSumAt(p, p0 + q * pStride, n, v, vOff + d, vStride, out, o0 + q * oStride + d, len - d);
            }
        }
        for (; r < rows; r++) weightedSumAt(p, pOff + r * pStride, n, v, vOff, vStride, out, oOff + r * oStride, len);
    }

    @Override
    public void layerNorm(
            float[] x, int xOff, float[] y, int yOff, int rows, int width, float[] gamma, float[] beta, float eps) {
        // rows are independent: split them across the pool when there is enough work to pay for it
        if ((long) rows * width >= 1 << 16) {
            Parallel.forRange(
                    rows,
                    Math.max(1, 16384 / width),
                    (r0, r1) -> layerNormRows(x, xOff, y, yOff, r0, r1, width, gamma, beta, eps));
        } else {
            layerNormRows(x, xOff, y, yOff, 0, rows, width, gamma, beta, eps);
        }
    }

    private static void layerNormRows(
            float[] x,
            int xOff,
            float[] y,
            int yOff,
            int r0,
            int r1,
            int width,
            float[] gamma,
            float[] beta,
            float eps) {
        int bound = S.loopBound(width);
        for (int r = r0; r < r1; r++) {
            int base = xOff + r * width, ob = yOff + r * width;
            // two passes (mean, then centred squares) in float lanes: as accurate as PyTorch's own reduction
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, x, base + i));
            double sum = VectorMath.sum(acc);
            for (; i < width; i++) sum += x[base + i];
            float mean = (float) (sum / width);
            FloatVector mv = FloatVector.broadcast(S, mean);
            acc = FloatVector.zero(S);
            for (i = 0; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, base + i).sub(mv);
                acc = d.fma(d, acc);
            }
            double sq = VectorMath.sum(acc);
            for (; i < width; i++) {
                double d = x[base + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / width + eps));
            FloatVector iv = FloatVector.broadcast(S, inv);
            for (i = 0; i < bound; i += L) {
                FloatVector.fromArray(S, x, base + i)
                        .sub(mv)
                        .mul(iv)
                        .fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
                        .intoArray(y, ob + i);
            }
            for (; i < width; i++) y[ob + i] = (x[base + i] - mean) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public void quickGelu(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f), k = FloatVector.broadcast(S, -1.702f);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.div(VectorMath.exp(v.mul(k)).add(one)).intoArray(x, off + i);
        }
        if (i < n) scalar.quickGelu(x, off + i, n - i);
    }

    @Override
    public void quickGeluBackward(float[] x, float[] dy, float[] dx, int off, int n) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f),
                k = FloatVector.broadcast(S, -1.702f),
                a = FloatVector.broadcast(S, 1.702f);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector sig = one.div(VectorMath.exp(v.mul(k)).add(one));
            // s + 1.702 v s (1 - s)
            FloatVector d = a.mul(v).mul(sig).mul(one.sub(sig)).add(sig);
            FloatVector.fromArray(S, dy, off + i).mul(d).intoArray(dx, off + i);
        }
        if (i < n) scalar.quickGeluBackward(x, dy, dx, off + i, n - i);
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        // in float, as PyTorch's CPU kernel computes it: x/2 · (1 + erf(x/√2)); the tail by the scalar twins of
        // the same operations, so that an element's bits do not depend on where it falls
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            VectorMath.erf(v.mul(INV_SQRT2)).add(1f).mul(v.mul(0.5f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = (VectorMath.erf(v * INV_SQRT2) + 1f) * (v * 0.5f);
        }
    }

    @Override
    public void geluBackward(float[] x, float[] dy, float[] dx, int off, int n) {
        // g'(v) = (1 + erf(v/√2))/2 + v · exp(-v²/2)/√(2π)
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector cdf = VectorMath.erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, dy, off + i).mul(v.fma(pdf, cdf)).intoArray(dx, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            float cdf = (VectorMath.erf(v * INV_SQRT2) + 1f) * 0.5f;
            float pdf = VectorMath.exp(v * v * -0.5f) * INV_SQRT_2PI;
            dx[off + i] = dy[off + i] * Math.fma(v, pdf, cdf);
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += L) m = m.max(FloatVector.fromArray(S, x, off + i));
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector mv = FloatVector.broadcast(S, max), sv = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + i).sub(mv));
            e.intoArray(x, off + i);
            sv = sv.add(e);
        }
        float sum = VectorMath.sum(sv);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        FloatVector inv = FloatVector.broadcast(S, 1f / sum);
        for (i = 0; i < bound; i += L)
            FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= 1f / sum;
    }
}
