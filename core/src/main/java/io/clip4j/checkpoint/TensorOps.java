package io.clip4j.checkpoint;

import io.clip4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Layout changes needed to bring other naming schemes to OpenAI's; results are new off-heap tensors. */
public final class TensorOps {
    private TensorOps() {}

    /** Concatenates along dimension 0 (all parts share dtype and trailing dimensions), keeping the dtype. */
    public static Tensor concat0(String name, Arena arena, Tensor... parts) {
        long bytes = 0;
        int rows = 0;
        for (Tensor p : parts) {
            bytes += p.data().byteSize();
            rows += p.dim(0);
        }
        MemorySegment out = arena.allocate(Math.max(1, bytes), 64).asSlice(0, bytes);
        long at = 0;
        for (Tensor p : parts) {
            MemorySegment.copy(p.data(), 0, out, at, p.data().byteSize());
            at += p.data().byteSize();
        }
        int[] shape = parts[0].shape();
        shape[0] = rows;
        return new Tensor(name, parts[0].dtype(), shape, out);
    }

    /** The transpose of a 2-D tensor, element bytes moved as they are (no widening). */
    public static Tensor transpose2d(String name, Arena arena, Tensor t) {
        int r = t.dim(0);
        int c = t.dim(1);
        int es = t.dtype().bytes;
        MemorySegment src = t.data();
        MemorySegment out = arena.allocate(Math.max(1, src.byteSize()), 64).asSlice(0, src.byteSize());
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                MemorySegment.copy(src, ((long) i * c + j) * es, out, ((long) j * r + i) * es, es);
            }
        }
        return new Tensor(name, t.dtype(), new int[] {c, r}, out);
    }
}
