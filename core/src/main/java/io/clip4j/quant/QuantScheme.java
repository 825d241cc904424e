package io.clip4j.quant;

import io.clip4j.tensor.DType;

/**
 * ggml's block quantisation of a weight row: the row (W[o][0..cols), the input dimension) is cut into blocks of 32
 * weights, the last one padded with zeros, and each block stored as 32 small integers and one IEEE fp16 scale d.
 * The arithmetic is ggml's reference code ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}), in float32:
 *
 * <ul>
 *   <li>q8_0: amax = max |x|, d = amax / 127, id = d == 0 ? 0 : 1 / d, q = roundf(x · id) (half away from zero) as
 *       int8; x ≈ q · d. Stored as 32 int8 per block.
 *   <li>q4_0: m = the x with the largest |x| (the first such, sign kept), d = m / -8, id = d == 0 ? 0 : 1 / d,
 *       q = min(15, (int) (x · id + 8.5f)) in 0..15; x ≈ (q - 8) · d. Stored two per byte as ggml does: byte j of a
 *       block holds weight j in its low nibble and weight j + 16 in its high nibble (16 bytes per block).
 * </ul>
 *
 * Dequantising uses the fp16-rounded scale: q · d is exact in float32 (at most 8 + 11 significant bits).
 */
public enum QuantScheme {
    Q8_0("q8_0/32", "q8", DType.I8, 32),
    Q4_0("q4_0/32", "q4", DType.U8, 16);

    public static final int BLOCK = 32;

    /** The value of {@code __metadata__["clip4j.quant"]}. */
    public final String id;
    /** The integer tensor of weight {@code w} is named {@code w + "." + suffix}. */
    public final String suffix;
    /** Its safetensors dtype. */
    public final DType stored;
    /** Bytes per block of 32 weights (without the scale). */
    public final int blockBytes;

    QuantScheme(String id, String suffix, DType stored, int blockBytes) {
        this.id = id;
        this.suffix = suffix;
        this.stored = stored;
        this.blockBytes = blockBytes;
    }

    /** The scheme named {@code id}, or null. */
    public static QuantScheme byId(String id) {
        for (QuantScheme s : values()) if (s.id.equals(id)) return s;
        return null;
    }

    /** Blocks per row of {@code cols} weights. */
    public static int blocks(int cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    /**
     * One block: x[xOff, xOff + 32) (zero-padded by the caller) into q[qOff, qOff + blockBytes); returns the scale as
     * fp16 bits.
     */
    public short quantizeBlock(float[] x, int xOff, byte[] q, int qOff) {
        return switch (this) {
            case Q8_0 -> {
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[xOff + j]));
                float d = amax / 127f;
                float id = d != 0f ? 1f / d : 0f;
                for (int j = 0; j < BLOCK; j++) q[qOff + j] = (byte) roundAway(x[xOff + j] * id);
                yield Float.floatToFloat16(d);
            }
            case Q4_0 -> {
                float amax = 0f, max = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    float v = x[xOff + j];
                    if (amax < Math.abs(v)) {
                        amax = Math.abs(v);
                        max = v;
                    }
                }
                float d = max / -8f;
                float id = d != 0f ? 1f / d : 0f;
                for (int j = 0; j < BLOCK / 2; j++) {
                    int lo = Math.min(15, (int) (x[xOff + j] * id + 8.5f));
                    int hi = Math.min(15, (int) (x[xOff + j + BLOCK / 2] * id + 8.5f));
                    q[qOff + j] = (byte) (lo | hi << 4);
                }
                yield Float.floatToFloat16(d);
            }
        };
    }

    /** The 32 weights of one block back: dst[dOff + j] = q_j · d (q8_0) or (q_j - 8) · d (q4_0), for j < n. */
    public void dequantizeBlock(byte[] q, int qOff, float d, float[] dst, int dOff, int n) {
        switch (this) {
            case Q8_0 -> {
                for (int j = 0; j < n; j++) dst[dOff + j] = q[qOff + j] * d;
            }
            case Q4_0 -> {
                for (int j = 0; j < n; j++) {
                    int b = q[qOff + (j & 15)] & 0xff;
                    int v = j < BLOCK / 2 ? b & 15 : b >>> 4;
                    dst[dOff + j] = (v - 8) * d;
                }
            }
        }
    }

    /** C's roundf: to nearest, halves away from zero (exact: a float plus 0.5 in double does not round). */
    static int roundAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
