package io.clip4j.model;

import io.clip4j.kernels.Matrix;

/** Turns an x @ P projection [in, out] into nn.Linear layout [out, in] (projections are small: W x E). */
final class Transpose {
    private Transpose() {}

    static Matrix of(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        }
        return Matrix.of(t, cols, rows);
    }
}
