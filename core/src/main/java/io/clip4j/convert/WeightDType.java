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
 * for the weights {@link QuantizedTensors#quantised} selects (every other tensor then IEEE half). {@code q4} is q4_0
 * with the first layers in q8_0 (see {@link #schemeOf}); {@code q4_0} is q4_0 throughout, like ggml's file of that name.
 */
public enum WeightDType {
    F32("f32", DType.F32, null, null),
    F16("f16", DType.F16, null, null),
    BF16("bf16", DType.BF16, null, null),
    Q8("q8_0", DType.F16, QuantScheme.Q8_0, null),
    Q4("q4", DType.F16, QuantScheme.Q4_0, QuantScheme.Q8_0),
    Q4_0("q4_0", DType.F16, QuantScheme.Q4_0, null);

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The scheme weight {@code name} of {@code shape} is stored in: null for a float tensor, else this format's
     * {@link #quant}, except the patch embedding and the first block of each tower, which are {@link #firstLayers}
     * when that is set (q4 keeps them in q8_0). Measured on
     * the quickstart's trained model (zero-shot agreement with f32 over 2,048 images): q4_0 throughout 95.3 %; with
     * the patch embedding at q8 96.8 %, + the first image block 97.9 %, + the first text block 98.4 % (the whole
     * image tower at q8: 98.7 %). Errors made in the first layers are carried and amplified by every later one;
     * for ViT-B/32 the three cost 12.6 M weights x 4 bits = 6.3 MB.
     */
    public QuantScheme schemeOf(String name, int[] shape) {
        if (quant == null || !QuantizedTensors.quantised(name, shape)) return null;
        return firstLayers != null && firstLayer(name) ? firstLayers : quant;
    }

    private static boolean firstLayer(String name) {
        return name.equals("visual.conv1.weight")
                || name.startsWith("visual.transformer.resblocks.0.")
                || name.startsWith("transformer.resblocks.0.");
    }

    /** The float type of the tensors that are not quantised. */
    public final DType stored;
    /** The block quantisation of the selected weights, or null. */
    public final QuantScheme quant;
    /** The scheme of the selected weights of the first layers when it is not {@link #quant}, or null. */
    private final QuantScheme firstLayers;

    private final String word;

    WeightDType(String word, DType stored, QuantScheme quant, QuantScheme firstLayers) {
        this.word = word;
        this.stored = stored;
        this.quant = quant;
        this.firstLayers = firstLayers;
    }

    public static WeightDType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> F32;
            case "f16", "fp16", "float16", "half" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "q8", "q8_0" -> Q8;
            case "q4" -> Q4;
            case "q4_0" -> Q4_0;
            default -> throw new Clip4jException("--dtype: unknown type '" + s + "' (f32, f16, bf16, q8, q4 or q4_0)");
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
                        throw new Clip4jException(
                                t.name() + ": value " + v[i] + " does not fit in float16 (use --dtype bf16 or f32)");
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

    /** "f32", "f16", "bf16", "q8_0", "q4" (q4_0 with q8_0 first layers) or "q4_0". */
    public String word() {
        return word;
    }
}
