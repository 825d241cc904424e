package io.clip4j.solr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.api.ModelIdentity;
import io.clip4j.search.ImageStore;
import io.clip4j.search.ImageStore.Scored;
import io.clip4j.search.VectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * SolrImageStore on a real 2-node SolrCloud cluster, collections of 2 shards x 2 replicas (each node holds a
 * replica of each shard): storing, exact search, recall of the sharded HNSW candidates, and a node stopped in
 * the middle of an indexing run with searches going on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrImageStoreClusterTest {
    @TempDir
    static Path tmp;

    static SolrTestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SolrTestCluster.start(2, tmp.resolve("cluster"), "1g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    static SolrTarget collection(String name) {
        SolrTarget t = SolrTarget.parse(cluster.solrUrls(), name);
        SolrImageStore.createCollection(t, SolrTestCluster.CONFIGSET, 2, 2);
        return t;
    }

    @Test
    @Order(1)
    void storesEntriesAndVectorsAndRanksExactly() {
        SolrTarget t = collection("exact");
        int dim = 16, n = 300;
        SplittableRandom rnd = new SplittableRandom(1);
        Map<String, float[]> all;
        try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(dim), null)) {
            all = Vectors.putRandom(store, rnd, n, dim);
            // buffered writes are readable before they are sent
            assertArrayEquals(
                    all.get(Vectors.path(7)),
                    store.vectorOfPath(Vectors.path(7)).orElseThrow());
            store.recordSources(List.of(Path.of("/photos")), List.of(Path.of("/photos/private")));
            store.commit();
        }
        try (SolrImageStore store = SolrImageStore.openForReading(t)) {
            assertEquals(n, store.size());
            assertEquals(Vectors.model(dim), store.meta().model());
            assertEquals(List.of(Path.of("/photos")), store.roots());
            assertEquals(List.of(Path.of("/photos/private")), store.excludes());
            assertEquals(Vectors.entry(42), store.entries().get(Vectors.path(42)));
            assertEquals(
                    Vectors.entry(42),
                    store.byId(ImageStore.idOf(Vectors.path(42))).orElseThrow());
            assertArrayEquals(
                    all.get(Vectors.path(42)),
                    store.vectorOfPath(Vectors.path(42)).orElseThrow(),
                    "vectors come back bit for bit");
            for (int q = 0; q < 20; q++) {
                float[] query = Vectors.unit(rnd, dim);
                assertEquals(Vectors.exactTop(all, query, 10), store.search(query, 10, null));
            }
            String first = ImageStore.idOf(Vectors.path(3));
            List<Scored> similar = store.search(all.get(Vectors.path(3)), 5, first);
            assertEquals(5, similar.size());
            assertTrue(similar.stream().noneMatch(s -> s.id().equals(first)));
            List<String> paths = new ArrayList<>();
            store.forEachVector((e, v) -> {
                paths.add(e.path());
                assertArrayEquals(all.get(e.path()), v);
            });
            assertEquals(new ArrayList<>(all.keySet()), paths, "exports are sorted by path");
        }
    }

    @Test
    @Order(2)
    void updatesAndDeletesReplaceByPath() {
        SolrTarget t = collection("updates");
        int dim = 8;
        SplittableRandom rnd = new SplittableRandom(2);
        try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(dim), null)) {
            for (int i = 0; i < 10; i++) store.put(Vectors.entry(i), Vectors.unit(rnd, dim));
            store.commit();
            float[] fresh = Vectors.unit(rnd, dim);
            store.put(Vectors.entry(4), fresh);
            store.delete(Vectors.path(5));
            store.commit();
            assertEquals(9, store.size());
            assertArrayEquals(fresh, store.vectorOfPath(Vectors.path(4)).orElseThrow());
            assertTrue(store.vectorOfPath(Vectors.path(5)).isEmpty());
            assertEquals(Vectors.path(4), store.search(fresh, 1, null).get(0).path());
        }
    }

    @Test
    @Order(3)
    void refusesAnotherModelAndInt8() {
        SolrTarget t = collection("models");
        try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(8), null)) {
            assertEquals(0, store.size());
        }
        ModelIdentity other = new ModelIdentity("/models/other", "config-x", "weights-x", 8);
        Clip4jException e = assertThrows(Clip4jException.class, () -> SolrImageStore.openForWriting(t, other, null));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
        Clip4jException q = assertThrows(
                Clip4jException.class,
                () -> SolrImageStore.openForWriting(t, Vectors.model(8), ImageStore.Quantization.int8));
        assertTrue(q.getMessage().contains("int8"), q.getMessage());
        Clip4jException missing = assertThrows(
                Clip4jException.class,
                () -> SolrImageStore.openForReading(SolrTarget.parse(cluster.solrUrls(), "nosuch")));
        assertTrue(missing.getMessage().contains("no such collection"), missing.getMessage());
    }

    /**
     * Each shard's HNSW graph proposes only 80 candidates (8 x k) of its ~2,000 vectors here, so candidates are
     * really approximate; after exact re-scoring the top 10 must still be the exact top 10 for >= 99 % of queries.
     */
    @Test
    @Order(4)
    void shardedCandidatesGiveTheExactTopTen() {
        SolrTarget t = collection("recall");
        int dim = 32, n = 4_000, queries = 100;
        SplittableRandom rnd = new SplittableRandom(3);
        try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(dim), null)) {
            Map<String, float[]> all = Vectors.putRandom(store, rnd, n, dim);
            store.commit();
            store.setExactLimit(0); // the HNSW path, though the collection is small enough for a scan
            store.setMinCandidates(0);
            int exact = 0;
            for (int q = 0; q < queries; q++) {
                float[] query = Vectors.unit(rnd, dim);
                if (Vectors.exactTop(all, query, 10).equals(store.search(query, 10, null))) exact++;
            }
            assertTrue(exact >= 99, "exact top 10 for " + exact + " of " + queries + " queries");
        }
    }

    /**
     * Up to the exact limit every shard scans all its vectors: uniform random vectors in 256 dimensions (HNSW's
     * worst case) get the exact top 10 for every query, an excluded id included; the HNSW path with the same
     * (small) candidate count, as a control, misses for some.
     */
    @Test
    @Order(5)
    void smallCollectionsAreScannedExactly() {
        SolrTarget t = collection("scan");
        int dim = 256, n = 4_000, queries = 30;
        SplittableRandom rnd = new SplittableRandom(5);
        try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(dim), null)) {
            Map<String, float[]> all = Vectors.putRandom(store, rnd, n, dim);
            store.commit();
            store.setMinCandidates(0); // 88 candidates per shard of ~2,000 when HNSW is asked
            int hnswExact = 0;
            for (int q = 0; q < queries; q++) {
                float[] query = Vectors.unit(rnd, dim);
                List<Scored> want = Vectors.exactTop(all, query, 11);
                assertEquals(want.subList(0, 10), store.search(query, 10, null), "query " + q);
                assertEquals(
                        want.subList(1, 11),
                        store.search(query, 10, want.get(0).id()),
                        "query " + q + ", best left out");
                store.setExactLimit(0);
                if (want.subList(0, 10).equals(store.search(query, 10, null))) hnswExact++;
                store.setExactLimit(VectorStore.EXACT_LIMIT);
            }
            // measured 22 of 30: at ~3 in 4 a query, all 30 by chance has odds below 1e-4
            assertTrue(hnswExact < queries, "control: HNSW alone was exact for all " + queries + " queries");
        }
    }

    /**
     * Node 1 stops while an indexing run commits batch after batch and searches go on: every search answers, and
     * every image indexed (before, during and after the stop) is there at the end.
     */
    @Test
    @Order(99)
    void nodeStoppedMidRunLosesNothingAndSearchesKeepAnswering() throws Exception {
        SolrTarget t = collection("failover");
        int dim = 16, batches = 24, perBatch = 50, stopAfter = 8;
        SplittableRandom rnd = new SplittableRandom(4);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < batches * perBatch; i++) vectors.add(Vectors.unit(rnd, dim));
        AtomicInteger committedBatches = new AtomicInteger();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        try (SolrImageStore writer = SolrImageStore.openForWriting(t, Vectors.model(dim), null);
                SolrImageStore reader = SolrImageStore.openForReading(t)) {
            Thread indexing = new Thread(
                    () -> {
                        try {
                            for (int b = 0; b < batches; b++) {
                                for (int i = b * perBatch; i < (b + 1) * perBatch; i++)
                                    writer.put(Vectors.entry(i), vectors.get(i));
                                writer.commit();
                                committedBatches.incrementAndGet();
                                Thread.sleep(100);
                            }
                        } catch (Throwable e) {
                            writerError.set(e);
                        }
                    },
                    "indexing");
            indexing.start();

            AtomicInteger searches = new AtomicInteger(), failures = new AtomicInteger();
            AtomicLong slowestMs = new AtomicLong();
            AtomicReference<Throwable> searchError = new AtomicReference<>();
            Thread searching = new Thread(
                    () -> {
                        SplittableRandom r = new SplittableRandom(5);
                        while (indexing.isAlive()) {
                            long t0 = System.nanoTime();
                            try {
                                reader.search(Vectors.unit(r, dim), 10, null);
                                searches.incrementAndGet();
                            } catch (RuntimeException e) {
                                failures.incrementAndGet();
                                searchError.compareAndSet(null, e);
                            }
                            slowestMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                        }
                    },
                    "searching");
            searching.start();

            while (committedBatches.get() < stopAfter && indexing.isAlive()) Thread.sleep(20);
            long t0 = System.nanoTime();
            cluster.stopNode(1);
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            indexing.join(300_000);
            searching.join(60_000);

            assertEquals(null, writerError.get(), () -> "indexing failed; cluster log:\n" + cluster.logTail());
            assertEquals(
                    0,
                    failures.get(),
                    () -> failures.get() + " of " + (searches.get() + failures.get()) + " searches failed, first: "
                            + searchError.get());
            assertEquals(batches, committedBatches.get());
            assertEquals(batches * perBatch, reader.size(), "nothing indexed is lost");
            Map<String, ImageStore.Entry> entries = reader.entries();
            for (int i = 0; i < batches * perBatch; i++) assertEquals(Vectors.entry(i), entries.get(Vectors.path(i)));
            assertArrayEquals(
                    vectors.get(3), reader.vectorOfPath(Vectors.path(3)).orElseThrow());
            System.out.printf(
                    "node-failure test: %d searches during the run, none failed, slowest %d ms; stopping node 1 took %d ms%n",
                    searches.get(), slowestMs.get(), stopMs);
        }
    }
}
