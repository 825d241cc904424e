package io.clip4j.search;

import io.clip4j.kernels.Kernels;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;

/**
 * An in-memory int8 copy of one segment's unit vectors, for the exact scan: a quarter of the float vectors'
 * memory traffic (512 bytes instead of 2 KB per 512-d vector), read from the heap instead of copied out of the
 * memory-mapped index vector by vector.
 *
 * <p>Vector v (ord o) is stored as codes c = round(v / s) with s = max|v_i| / 127 (ggml's q8_0 rule over the whole
 * vector), so v = s·c + r with a residual r. For a query q the scan computes s·(q·c); the exact score q·v differs
 * from it by q·r, and |q·r| ≤ |q|·|r| (Cauchy–Schwarz), so {@link #bound} holds |r| (rounded up) plus the float
 * summation error of the dot product (≤ dim·2⁻²³ for |q|, |s·c| ≈ 1). Candidates are then re-scored exactly,
 * so the ranking is the exact one (see {@link BoundedTopK}).
 *
 * <p>The codes are stored in blocks of {@link Kernels#INT8_BLOCK} vectors, each block dimension-major (for each
 * dimension, the 16 vectors' codes side by side), so that the scan scores a block with no horizontal sums
 * ({@link Kernels#dotsInt8Blocks}); the last block is padded with zero codes and scale 0.
 */
final class Int8ScanCopy {
    private static final Kernels KERNELS = Kernels.best();

    private final int dim;
    /** [blocks][dim][INT8_BLOCK] codes: ord o is lane o % 16 of block o / 16. */
    private final byte[] codes;

    private final float[] scale;
    private final float[] bound;
    /** The segment's document of each ord. */
    private final int[] docs;

    private Int8ScanCopy(int dim, byte[] codes, float[] scale, float[] bound, int[] docs) {
        this.dim = dim;
        this.codes = codes;
        this.scale = scale;
        this.bound = bound;
        this.docs = docs;
    }

    /** Whether a segment of {@code n} vectors of {@code dim} fits one array. */
    static boolean fits(long n, int dim) {
        return blocksFor(n) * Kernels.INT8_BLOCK * dim <= Integer.MAX_VALUE - 16;
    }

    private static long blocksFor(long n) {
        return (n + Kernels.INT8_BLOCK - 1) / Kernels.INT8_BLOCK;
    }

    /** Quantises every vector of a segment (its float vector values, read once). */
    static Int8ScanCopy of(FloatVectorValues fv) throws IOException {
        int n = fv.size(), dim = fv.dimension();
        if (!fits(n, dim)) throw new IllegalArgumentException("segment too large for an int8 copy: " + n + " x " + dim);
        int block = Kernels.INT8_BLOCK, padded = (int) blocksFor(n) * block;
        byte[] codes = new byte[padded * dim];
        float[] scale = new float[padded], bound = new float[n];
        int[] docs = new int[n];
        float rounding = dim * 0x1p-23f;
        KnnVectorValues.DocIndexIterator it = fv.iterator();
        for (int doc = it.nextDoc(); doc != KnnVectorValues.DocIndexIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            int o = it.index();
            docs[o] = doc;
            float[] v = fv.vectorValue(o);
            float amax = 0f;
            for (float x : v) amax = Math.max(amax, Math.abs(x));
            float s = amax / 127f;
            double residual = 0;
            for (int i = 0; i < dim; i++) {
                int c = s == 0f ? 0 : Math.round(v[i] / s);
                c = Math.max(-127, Math.min(127, c));
                codes[(o / block * dim + i) * block + o % block] = (byte) c;
                double r = v[i] - (double) s * c;
                residual += r * r;
            }
            scale[o] = s;
            bound[o] = Math.nextUp((float) Math.sqrt(residual)) + rounding;
        }
        return new Int8ScanCopy(dim, codes, scale, bound, docs);
    }

    int size() {
        return docs.length;
    }

    int doc(int ord) {
        return docs[ord];
    }

    /** Number of blocks (the last may be partly padding: ords up to {@link #size()} only). */
    int blocks() {
        return (int) blocksFor(docs.length);
    }

    /**
     * Approximate scores of the {@code count} blocks from {@code block} on: out[j * count * 16 + i] = s·(q_j·c) for
     * ord block * 16 + i, within ± {@link #bound}·|q_j| of the exact score (0 for padding lanes).
     */
    void approximate(float[][] queries, int block, int count, float[] out) {
        int span = count * Kernels.INT8_BLOCK, first = block * Kernels.INT8_BLOCK;
        KERNELS.dotsInt8Blocks(queries, codes, first * dim, dim, count, out);
        for (int j = 0; j < queries.length; j++) {
            for (int i = 0; i < span; i++) out[j * span + i] *= scale[first + i];
        }
    }

    /** The largest possible |q·v − approximate(q, ord)| for a unit q. */
    float bound(int ord) {
        return bound[ord];
    }

    /** Heap bytes held. */
    long bytes() {
        return (long) codes.length + 4L * scale.length + 8L * docs.length;
    }
}
