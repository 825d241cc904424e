package io.clip4j.search;

import java.util.Arrays;

/**
 * The candidates of an approximate scan for an exact top k. Each vector's score is known only within ± a bound
 * (int8 codes, or float rounding); a vector can be in the exact top k only if its upper bound reaches the k-th
 * largest lower bound seen, so every such vector is kept and everything else is dropped. Re-scoring the kept ones
 * exactly then gives the exact ranking, ties included (a vector tied with the k-th exact score has an upper bound
 * at least that score, which is at least the k-th lower bound).
 *
 * <p>Not thread-safe: one per query and scan.
 */
final class BoundedTopK {
    private final int k;
    /** Min-heap of the k largest lower bounds so far; lows[0] is the floor once full. */
    private final float[] lows;

    private int heapSize;
    private int[] docs = new int[64];
    private float[] highs = new float[64];
    private int count;

    BoundedTopK(int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        this.k = k;
        this.lows = new float[k];
    }

    /** Vectors whose upper bound is below this cannot be in the top k (−∞ until k vectors were offered). */
    float floor() {
        return heapSize < k ? Float.NEGATIVE_INFINITY : lows[0];
    }

    /** Offers a vector whose exact score lies in [approx − bound, approx + bound]. */
    void offer(int doc, float approx, float bound) {
        float high = approx + bound;
        if (high < floor()) return;
        pushLow(approx - bound);
        if (count == docs.length) compact();
        docs[count] = doc;
        highs[count++] = high;
    }

    private void pushLow(float low) {
        if (heapSize < k) {
            int i = heapSize++;
            lows[i] = low;
            while (i > 0) { // sift up
                int parent = (i - 1) >>> 1;
                if (lows[parent] <= lows[i]) break;
                swap(i, parent);
                i = parent;
            }
        } else if (low > lows[0]) {
            lows[0] = low;
            int i = 0;
            while (true) { // sift down
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < k && lows[l] < lows[m]) m = l;
                if (r < k && lows[r] < lows[m]) m = r;
                if (m == i) break;
                swap(i, m);
                i = m;
            }
        }
    }

    private void swap(int a, int b) {
        float t = lows[a];
        lows[a] = lows[b];
        lows[b] = t;
    }

    /** Drops the kept vectors the floor has since ruled out; grows when most of them still count. */
    private void compact() {
        float floor = floor();
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (highs[i] >= floor) {
                docs[kept] = docs[i];
                highs[kept++] = highs[i];
            }
        }
        count = kept;
        if (count > docs.length / 2) {
            docs = Arrays.copyOf(docs, docs.length * 2);
            highs = Arrays.copyOf(highs, highs.length * 2);
        }
    }

    /** The documents that may be in the exact top k, ascending. */
    int[] candidates() {
        compact();
        int[] out = Arrays.copyOf(docs, count);
        Arrays.sort(out);
        return out;
    }
}
