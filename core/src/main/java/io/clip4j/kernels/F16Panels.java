package io.clip4j.kernels;

/**
 * IEEE fp16 panels (rounded to nearest even from the stored values): half the memory and memory traffic of
 * float32. A block's kc x nr slices are widened once per K block and then read by every row block.
 */
final class F16Panels implements Panels {
    private final short[] h;
    private final int in, nr;

    private F16Panels(short[] h, int in, int nr) {
        this.h = h;
        this.in = in;
        this.nr = nr;
    }

    static F16Panels pack(Matrix w, int nr) {
        short[] h = new short[w.panelSize(nr)];
        w.forEachRow(nr, (row, base) -> {
            for (int k = 0; k < row.length; k++) h[base + k * nr] = Float.floatToFloat16(row[k]);
        });
        return new F16Panels(h, w.in(), nr);
    }

    @Override
    public int room(int panels, int kc) {
        return panels * kc * nr;
    }

    @Override
    public float[] slices(int p0, int p1, int kb, int kc, float[] room) {
        for (int p = p0; p < p1; p++) VectorGemm.widenHalf(h, (p * in + kb) * nr, room, (p - p0) * kc * nr, kc * nr);
        return room;
    }

    @Override
    public int offset(int panel, int p0, int kb, int kc) {
        return (panel - p0) * kc * nr;
    }

    @Override
    public long bytes() {
        return 2L * h.length;
    }
}
