package io.clip4j.model;

import java.lang.foreign.MemorySegment;

/** Turns an x @ P projection [in, out] into nn.Linear layout [out, in] (projections are small: W x E). */
final class Transpose {
    private Transpose() {}

    static MemorySegment of(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        }
        return MemorySegment.ofArray(t);
    }
}
