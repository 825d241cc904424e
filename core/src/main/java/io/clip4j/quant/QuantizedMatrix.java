package io.clip4j.quant;

import io.clip4j.tensor.BlockRows;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A block-quantised [rows, cols] matrix over its stored bytes (usually slices of a memory-mapped file): row r holds
 * {@code blocks(cols)} blocks of {@code scheme.blockBytes} bytes at {@code ints[r * rowBytes ...]} and as many fp16
 * scales at {@code scales[r * blocks ...]}.
 */
public final class QuantizedMatrix implements BlockRows {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final QuantScheme scheme;
    private final int rows, cols, blocks, rowBytes;
    private final MemorySegment ints, scales;

    public QuantizedMatrix(QuantScheme scheme, int rows, int cols, MemorySegment ints, MemorySegment scales) {
        this.scheme = scheme;
        this.rows = rows;
        this.cols = cols;
        this.blocks = QuantScheme.blocks(cols);
        this.rowBytes = blocks * scheme.blockBytes;
        if (ints.byteSize() != (long) rows * rowBytes || scales.byteSize() != (long) rows * blocks * 2) {
            throw new IllegalArgumentException("quantised [" + rows + ", " + cols + "]: " + ints.byteSize() + " + "
                    + scales.byteSize() + " bytes");
        }
        this.ints = ints;
        this.scales = scales;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String scheme() {
        return scheme.id;
    }

    @Override
    public long storedBytes() {
        return ints.byteSize() + scales.byteSize();
    }

    public QuantScheme quantScheme() {
        return scheme;
    }

    private float scale(int r, int b) {
        return Float.float16ToFloat(scales.getAtIndex(F16, (long) r * blocks + b));
    }

    @Override
    public void row(int r, float[] dst) {
        byte[] q = new byte[rowBytes];
        MemorySegment.copy(ints, ValueLayout.JAVA_BYTE, (long) r * rowBytes, q, 0, rowBytes);
        for (int b = 0; b < blocks; b++) {
            int c0 = b * QuantScheme.BLOCK;
            scheme.dequantizeBlock(
                    q, b * scheme.blockBytes, scale(r, b), dst, c0, Math.min(QuantScheme.BLOCK, cols - c0));
        }
    }

    @Override
    public float get(int r, int c) {
        int b = c / QuantScheme.BLOCK, j = c % QuantScheme.BLOCK;
        long block = (long) r * rowBytes + (long) b * scheme.blockBytes;
        int q = switch (scheme) {
            case Q8_0 -> ints.get(ValueLayout.JAVA_BYTE, block + j);
            // byte j & 15 of the block: weight j in the low nibble, weight j + 16 in the high one
            case Q4_0 -> {
                int packed = ints.get(ValueLayout.JAVA_BYTE, block + (j & 15)) & 0xff;
                yield (j < QuantScheme.BLOCK / 2 ? packed & 15 : packed >>> 4) - 8;
            }
        };
        return q * scale(r, b);
    }

    @Override
    public long firstNonFinite() {
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                if (!Float.isFinite(scale(r, b))) return (long) r * cols + (long) b * QuantScheme.BLOCK;
            }
        }
        return -1;
    }

    @Override
    public void release() {
        for (MemorySegment s : new MemorySegment[] {ints, scales}) {
            if (s.isMapped()) {
                try {
                    s.unload();
                } catch (RuntimeException e) {
                    // advisory only
                }
            }
        }
    }
}
