package io.clip4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's FMA throughput as Java reaches it: 12 independent chains of {@code acc = acc * a + b} on the
 * preferred vector species, registers only. 12 chains cover the FMA latency (4-5 cycles) times the two FMA
 * pipes of current x86 cores. One call = {@link #ITERATIONS} x 12 FMAs x lanes x 2 flops (see {@link #FLOPS}).
 * Run with -t 1 and -t 2 (threads) for one core and both cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakFmaBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int ITERATIONS = 100_000;
    public static final long FLOPS = (long) ITERATIONS * 12 * S.length() * 2;

    public float a = 0.999f, b = 1e-3f;

    @Benchmark
    public float fma(FlopCounter counter) {
        counter.flops += FLOPS;
        var va = FloatVector.broadcast(S, a);
        var vb = FloatVector.broadcast(S, b);
        FloatVector c0 = vb, c1 = vb.add(1), c2 = vb.add(2), c3 = vb.add(3), c4 = vb.add(4), c5 = vb.add(5);
        FloatVector c6 = vb.add(6), c7 = vb.add(7), c8 = vb.add(8), c9 = vb.add(9), c10 = vb.add(10), c11 = vb.add(11);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(va, vb);
            c1 = c1.fma(va, vb);
            c2 = c2.fma(va, vb);
            c3 = c3.fma(va, vb);
            c4 = c4.fma(va, vb);
            c5 = c5.fma(va, vb);
            c6 = c6.fma(va, vb);
            c7 = c7.fma(va, vb);
            c8 = c8.fma(va, vb);
            c9 = c9.fma(va, vb);
            c10 = c10.fma(va, vb);
            c11 = c11.fma(va, vb);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
