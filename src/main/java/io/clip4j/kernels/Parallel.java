package io.clip4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * A dedicated pool sized to the cores (or {@code -Dclip4j.threads=N}) for splitting one kernel call across
 * threads. Work is split into contiguous index ranges so that every thread writes its own part of the output.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private Parallel() {}

    static int defaultThreads() {
        int n = Integer.getInteger("clip4j.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, n);
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("clip4j-compute-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Replaces the pool (e.g. {@code --threads}); running work finishes on the old one. */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    public static int threads() {
        return pool.getParallelism();
    }

    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) split into one contiguous chunk per thread: for work whose chunks each re-read
     * shared data (a GEMM's rows of x for every block of columns), fewer, larger chunks read it fewer times.
     */
    public static void forEachThread(int n, RangeBody body) {
        int threads = Math.min(threads(), n);
        if (threads <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        forRange(n, (n + threads - 1) / threads, body, threads);
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} indices, in parallel when worthwhile.
     * Calls from inside the pool run inline-split by the same pool (work stealing), so nesting is safe.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        forRange(n, grain, body, threads() * 4);
    }

    private static void forRange(int n, int grain, RangeBody body, int maxChunks) {
        if (n <= 0) return;
        int threads = threads();
        if (threads == 1 || n <= grain) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(maxChunks, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        var task = new Split(body, 0, n, Math.max(grain, (n + chunks - 1) / chunks));
        ForkJoinPool p = pool;
        if (ForkJoinTask.getPool() == p) task.invoke();
        else p.invoke(task);
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int from, to, chunk;

        Split(RangeBody body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int mid = from + (((to - from) / chunk + 1) / 2) * chunk;
            if (mid >= to) mid = from + chunk;
            invokeAll(new Split(body, from, mid, chunk), new Split(body, mid, to, chunk));
        }
    }
}
