package io.clip4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ResNet's feature maps, kept between images and calls. A forward pass over one image asks for the same
 * sequence of array sizes every time, so the i-th request of a pass gets the array the i-th request of the last
 * pass got (a new one only when the size differs): no garbage per image. Left to the collector, a ResNet-50
 * image makes ~140 MB of short-lived maps, and a small young generation then promotes them to the old one
 * (measured: peak RSS 4 GB at half the images/s). The im2col matrix, dead as soon as its product is taken, is one
 * shared array.
 */
final class FeatureBuffers {
    private final ArrayList<float[]> arrays = new ArrayList<>();
    private int next;
    private float[] cols = new float[0];

    /** Starts a pass: requests are matched to the last pass's from the first again. */
    void restart() {
        next = 0;
    }

    /** An array of exactly n floats, distinct from every other array of this pass; its contents are stale. */
    float[] take(int n) {
        if (next < arrays.size() && arrays.get(next).length == n) return arrays.get(next++);
        float[] a = new float[n];
        if (next < arrays.size()) arrays.set(next, a);
        else arrays.add(a);
        next++;
        return a;
    }

    /** {@link #take} filled with zeros. */
    float[] zeroed(int n) {
        float[] a = take(n);
        Arrays.fill(a, 0f);
        return a;
    }

    /** The shared im2col matrix, its first n floats zero (padding positions are never written). */
    float[] cols(int n) {
        if (cols.length < n) cols = new float[n];
        else Arrays.fill(cols, 0, n, 0f);
        return cols;
    }

    /** One set kept per model; a call that finds it taken (a concurrent call) makes its own. */
    static final class Slot {
        private final AtomicReference<FeatureBuffers> slot = new AtomicReference<>();

        FeatureBuffers take() {
            FeatureBuffers b = slot.getAndSet(null);
            return b != null ? b : new FeatureBuffers();
        }

        void giveBack(FeatureBuffers b) {
            slot.set(b);
        }
    }
}
