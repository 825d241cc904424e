package io.clip4j.model;

import io.clip4j.Clip4jException;
import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import io.clip4j.kernels.Matrix;
import java.util.Arrays;
import java.util.Map;

/**
 * Typed access to a checkpoint's tensors for building the model: matrices stay as float32 segments (zero copy
 * when the file is float32; widened off-heap once when it is fp16/bf16), vectors become small float arrays.
 */
final class Weights {
    private final Map<String, Tensor> tensors;
    private final Arena arena;

    Weights(Map<String, Tensor> tensors, Arena arena) {
        this.tensors = tensors;
        this.arena = arena;
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

    /** A [rows, cols] float32 matrix (any trailing dims flattened into cols: conv kernels become [out, in*k*k]). */
    Matrix matrix(String name, int... shape) {
        Tensor t = tensor(name, shape);
        int out = t.dim(0);
        return new Matrix(t.asF32(arena), out, (int) (t.numel() / out));
    }

    float[] vector(String name, int... shape) {
        return tensor(name, shape).toFloatArray();
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }
}
