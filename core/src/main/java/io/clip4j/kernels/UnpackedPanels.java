package io.clip4j.kernels;

import java.util.Arrays;

/**
 * A float matrix that changes between calls (training's weights and activations), used where it is stored: each
 * kc x nr slice is copied into panel order by the thread that needs it, just before its row blocks read it. Threads
 * own disjoint panels, so no slice is packed twice and no thread waits for another's packing; the slice is in cache
 * when the micro-kernels start. The matrix is op(B)[k, n] of C = A · op(B): B stored [k, n], or (transposed) a
 * B stored [n, k] such as nn.Linear's W[out, in].
 */
final class UnpackedPanels implements Panels {
    private final float[] b;
    private final int off, k, n, nr;
    private final boolean transposed;

    UnpackedPanels(float[] b, int off, int k, int n, boolean transposed, int nr) {
        this.b = b;
        this.off = off;
        this.k = k;
        this.n = n;
        this.transposed = transposed;
        this.nr = nr;
    }

    @Override
    public int room(int panels, int kc) {
        return panels * kc * nr;
    }

    /** Panel p's slice holds op(B)[kb + kk][p·nr + j] at (p - p0)·kc·nr + kk·nr + j; columns past n are zero. */
    @Override
    public float[] slices(int p0, int p1, int kb, int kc, float[] room) {
        for (int p = p0; p < p1; p++) {
            int col = p * nr, cols = Math.min(nr, n - col), base = (p - p0) * kc * nr;
            if (transposed) {
                for (int j = 0; j < cols; j++) {
                    for (int kk = 0, src = off + (col + j) * k + kb; kk < kc; kk++)
                        room[base + kk * nr + j] = b[src + kk];
                }
            } else {
                for (int kk = 0, src = off + kb * n + col; kk < kc; kk++, src += n) {
                    System.arraycopy(b, src, room, base + kk * nr, cols);
                }
            }
            if (cols < nr) {
                for (int kk = 0; kk < kc; kk++) Arrays.fill(room, base + kk * nr + cols, base + (kk + 1) * nr, 0f);
            }
        }
        return room;
    }

    @Override
    public int offset(int panel, int p0, int kb, int kc) {
        return (panel - p0) * kc * nr;
    }

    @Override
    public long bytes() {
        return 4L * b.length;
    }
}
