package io.clip4j.kernels;

import io.clip4j.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * A harness for counting instructions, not a test: {@code rows x in -> out} linear products on fp32 or fp16 panels,
 * {@code warm} calls then {@code calls} more. Run twice under {@code valgrind --tool=callgrind} with two call counts;
 * the difference of the totals over the difference of the counts is the instructions of one call, JIT and start-up
 * cancelled. Usage: PanelInstructionCount f32|f16 ROWS IN OUT WARM CALLS (with -Dclip4j.threads=1).
 */
public final class PanelInstructionCount {
    public static void main(String[] args) {
        boolean half = args[0].equals("f16");
        int rows = Integer.parseInt(args[1]), in = Integer.parseInt(args[2]), out = Integer.parseInt(args[3]);
        int warm = Integer.parseInt(args[4]), calls = Integer.parseInt(args[5]);
        Random r = new Random(1);
        float[] w = new float[out * in], x = new float[rows * in], y = new float[rows * out];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.02f;
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Matrix m = new Matrix(MemorySegment.ofArray(w), DType.F32, out, in, half);
        Kernels k = new VectorKernels();
        for (int i = 0; i < warm + calls; i++) k.linear(x, 0, rows, m, null, y, 0);
        System.out.println(y[y.length / 2]);
    }
}
