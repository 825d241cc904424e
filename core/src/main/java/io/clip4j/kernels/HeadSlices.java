package io.clip4j.kernels;

/**
 * Copies of one attention head's slice of packed qkv rows [q | k | v] (each row {@code stride} floats apart, the head
 * {@code cols} = headDim floats of it), in the layouts the weighted-sum kernels read: the keys or values transposed
 * [headDim][rows] so that a row of scores is one vector-times-matrix product, and the queries pre-scaled by 1/√d.
 * The inference blocks and the training attention share them.
 */
public final class HeadSlices {
    private HeadSlices() {}

    /** dst[d * dstStride + j] = src[off + j * stride + d] for j < rows, d < cols. */
    public static void transpose(float[] src, int off, int stride, int rows, int cols, float[] dst, int dstStride) {
        for (int j = 0; j < rows; j++) {
            int o = off + j * stride;
            for (int d = 0; d < cols; d++) dst[d * dstStride + j] = src[o + d];
        }
    }

    /** dst[i * cols + d] = src[off + i * stride + d] · scale for i < rows, d < cols (the queries, times 1/√d). */
    public static void scaled(float[] src, int off, int stride, int rows, int cols, float scale, float[] dst) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * stride;
            for (int d = 0; d < cols; d++) dst[i * cols + d] = src[o + d] * scale;
        }
    }
}
