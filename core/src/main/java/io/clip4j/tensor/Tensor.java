package io.clip4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named, typed, shaped block of little-endian bytes: a weight as stored in a checkpoint. The bytes are
 * usually a slice of a memory-mapped file, so a tensor costs no heap until it is widened.
 *
 * <p>A block-quantised weight ({@link #ofBlocks}) is a float32 tensor whose values come from its {@link BlockRows}:
 * element reads and {@link #toFloatArray} widen from the blocks directly, {@link #data()} widens the whole tensor
 * into a float32 copy on first use (the model's matrices never ask for it; they pack from the blocks).
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final BlockRows blocks;
    private volatile MemorySegment data;

    public Tensor(String name, DType dtype, int[] shape, MemorySegment data) {
        long n = numel(shape);
        if (data.byteSize() != n * dtype.bytes) {
            throw new IllegalArgumentException(
                    "tensor " + name + ": " + data.byteSize() + " bytes for " + dtype + Arrays.toString(shape));
        }
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        this.blocks = null;
    }

    private Tensor(String name, int[] shape, BlockRows blocks) {
        if (numel(shape) != (long) blocks.rows() * blocks.cols()) {
            throw new IllegalArgumentException("tensor " + name + ": " + Arrays.toString(shape) + " over ["
                    + blocks.rows() + ", " + blocks.cols() + "] blocks");
        }
        this.name = name;
        this.dtype = DType.F32;
        this.shape = shape.clone();
        this.blocks = blocks;
    }

    /** A float32 tensor of {@code shape} whose values are {@code blocks} (rows = shape[0], cols = the rest). */
    public static Tensor ofBlocks(String name, int[] shape, BlockRows blocks) {
        return new Tensor(name, shape, blocks);
    }

    /** A float32 tensor over a copy of {@code values} (heap-backed). */
    public static Tensor ofFloats(String name, int[] shape, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate((long) values.length * 4, 4);
        MemorySegment.copy(values, 0, seg, F32_LE, 0, values.length);
        return new Tensor(name, DType.F32, shape, seg);
    }

    /** The element count; throws ArithmeticException when it overflows a long (callers check shapes first). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public long numel() {
        return numel(shape);
    }
    /** The quantised blocks behind this tensor, or null for a plain one. */
    public BlockRows blocks() {
        return blocks;
    }

    /** Bytes this tensor occupies as stored (for block-quantised tensors: ints and scales). */
    public long storedBytes() {
        return blocks != null ? blocks.storedBytes() : data.byteSize();
    }

    /** Raw little-endian bytes (for a block-quantised tensor: widened to float32 once, on first call). */
    public MemorySegment data() {
        MemorySegment d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    float[] v = toFloatArray();
                    d = Arena.ofAuto().allocate((long) v.length * 4, 64);
                    MemorySegment.copy(v, 0, d, F32_LE, 0, v.length);
                    data = d;
                }
            }
        }
        return d;
    }

    public Tensor renamed(String newName) {
        return blocks != null ? new Tensor(newName, shape, blocks) : new Tensor(newName, dtype, shape, data);
    }

    public Tensor reshaped(int... newShape) {
        if (numel(newShape) != numel())
            throw new IllegalArgumentException("reshape " + name + " to " + Arrays.toString(newShape));
        return blocks != null ? new Tensor(name, newShape, blocks) : new Tensor(name, dtype, newShape, data);
    }

    /** Element {@code i} (flat, row-major) widened to float. */
    public float getFloat(long i) {
        if (blocks != null) return blocks.get((int) (i / blocks.cols()), (int) (i % blocks.cols()));
        MemorySegment d = data();
        return switch (dtype) {
            case F32 -> d.getAtIndex(F32_LE, i);
            case F16 -> Float.float16ToFloat(d.getAtIndex(I16_LE, i));
            case BF16 -> Float.intBitsToFloat((d.getAtIndex(I16_LE, i) & 0xffff) << 16);
            case F64 -> (float) d.getAtIndex(F64_LE, i);
            case I64 -> d.getAtIndex(I64_LE, i);
            case I32 -> d.getAtIndex(I32_LE, i);
            case I16 -> d.getAtIndex(I16_LE, i);
            case I8 -> d.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> d.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        };
    }

    /** All elements widened to float, on the heap. Meant for small tensors (norms, biases, embeddings rows). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor " + name + " too large for an array");
        float[] out = new float[(int) n];
        if (blocks != null) {
            float[] row = new float[blocks.cols()];
            for (int r = 0; r < blocks.rows(); r++) {
                blocks.row(r, row);
                System.arraycopy(row, 0, out, r * row.length, row.length);
            }
        } else if (dtype == DType.F32) {
            MemorySegment.copy(data, F32_LE, 0, out, 0, out.length);
        } else if (dtype == DType.F16 || dtype == DType.BF16) {
            // in bulk: getFloat per element is slow for 10^8 values
            short[] raw = new short[out.length];
            MemorySegment.copy(
                    data, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, raw, 0, raw.length);
            if (dtype == DType.F16) {
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(raw[i]);
            } else {
                for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((raw[i] & 0xffff) << 16);
            }
        } else {
            for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        }
        return out;
    }

    /**
     * The elements as a float32 little-endian segment: the stored bytes themselves when already F32 (zero copy,
     * stays memory-mapped), otherwise an off-heap widened copy owned by {@code arena}.
     */
    public MemorySegment asF32(Arena arena) {
        if (dtype == DType.F32) return data();
        long n = numel();
        MemorySegment out = arena.allocate(n * 4, 64);
        for (long i = 0; i < n; i++) out.setAtIndex(F32_LE, i, getFloat(i));
        return out;
    }

    /**
     * The flat index of the first NaN or infinity, or -1 when every element is finite (always -1 for integer
     * dtypes). One pass over the bytes, 8 at a time: a float is non-finite exactly when its exponent bits are all
     * ones, and adding the exponent's lowest bit to the masked exponent then carries into the lane's sign bit,
     * for every lane of a 64-bit word at once (no carry crosses lanes).
     */
    public long firstNonFinite() {
        if (blocks != null) return blocks.firstNonFinite();
        long mask, add, top;
        switch (dtype) {
            case F16 -> {
                mask = 0x7c00_7c00_7c00_7c00L;
                add = 0x0400_0400_0400_0400L;
                top = 0x8000_8000_8000_8000L;
            }
            case BF16 -> {
                mask = 0x7f80_7f80_7f80_7f80L;
                add = 0x0080_0080_0080_0080L;
                top = 0x8000_8000_8000_8000L;
            }
            case F32 -> {
                mask = 0x7f80_0000_7f80_0000L;
                add = 0x0080_0000_0080_0000L;
                top = 0x8000_0000_8000_0000L;
            }
            case F64 -> {
                mask = 0x7ff0_0000_0000_0000L;
                add = 0x0010_0000_0000_0000L;
                top = 0x8000_0000_0000_0000L;
            }
            default -> {
                return -1;
            }
        }
        long n = data.byteSize();
        final long block = 1 << 14;
        long at = 0;
        for (; at + block <= n; at += block) {
            long acc = 0;
            for (long j = at; j < at + block; j += 8) acc |= (data.get(I64_LE, j) & mask) + add;
            if ((acc & top) != 0) return scan(at / dtype.bytes, (at + block) / dtype.bytes);
        }
        return scan(at / dtype.bytes, n / dtype.bytes);
    }

    private long scan(long from, long to) {
        for (long i = from; i < to; i++) {
            boolean finite = switch (dtype) {
                case F64 -> Double.isFinite(data().getAtIndex(F64_LE, i));
                default -> Float.isFinite(getFloat(i));
            };
            if (!finite) return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
