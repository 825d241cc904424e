package io.clip4j.model;

import io.clip4j.Clip4jException;
import io.clip4j.kernels.Matrix;
import io.clip4j.tensor.DType;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Map;

/**
 * Typed access to a checkpoint's tensors for building the model: matrices stay over the file's bytes (the GEMM
 * packs them on first use), vectors become small float arrays.
 */
final class Weights {
    private final Map<String, Tensor> tensors;
    private final Arena arena;

    private final boolean halfPanels;

    Weights(Map<String, Tensor> tensors, Arena arena, boolean halfPanels) {
        this.tensors = tensors;
        this.arena = arena;
        this.halfPanels = halfPanels;
    }

    Tensor tensor(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) throw new Clip4jException("checkpoint has no tensor '" + name + "'");
        if (shape.length > 0 && !Arrays.equals(t.shape(), shape)) {
            throw new Clip4jException("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(shape));
        }
        return t;
    }

    /**
     * A [rows, cols] matrix over the stored bytes, no copy (any trailing dims flattened into cols: conv kernels
     * become [out, in*k*k]). Stored dtypes other than F32/F16/BF16 are widened to an off-heap F32 copy; block-quantised
     * weights are read from their blocks.
     */
    Matrix matrix(String name, int... shape) {
        Tensor t = tensor(name, shape);
        int out = t.dim(0), in = (int) (t.numel() / out);
        if (t.blocks() != null) return new Matrix(t.blocks(), halfPanels, name);
        return switch (t.dtype()) {
            case F32, F16, BF16 -> new Matrix(t.data(), t.dtype(), out, in, halfPanels, name);
            default -> new Matrix(t.asF32(arena), DType.F32, out, in, halfPanels, name);
        };
    }

    float[] vector(String name, int... shape) {
        return tensor(name, shape).toFloatArray();
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }
}
