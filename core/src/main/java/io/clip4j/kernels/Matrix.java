package io.clip4j.kernels;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.BlockRows;
import io.clip4j.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A weight matrix W [out, in] in PyTorch's nn.Linear layout, over the checkpoint's own bytes: float32, float16 or
 * bfloat16, little-endian (usually a slice of a memory-mapped file, so building a Matrix copies nothing), or
 * block-quantised ({@link BlockRows}, widened a row at a time).
 *
 * <p>The vector GEMM reads W as column panels (see {@link Panels}); they are built once, on first use, from the
 * stored rows, so loading a model stays cheap. The panels are float32 ({@link F32Panels}) or, with
 * {@code halfStorage}, IEEE fp16 ({@link F16Panels}: half the memory, widened slice by slice inside the GEMM, which
 * still accumulates in fp32). Weights stored as fp16 in the checkpoint always use fp16 panels (that is lossless).
 */
public final class Matrix {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final BlockRows blocks;
    private final DType dtype;
    private final int out, in;
    private final PanelFormat format;
    private final String name;
    private volatile Panels panels;
    private int panelWidth;

    public Matrix(MemorySegment data, DType dtype, int out, int in, boolean halfStorage) {
        this(data, dtype, out, in, halfStorage, "matrix");
    }

    /** @param name for messages (the checkpoint tensor's name) */
    public Matrix(MemorySegment data, DType dtype, int out, int in, boolean halfStorage, String name) {
        if (out < 1 || in < 1) throw new IllegalArgumentException("matrix shape [" + out + ", " + in + "]");
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("matrix dtype " + dtype + " (F32, F16 or BF16 expected)");
        }
        if (data.byteSize() != (long) out * in * dtype.bytes) {
            throw new IllegalArgumentException("matrix " + dtype + "[" + out + ", " + in + "] needs "
                    + (long) out * in * dtype.bytes + " bytes, got " + data.byteSize());
        }
        this.name = name;
        this.data = data;
        this.blocks = null;
        this.dtype = dtype;
        this.out = out;
        this.in = in;
        // fp16 weights lose nothing in fp16 panels: keep them at half the memory and half the memory traffic
        this.format = halfStorage || dtype == DType.F16 ? PanelFormat.F16 : PanelFormat.F32;
    }

    /** Over block-quantised rows (dequantised into the panels when they are built). */
    public Matrix(BlockRows blocks, boolean halfStorage, String name) {
        this.name = name;
        this.data = null;
        this.blocks = blocks;
        this.dtype = DType.F32;
        this.out = blocks.rows();
        this.in = blocks.cols();
        this.format = halfStorage ? PanelFormat.F16 : PanelFormat.F32;
    }

    public Matrix(MemorySegment f32RowMajor, int out, int in) {
        this(f32RowMajor, DType.F32, out, in, false);
    }

    public static Matrix of(float[] rowMajor, int out, int in) {
        return new Matrix(MemorySegment.ofArray(rowMajor), out, in);
    }

    public int out() {
        return out;
    }

    public int in() {
        return in;
    }
    /** The stored float type (F32 for block-quantised rows, which widen to float32). */
    public DType dtype() {
        return dtype;
    }

    /** Whether the GEMM keeps this matrix as fp16 panels. */
    public boolean halfStorage() {
        return format == PanelFormat.F16;
    }

    /** W[o][i] as stored (widened to float). */
    public float get(int o, int i) {
        if (blocks != null) return blocks.get(o, i);
        long idx = (long) o * in + i;
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, idx);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, idx));
            default -> Float.intBitsToFloat((data.getAtIndex(I16, idx) & 0xffff) << 16);
        };
    }

    /** Row o, widened to float, into dst. */
    public void row(int o, float[] dst) {
        if (blocks != null) {
            blocks.row(o, dst);
        } else if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, (long) o * in * 4, dst, 0, in);
        } else {
            for (int i = 0; i < in; i++) dst[i] = get(o, i);
        }
    }

    /** The panels of width {@code nr} in this matrix's format, built on first use. */
    Panels panels(int nr) {
        Panels p = panels;
        if (p == null) {
            synchronized (this) {
                p = panels;
                if (p == null) {
                    p = format.pack(this, nr);
                    panelWidth = nr;
                    panels = p;
                    releaseSource();
                }
            }
        }
        if (panelWidth != nr) throw new IllegalStateException("panels built for width " + panelWidth + ", asked " + nr);
        return p;
    }

    /** Receives one widened row of W and the index of its first element in panels of width nr. */
    interface RowSink {
        void put(float[] row, int base);
    }

    /** Every row of W, widened and checked finite, with its place in panels of width nr (for the formats' pack). */
    void forEachRow(int nr, RowSink sink) {
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            row(o, row);
            checkFinite(row, o);
            sink.put(row, (o / nr) * in * nr + (o % nr));
        }
    }

    /** Elements in panels of width nr: out rounded up to whole panels, times in. */
    int panelSize(int nr) {
        long size = (long) ((out + nr - 1) / nr) * in * nr;
        if (size > Integer.MAX_VALUE - 16)
            throw new IllegalStateException("matrix too large to pack: [" + out + ", " + in + "]");
        return (int) size;
    }

    /**
     * Once packed, the GEMM no longer reads the file's pages: tell the OS it may drop them from this process's
     * resident set (they stay in the page cache and come back on demand, e.g. for the scalar kernels).
     */
    private void releaseSource() {
        if (blocks != null) {
            blocks.release();
        } else if (data.isMapped()) {
            try {
                data.unload();
            } catch (RuntimeException e) {
                // advisory only
            }
        }
    }

    /** NaN or infinite weights are a corrupted checkpoint: refuse them rather than answer NaN. */
    private void checkFinite(float[] row, int o) {
        for (int k = 0; k < row.length; k++) {
            if (!Float.isFinite(row[k])) {
                throw new Clip4jException(
                        "tensor '" + name + "' holds " + row[k] + " at [" + o + ", " + k + "]: corrupted weights");
            }
        }
    }
}
