package io.clip4j.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The timing loop every engine uses (the Python runner does the same): warm up for at least one call and
 * {@code warmup} seconds, then call until {@code seconds} have passed and at least two calls were made.
 */
final class Timing {
    private Timing() {}

    /** cpuSeconds: the process's CPU time over the measured calls, all threads (see compare.py's CPU table). */
    record Result(int calls, double seconds, double cpuSeconds) {}

    private static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    static Result run(Runnable call, double warmup, double seconds) {
        long w0 = System.nanoTime();
        do call.run(); while ((System.nanoTime() - w0) / 1e9 < warmup);
        int calls = 0;
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        while (true) {
            call.run();
            calls++;
            double el = (System.nanoTime() - t0) / 1e9;
            if (el >= seconds && calls >= 2) return new Result(calls, el, cpuSeconds() - c0);
        }
    }

    /** The one-line JSON result: {"engine","what","batch","tokens","items_per_s","ms_per_item","gflops_per_s",...}. */
    static String json(String engine, String what, int batch, Integer tokens, Result r, double flopsPerItem, int threads,
                       String version) {
        double perS = r.calls() * (double) batch / r.seconds();
        return String.format(Locale.ROOT,
                "{\"engine\":\"%s\",\"what\":\"%s\",\"batch\":%d,\"tokens\":%s,\"items_per_s\":%.6f,\"ms_per_item\":%.4f,"
                        + "\"gflops_per_s\":%.4f,\"calls\":%d,\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"threads\":%d,"
                        + "\"version\":\"%s\"}",
                engine, what, batch, tokens == null ? "null" : tokens.toString(), perS, 1000 / perS,
                perS * flopsPerItem / 1e9, r.calls(), r.seconds(), r.cpuSeconds(), threads, version);
    }
}
