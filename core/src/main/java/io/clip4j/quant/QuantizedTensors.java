package io.clip4j.quant;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Printable;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How block-quantised weights sit in a safetensors file, and which weights are quantised.
 *
 * <p>A weight {@code w} of shape [rows, d1, d2, ...] (rows = output features; cols = d1·d2·... the flattened input
 * dimension, along which the blocks run) is stored as
 * <ul>
 *   <li>{@code w.q8}: I8 [rows, nb·32] (q8_0) or {@code w.q4}: U8 [rows, nb·16] (q4_0), nb = ceil(cols / 32), the
 *       last block of each row padded with zero weights;
 *   <li>{@code w.scale}: F16 [rows, nb], the scale of each block;
 *   <li>{@code __metadata__["clip4j.shape.w"]} = the original shape as "[rows, d1, ...]".
 * </ul>
 * and {@code __metadata__["clip4j.quant"]} names the file's scheme ("q8_0/32" or "q4_0/32"); see {@link QuantScheme}.
 * A weight stored in another scheme than the file's (a mixed file: q4_0 with its most sensitive weights in q8_0) names
 * it in {@code __metadata__["clip4j.quant.w"]}; its integer tensor then has that scheme's suffix.
 */
public final class QuantizedTensors {
    public static final String SCHEME_KEY = "clip4j.quant";
    public static final String SHAPE_KEY = "clip4j.shape.";
    public static final String SCALE_SUFFIX = "scale";

    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private QuantizedTensors() {}

    /**
     * Whether a converter quantises this weight (OpenAI names): the 2-D matrices of linear layers (attention in/out
     * projections, MLP c_fc / c_proj), the ViT patch-embedding conv (flattened to [width, 3·p·p]) and the token
     * embedding (a lookup table [vocab, width], blocks along the width). Norms, biases, the class token, positional
     * embeddings and the two projections stay float.
     */
    public static boolean quantised(String name, int[] shape) {
        if (name.endsWith("attn.in_proj_weight")
                || name.endsWith("attn.out_proj.weight")
                || name.endsWith("mlp.c_fc.weight")
                || name.endsWith("mlp.c_proj.weight")) {
            return shape.length == 2;
        }
        if (name.equals("visual.conv1.weight")) return shape.length == 4 && shape[2] == shape[3] && shape[2] > 3;
        return name.equals("token_embedding.weight") && shape.length == 2;
    }

    /** {@code t} quantised: the integer tensor and the scale tensor, under their stored names. */
    public static Map<String, Tensor> quantise(String name, Tensor t, QuantScheme s, Arena arena) {
        int rows = t.dim(0), cols = (int) (t.numel() / rows), nb = QuantScheme.blocks(cols);
        float[] v = t.toFloatArray();
        byte[] q = new byte[nb * s.blockBytes];
        float[] block = new float[QuantScheme.BLOCK];
        MemorySegment ints = arena.allocate((long) rows * q.length, 8);
        MemorySegment scales = arena.allocate((long) rows * nb * 2, 8);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < nb; b++) {
                int c0 = b * QuantScheme.BLOCK, n = Math.min(QuantScheme.BLOCK, cols - c0);
                Arrays.fill(block, 0f);
                System.arraycopy(v, r * cols + c0, block, 0, n);
                short d = s.quantizeBlock(block, 0, q, b * s.blockBytes);
                if (!Float.isFinite(Float.float16ToFloat(d))) {
                    throw new Clip4jException(
                            name + ": block scale at [" + r + ", " + c0 + "] does not fit in float16");
                }
                scales.setAtIndex(F16, (long) r * nb + b, d);
            }
            MemorySegment.copy(q, 0, ints, ValueLayout.JAVA_BYTE, (long) r * q.length, q.length);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(
                name + "." + s.suffix,
                new Tensor(name + "." + s.suffix, s.stored, new int[] {rows, nb * s.blockBytes}, ints));
        out.put(
                name + "." + SCALE_SUFFIX,
                new Tensor(name + "." + SCALE_SUFFIX, DType.F16, new int[] {rows, nb}, scales));
        return out;
    }

    /** The metadata entry naming the scheme of weight {@code name} in a file whose own scheme is another one. */
    public static Map.Entry<String, String> schemeEntry(String name, QuantScheme s) {
        return Map.entry(schemeKey(name), s.id);
    }

    private static String schemeKey(String name) {
        return SCHEME_KEY + "." + name;
    }

    private static QuantScheme scheme(Path file, String key, String id) {
        QuantScheme s = QuantScheme.byId(id);
        if (s == null) {
            throw new Clip4jException(file + ": unknown quantisation scheme '" + Printable.of(id) + "' in __metadata__ "
                    + Printable.of(key) + " (known: q8_0/32, q4_0/32)");
        }
        return s;
    }

    /** The metadata entry recording {@code shape} for weight {@code name}. */
    public static Map.Entry<String, String> shapeEntry(String name, int[] shape) {
        return Map.entry(SHAPE_KEY + name, Arrays.toString(shape));
    }

    /**
     * The tensors of a safetensors file with every quantised weight folded back into one float32 tensor over its
     * blocks (widened on use); the file's tensors as they are when it names no scheme.
     */
    public static Map<String, Tensor> fold(Path file, Map<String, Tensor> stored, Map<String, String> metadata) {
        String id = metadata.get(SCHEME_KEY);
        if (id == null) return stored;
        QuantScheme fileScheme = scheme(file, SCHEME_KEY, id);
        Map<String, Tensor> folded = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!e.getKey().startsWith(SHAPE_KEY)) continue;
            String name = e.getKey().substring(SHAPE_KEY.length());
            String own = metadata.get(schemeKey(name));
            QuantScheme s = own == null ? fileScheme : scheme(file, schemeKey(name), own);
            folded.put(name + "." + s.suffix, fold1(file, name, parseShape(file, e.getKey(), e.getValue()), s, stored));
            used.add(name + "." + SCALE_SUFFIX);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            Tensor f = folded.get(e.getKey());
            if (f != null) out.put(f.name(), f);
            else if (!used.contains(e.getKey())) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The weight {@code name} of {@code shape} over the tensors {@link #quantise} returned (as a loader sees it). */
    public static Tensor folded(String name, int[] shape, QuantScheme s, Map<String, Tensor> parts) {
        return fold1(Path.of(name), name, shape, s, parts);
    }

    /** The weight a stored tensor belongs to: {@code w} for {@code w.q8}, {@code w.q4} and {@code w.scale}. */
    public static String weightOf(String stored) {
        for (String suffix :
                new String[] {"." + SCALE_SUFFIX, "." + QuantScheme.Q8_0.suffix, "." + QuantScheme.Q4_0.suffix}) {
            if (stored.endsWith(suffix)) return stored.substring(0, stored.length() - suffix.length());
        }
        return stored;
    }

    private static Tensor fold1(Path file, String name, int[] shape, QuantScheme s, Map<String, Tensor> stored) {
        String qName = name + "." + s.suffix, sName = name + "." + SCALE_SUFFIX;
        Tensor q = stored.get(qName), sc = stored.get(sName);
        if (q == null || sc == null) {
            throw new Clip4jException(file + ": quantised weight '" + Printable.of(name) + "' has no tensor '"
                    + Printable.of(q == null ? qName : sName) + "'");
        }
        if (stored.containsKey(name)) {
            throw new Clip4jException(
                    file + ": weight '" + Printable.of(name) + "' is stored both as a tensor and quantised");
        }
        int rows = shape[0];
        long cols = Tensor.numel(shape) / Math.max(1, rows);
        if (rows < 1 || cols < 1 || cols > Integer.MAX_VALUE - QuantScheme.BLOCK) {
            throw new Clip4jException(
                    file + ": quantised weight '" + Printable.of(name) + "' has shape " + Arrays.toString(shape));
        }
        int nb = QuantScheme.blocks((int) cols);
        int[] qShape = {rows, nb * s.blockBytes}, sShape = {rows, nb};
        if (q.dtype() != s.stored || !Arrays.equals(q.shape(), qShape)) {
            throw new Clip4jException(
                    file + ": tensor '" + Printable.of(qName) + "' is " + q.dtype() + Arrays.toString(q.shape())
                            + " but " + Arrays.toString(shape) + " in " + s.id + " blocks needs " + s.stored
                            + Arrays.toString(qShape)
                            + " (truncated or not " + s.id + ")");
        }
        if (sc.dtype() != DType.F16 || !Arrays.equals(sc.shape(), sShape)) {
            throw new Clip4jException(file + ": tensor '" + Printable.of(sName) + "' is " + sc.dtype()
                    + Arrays.toString(sc.shape())
                    + " but " + Arrays.toString(shape) + " needs F16" + Arrays.toString(sShape) + " (one scale per "
                    + QuantScheme.BLOCK + " weights of a row)");
        }
        return Tensor.ofBlocks(name, shape, new QuantizedMatrix(s, rows, (int) cols, q.data(), sc.data()));
    }

    private static int[] parseShape(Path file, String key, String value) {
        String v = value.trim();
        try {
            if (!v.startsWith("[") || !v.endsWith("]")) throw new NumberFormatException();
            String[] parts = v.substring(1, v.length() - 1).split(",");
            int[] shape = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                shape[i] = Integer.parseInt(parts[i].trim());
                if (shape[i] < 1) throw new NumberFormatException();
            }
            Tensor.numel(shape);
            return shape;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new Clip4jException(file + ": __metadata__ " + Printable.of(key) + " = '" + Printable.of(value)
                    + "' is not a shape like [768, 3072]");
        }
    }
}
