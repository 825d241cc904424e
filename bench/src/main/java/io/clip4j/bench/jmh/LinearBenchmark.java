package io.clip4j.bench.jmh;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;
import io.clip4j.kernels.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Kernels#linear} at ViT-B/32's shapes, through the public interface only. A shape is
 * {@code ROWSxINxOUT}: rows = 50 tokens x batch; [in -> out] is the qkv projection (768 -> 2304), the MLP's
 * c_fc (768 -> 3072) and c_proj (3072 -> 768). Score: calls per second; GFLOP/s = score x 2 x rows x in x out
 * (JMH reports it as the secondary metric {@code flops}; scripts/bench-kernels
 * prints the table). The weights are native memory in nn.Linear's [out, in] layout, as the
 * memory-mapped checkpoint gives them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LinearBenchmark {

    /** vector = Kernels.best() (the Vector API implementation when the module is present); scalar = the reference. */
    @Param({"vector"})
    public String kernel;

    @Param({"50x768x2304", "50x768x3072", "50x3072x768", "1600x768x2304", "1600x768x3072", "1600x3072x768"})
    public String shape;

    private Kernels kernels;
    private Arena arena;
    private MemorySegment w;
    private Matrix matrix;
    private float[] x, bias, y;
    private int rows, in, out;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        rows = Integer.parseInt(s[0]);
        in = Integer.parseInt(s[1]);
        out = Integer.parseInt(s[2]);
        kernels = switch (kernel) {
            case "vector" -> Kernels.best();
            case "scalar" -> new ScalarKernels();
            default -> throw new IllegalArgumentException("kernel must be vector or scalar: " + kernel);
        };
        var r = new SplittableRandom(42);
        x = new float[rows * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        bias = new float[out];
        for (int i = 0; i < out; i++) bias[i] = (float) r.nextGaussian() * 0.02f;
        y = new float[rows * out];
        arena = Arena.ofShared();
        w = arena.allocate((long) out * in * Float.BYTES, 64);
        float std = (float) (1 / Math.sqrt(in));
        for (long i = 0; i < (long) out * in; i++) w.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) r.nextGaussian() * std);
        // the matrix (and its packed panels, built on the first call) is reused by every invocation, as in the model
        matrix = new Matrix(w, out, in);
        System.out.println("# kernels: " + kernels.getClass().getName() + ", flops per call: " + 2L * rows * in * out);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] linear(FlopCounter counter) {
        kernels.linear(x, 0, rows, matrix, bias, y, 0);
        counter.flops += 2L * rows * in * out;
        return y;
    }
}
