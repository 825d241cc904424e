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
 */
final class Int8ScanCopy {
    private static final Kernels KERNELS = Kernels.best();

    private final int dim;
    /** [n, dim] codes, row o for ord o. */
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
        return n * dim <= Integer.MAX_VALUE - 16;
    }

    /** Quantises every vector of a segment (its float vector values, read once). */
    static Int8ScanCopy of(FloatVectorValues fv) throws IOException {
        int n = fv.size(), dim = fv.dimension();
        if (!fits(n, dim)) throw new IllegalArgumentException("segment too large for an int8 copy: " + n + " x " + dim);
        byte[] codes = new byte[n * dim];
        float[] scale = new float[n], bound = new float[n];
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
                codes[o * dim + i] = (byte) c;
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

    /** out[j] = s·(q_j·c) for ord {@code ord}: the scores up to ± {@link #bound}·|q_j|. */
    void approximate(float[][] queries, int ord, float[] out) {
        KERNELS.dotsInt8(queries, codes, ord * dim, dim, out);
        float s = scale[ord];
        for (int j = 0; j < queries.length; j++) out[j] *= s;
    }

    /** The largest possible |q·v − approximate(q, ord)| for a unit q. */
    float bound(int ord) {
        return bound[ord];
    }

    /** Heap bytes held. */
    long bytes() {
        return (long) codes.length + 12L * docs.length;
    }
}
