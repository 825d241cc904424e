package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries answered together (one pass over the vectors, shared batches) give each caller its own exact answer. */
class SharedScanTest {
    @TempDir
    Path tmp;

    @Test
    void searchAllIsEachQuerysOwnSearchExactAndApproximate() {
        float[][] data = RecallTest.clustered(3000, 40, 11);
        float[][] queries = RecallTest.clustered(25, 40, 12);
        try (VectorStore store = VectorStore.openForWriting(
                tmp.resolve("idx"), RecallTest.fakeModel(40), ImageStore.Quantization.none)) {
            for (int i = 0; i < data.length; i++) {
                String p = String.format(Locale.ROOT, "/img/%05d.jpg", i);
                store.put(new ImageStore.Entry(ImageStore.idOf(p), p, 1, 1, "h" + i), data[i]);
            }
            store.commit();
            store.refresh();
            for (int limit : new int[] {VectorStore.EXACT_LIMIT, 100}) { // the scan, then HNSW + re-scoring
                store.setExactLimit(limit);
                List<List<ImageStore.Scored>> all = store.searchAll(List.of(queries), 10);
                assertEquals(queries.length, all.size());
                for (int i = 0; i < queries.length; i++)
                    assertEquals(store.search(queries[i], 10, null), all.get(i), "query " + i);
            }
            store.setExactLimit(VectorStore.EXACT_LIMIT);
            for (int i = 0; i < queries.length; i++)
                assertEquals(
                        store.exactSearch(queries[i], 7, null),
                        store.searchAll(List.of(queries[i]), 7).get(0));
        }
    }

    @Test
    void concurrentCallersGetTheirOwnAnswersInSharedBatches() throws Exception {
        AtomicInteger batches = new AtomicInteger(), largest = new AtomicInteger();
        CountDownLatch firstBatchRunning = new CountDownLatch(1), release = new CountDownLatch(1);
        Coalescer<Integer, String> c = new Coalescer<>(inputs -> {
            batches.incrementAndGet();
            largest.accumulateAndGet(inputs.size(), Math::max);
            if (batches.get() == 1) {
                firstBatchRunning.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (inputs.contains(13)) throw new IllegalArgumentException("bad request 13");
            List<String> out = new ArrayList<>();
            for (int i : inputs) out.add("answer " + i);
            return out;
        });
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            Future<String> first = pool.submit(() -> c.run(0));
            firstBatchRunning.await();
            // while the first batch runs, 15 more callers arrive: they share the next batch
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 1; i < 16; i++) {
                int n = i;
                rest.add(pool.submit(() -> c.run(n)));
            }
            Thread.sleep(200);
            release.countDown();
            assertEquals("answer 0", first.get());
            for (int i = 1; i < 16; i++) {
                Future<String> f = rest.get(i - 1);
                if (i == 13) {
                    Exception e = assertThrows(Exception.class, f::get);
                    assertTrue(e.getCause() instanceof IllegalArgumentException, e.toString());
                } else {
                    assertEquals("answer " + i, f.get());
                }
            }
            assertTrue(largest.get() > 1, "later callers were batched together");
            SharedBatches stats = c.stats();
            assertEquals(16, stats.requests(), stats.toString());
            assertTrue(stats.batches() >= 2 && stats.batches() < 16, stats.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeaderRunsOnlyItsOwnBatchThenHandsTheLeadOn() throws Exception {
        List<String> runners = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstBatchRunning = new CountDownLatch(1), release = new CountDownLatch(1);
        Coalescer<Integer, String> c = new Coalescer<>(inputs -> {
            runners.add(Thread.currentThread().getName());
            if (inputs.contains(0)) {
                firstBatchRunning.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return inputs.stream().map(i -> "answer " + i).toList();
        });
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<String> first = pool.submit(() -> c.run(0));
            firstBatchRunning.await();
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int n = i;
                rest.add(pool.submit(() -> c.run(n)));
            }
            Thread.sleep(100);
            release.countDown();
            assertEquals("answer 0", first.get());
            for (int i = 1; i <= 8; i++)
                assertEquals("answer " + i, rest.get(i - 1).get());
            assertEquals(2, runners.size(), "the 8 later callers share one batch: " + runners);
            assertTrue(!runners.get(0).equals(runners.get(1)), "the second batch ran on a later caller's thread");
            assertEquals(new SharedBatches(2, 9), c.stats());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchThatReturnsTooFewAnswersFailsItsCallersInsteadOfHangingThem() {
        Coalescer<Integer, String> c = new Coalescer<>(inputs -> List.of());
        Exception e = assertThrows(RuntimeException.class, () -> c.run(1));
        assertTrue(e.getMessage() != null, e.toString());
        assertEquals("x", new Coalescer<Integer, String>(in -> List.of("x")).run(2), "a good batch still answers");
    }

    @Test
    void aLoneCallerRunsAtOnce() {
        Coalescer<String, Integer> c =
                new Coalescer<>(in -> in.stream().map(String::length).toList());
        assertEquals(5, c.run("hello"));
        assertEquals(0, c.run(""));
    }
}
