package io.clip4j.kernels;

/** float32 panels: the GEMM reads them in place. */
final class F32Panels implements Panels {
    private final float[] p;
    private final int in, nr;

    /** Over panels already laid out (see {@link Panels}) for a K of {@code in}. */
    F32Panels(float[] panels, int in, int nr) {
        this.p = panels;
        this.in = in;
        this.nr = nr;
    }

    static F32Panels pack(Matrix w, int nr) {
        float[] p = new float[w.panelSize(nr)];
        w.forEachRow(nr, (row, base) -> {
            for (int k = 0; k < row.length; k++) p[base + k * nr] = row[k];
        });
        return new F32Panels(p, w.in(), nr);
    }

    @Override
    public int room(int panels, int kc) {
        return 0;
    }

    @Override
    public float[] slices(int p0, int p1, int kb, int kc, float[] room) {
        return p;
    }

    @Override
    public int offset(int panel, int p0, int kb, int kc) {
        return (panel * in + kb) * nr;
    }

    @Override
    public long bytes() {
        return 4L * p.length;
    }
}
