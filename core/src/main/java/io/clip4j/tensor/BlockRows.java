package io.clip4j.tensor;

/**
 * A [rows, cols] float matrix kept in a compact block form (block-quantised weights, see io.clip4j.quant) and widened
 * to floats a row at a time, so that nothing but the blocks themselves need stay in memory.
 */
public interface BlockRows {
    int rows();

    int cols();

    /** Row {@code r} widened into {@code dst[0, cols)}. */
    void row(int r, float[] dst);

    /** The element at row {@code r}, column {@code c}. */
    float get(int r, int c);

    /** The scheme as named in the file, e.g. "q8_0/32". */
    String scheme();

    /** Bytes as stored: the integers and the scales. */
    long storedBytes();

    /** The flat index (r * cols + c) of the first non-finite value (a NaN or infinite scale), or -1. */
    long firstNonFinite();

    /** Advisory: the stored bytes will not be read again soon (they may leave this process's resident set). */
    void release();
}
