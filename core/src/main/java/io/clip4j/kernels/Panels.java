package io.clip4j.kernels;

/**
 * A weight matrix W [out, in] packed for {@link VectorGemm} as column panels of width nr, in one number format: panel
 * p holds W[p*nr + j][k] at element (p*in + k)*nr + j (columns past {@code out} are zero). The GEMM reads a block of
 * panels one K block at a time, as floats; a format stored narrower widens that block into scratch room first.
 * One class per format ({@link F32Panels}, {@link F16Panels}); {@link PanelFormat} builds them.
 */
interface Panels {
    /** Floats of scratch room {@link #slices} needs for {@code panels} panels of a kc-long K block (0: none). */
    int room(int panels, int kc);

    /**
     * The K slices [kb, kb + kc) of panels [p0, p1) as floats, each kc x nr, k-major: the panels' own array, or
     * {@code room} (at least {@link #room} floats) filled with them. Panel p's slice starts at {@link #offset}.
     */
    float[] slices(int p0, int p1, int kb, int kc, float[] room);

    /** Where panel p's K slice [kb, kb + kc) starts in the array {@link #slices}(p0, ..) returned. */
    int offset(int p, int p0, int kb, int kc);

    /** Bytes the panels occupy. */
    long bytes();
}
