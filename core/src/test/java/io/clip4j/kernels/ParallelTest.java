package io.clip4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The compute team: every index exactly once, from several threads at a time, nested, and with failures. */
class ParallelTest {

    /** With {@code onePerThread}, one chunk per thread (the GEMM's split for large M), else chunks of {@code grain}. */
    private static int[] cover(int n, boolean onePerThread, int grain) {
        int[] seen = new int[n];
        Parallel.RangeBody body = (a, b) -> {
            for (int i = a; i < b; i++) seen[i]++;
        };
        int threads = Parallel.threads();
        Parallel.forRange(n, onePerThread ? (n + threads - 1) / threads : grain, body);
        return seen;
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        int[] ones = new int[1001];
        Arrays.fill(ones, 1);
        for (int round = 0; round < 2000; round++) {
            int n = 1 + round % 1001;
            assertArrayEquals(Arrays.copyOf(ones, n), cover(n, round % 2 == 0, 1 + round % 7), "round " + round);
        }
    }

    @Test
    void workIsSharedAmongTheTeam() {
        Parallel.setThreads(2);
        try {
            var threads = ConcurrentHashMap.<Thread>newKeySet();
            for (int round = 0; round < 200 && threads.size() < 2; round++) {
                Parallel.forRange(2, 1, (a, b) -> {
                    threads.add(Thread.currentThread());
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                });
            }
            assertEquals(2, threads.size(), "both members of a 2-thread team ran chunks");
        } finally {
            Parallel.setThreads(Parallel.defaultThreads());
        }
    }

    @Test
    void piecesShrinkTowardsTheEndButNeverBelowTheGrain() {
        Parallel.setThreads(2);
        try {
            for (int grain : new int[] {1, 3, 10}) {
                var pieces = new ConcurrentLinkedQueue<int[]>();
                int n = 400;
                Parallel.forRange(n, grain, (a, b) -> pieces.add(new int[] {a, b}));
                int covered = 0, largest = 0, smallest = Integer.MAX_VALUE;
                for (int[] p : pieces) {
                    int len = p[1] - p[0];
                    covered += len;
                    if (p[1] < n)
                        assertTrue(len >= grain, "piece " + p[0] + ".." + p[1] + " shorter than grain " + grain);
                    largest = Math.max(largest, len);
                    smallest = Math.min(smallest, len);
                }
                assertEquals(n, covered);
                // guided: the first piece is a quarter of the range (2 threads), the last ones are the grain
                assertEquals(n / 4, largest, "largest piece, grain " + grain);
                assertTrue(smallest <= grain, "smallest piece " + smallest + ", grain " + grain);
            }
        } finally {
            Parallel.setThreads(Parallel.defaultThreads());
        }
    }

    @Test
    void concurrentAndNestedCallsAreCorrect() throws Exception {
        int callers = 4, n = 5000;
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            ts[c] = new Thread(() -> {
                try {
                    go.await();
                    for (int round = 0; round < 100; round++) {
                        AtomicInteger total = new AtomicInteger();
                        // an outer parallel call whose chunks make inner parallel calls
                        Parallel.forRange(8, 1, (a, b) -> {
                            for (int i = a; i < b; i++) {
                                int[] seen = cover(n, i % 2 == 0, 16);
                                for (int v : seen) total.addAndGet(v);
                            }
                        });
                        if (total.get() != 8 * n) failures.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ts[c].start();
        }
        go.countDown();
        for (Thread t : ts) t.join(60_000);
        for (Thread t : ts) assertTrue(!t.isAlive(), "a caller is stuck");
        assertEquals(0, failures.get());
    }

    @Test
    void aFailingChunkFailsTheCallAndLeavesTheTeamUsable() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> Parallel.forRange(100, 1, (a, b) -> {
                    if (a <= 50 && 50 < b) throw new IllegalStateException("chunk with 50");
                }));
        assertEquals("chunk with 50", e.getMessage());
        int[] seen = cover(100, true, 1);
        for (int v : seen) assertEquals(1, v);
    }
}
