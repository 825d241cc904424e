package io.clip4j.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A weight matrix W [out, in] in PyTorch's nn.Linear layout, as float32 little-endian (often a slice of a
 * memory-mapped file). Kernels may ask for other layouts of it (the vector GEMM's column panels), which are
 * built once on first use and cached here, so that loading a model stays cheap.
 */
public final class Matrix {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment rowMajor;
    private final int out, in;
    private final ConcurrentHashMap<Integer, float[]> panels = new ConcurrentHashMap<>(2);

    public Matrix(MemorySegment rowMajor, int out, int in) {
        if (out < 1 || in < 1) throw new IllegalArgumentException("matrix shape [" + out + ", " + in + "]");
        if (rowMajor.byteSize() != (long) out * in * 4) {
            throw new IllegalArgumentException("matrix [" + out + ", " + in + "] needs " + (long) out * in * 4 + " bytes, got "
                    + rowMajor.byteSize());
        }
        this.rowMajor = rowMajor;
        this.out = out;
        this.in = in;
    }

    public static Matrix of(float[] rowMajor, int out, int in) {
        return new Matrix(MemorySegment.ofArray(rowMajor), out, in);
    }

    public int out() { return out; }
    public int in() { return in; }

    /** The [out, in] float32 bytes. */
    public MemorySegment rowMajor() { return rowMajor; }

    public float get(int o, int i) {
        return rowMajor.getAtIndex(F32, (long) o * in + i);
    }

    /**
     * Column panels of width {@code nr}: panel p holds W[p*nr + j][k] at [(p*in + k)*nr + j], output columns past
     * {@code out} zero. The GEMM micro-kernel then reads nr consecutive floats per k.
     */
    float[] panels(int nr) {
        float[] p = panels.get(nr);
        if (p != null) return p;
        return panels.computeIfAbsent(nr, this::pack);
    }

    private float[] pack(int nr) {
        int count = (out + nr - 1) / nr;
        long size = (long) count * in * nr;
        if (size > Integer.MAX_VALUE - 16) throw new IllegalStateException("matrix too large to pack: [" + out + ", " + in + "]");
        float[] p = new float[(int) size];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            MemorySegment.copy(rowMajor, F32, (long) o * in * 4, row, 0, in);
            int base = (o / nr) * in * nr + (o % nr);
            for (int k = 0; k < in; k++) p[base + k * nr] = row[k];
        }
        return p;
    }
}
