package io.clip4j.convert;

import io.clip4j.Clip4jException;
import io.clip4j.quant.QuantScheme;
import io.clip4j.quant.QuantizedTensors;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The formats a converted model's tensors are stored in: float32, IEEE half, bfloat16, or ggml's q8_0 / q4_0 blocks
 * for the weights {@link QuantizedTensors#quantised} selects (every other tensor then IEEE half).
 */
public enum WeightDType {
    F32(DType.F32, null), F16(DType.F16, null), BF16(DType.BF16, null),
    Q8(DType.F16, QuantScheme.Q8_0), Q4(DType.F16, QuantScheme.Q4_0);

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The float type of the tensors that are not quantised. */
    public final DType stored;
    /** The block quantisation of the selected weights, or null. */
    public final QuantScheme quant;

    WeightDType(DType stored, QuantScheme quant) {
        this.stored = stored;
        this.quant = quant;
    }

    public static WeightDType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> F32;
            case "f16", "fp16", "float16", "half" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "q8", "q8_0" -> Q8;
            case "q4", "q4_0" -> Q4;
            default -> throw new Clip4jException("--dtype: unknown type '" + s + "' (f32, f16, bf16, q8 or q4)");
        };
    }

    /**
     * {@code t} as a float tensor of this format's {@link #stored} type (round to nearest even), as a new off-heap
     * tensor; float32 values come out bit for bit.
     */
    public Tensor convert(Tensor t, Arena arena) {
        float[] v = t.toFloatArray();
        MemorySegment seg = arena.allocate((long) v.length * stored.bytes, 8);
        switch (stored) {
            case F32 -> MemorySegment.copy(v, 0, seg, FLOAT_LE, 0, v.length);
            case F16 -> {
                for (int i = 0; i < v.length; i++) {
                    if (Float.isFinite(v[i]) && Math.abs(v[i]) > 65504f) {
                        throw new Clip4jException(t.name() + ": value " + v[i] + " does not fit in float16 (use --dtype bf16 or f32)");
                    }
                    seg.setAtIndex(SHORT_LE, i, Float.floatToFloat16(v[i]));
                }
            }
            default -> {
                for (int i = 0; i < v.length; i++) seg.setAtIndex(SHORT_LE, i, bfloat16(v[i]));
            }
        }
        return new Tensor(t.name(), stored, t.shape(), seg);
    }

    /** float32 -> bfloat16 with round to nearest even (NaN stays a quiet NaN). */
    static short bfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** "f32", "f16", "bf16", "q8_0" or "q4_0". */
    public String word() {
        return quant != null ? quant.id.substring(0, quant.id.indexOf('/')) : name().toLowerCase(Locale.ROOT);
    }
}
