package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW + exact re-scoring against exhaustive search on synthetic clustered unit vectors (no model). The suite runs
 * 20k vectors (5k for int8) to stay quick; {@link RecallBenchmark} measures 100k, clustered and uniform.
 */
class RecallTest {
    static final int DIM = 512;

    static ModelIdentity fakeModel(int dim) {
        return new ModelIdentity("/synthetic", "c0", "w0", dim);
    }

    /** Clustered unit vectors: 200 random centres, points = centre + noise (as image collections are). */
    static float[][] clustered(int n, int dim, long seed) {
        Random r = new Random(seed);
        int clusters = 200;
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) centres[c] = randomUnit(r, dim);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(clusters)];
            float[] v = new float[dim];
            double spread = 0.5 + r.nextDouble();
            for (int j = 0; j < dim; j++) v[j] = (float) (c[j] + spread * r.nextGaussian() / Math.sqrt(dim));
            out[i] = unit(v);
        }
        return out;
    }

    static float[] randomUnit(Random r, int dim) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) v[j] = (float) r.nextGaussian();
        return unit(v);
    }

    static float[] unit(float[] v) {
        return Clip.normalize(v);
    }

    record Measurement(double recall, double msPerQuery, double secondsToIndex) {}

    static Measurement measure(Path dir, float[][] data, float[][] queries, VectorStore.Quantization q) {
        long t0 = System.nanoTime();
        try (VectorStore store = VectorStore.openForWriting(dir, fakeModel(data[0].length), q)) {
            // two writer threads: Lucene builds their segments' graphs in parallel (the suite must stay quick)
            IntStream.range(0, data.length).parallel().forEach(i -> {
                String path = "/img/" + i + ".jpg";
                store.put(new VectorStore.Entry(ImageStore.idOf(path), path, 1, 1, "h" + i), data[i]);
            });
            store.commit();
        }
        double indexSeconds = (System.nanoTime() - t0) / 1e9;
        try (VectorStore store = VectorStore.openForReading(dir)) {
            assertEquals(data.length, store.size());
            store.setExactLimit(0); // force HNSW
            double hit = 0;
            long searchNanos = 0;
            for (float[] query : queries) {
                Set<String> exact = new HashSet<>();
                for (VectorStore.Scored s : store.exactSearch(query, 10, null)) exact.add(s.path());
                long s0 = System.nanoTime();
                List<VectorStore.Scored> approx = store.search(query, 10, null);
                searchNanos += System.nanoTime() - s0;
                assertEquals(10, approx.size());
                for (int i = 1; i < approx.size(); i++)
                    assertTrue(approx.get(i - 1).score() >= approx.get(i).score());
                for (VectorStore.Scored s : approx) if (exact.contains(s.path())) hit++;
            }
            return new Measurement(hit / (10.0 * queries.length), searchNanos / 1e6 / queries.length, indexSeconds);
        }
    }

    static float[][] queriesNear(float[][] data, int count, long seed) {
        Random r = new Random(seed);
        float[][] q = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] base = data[r.nextInt(data.length)];
            float[] v = new float[base.length];
            for (int j = 0; j < v.length; j++)
                v[j] = (float) (base[j] + 0.7 * r.nextGaussian() / Math.sqrt(base.length));
            q[i] = unit(v);
        }
        return q;
    }

    static float[][] randomQueries(int count, int dim, long seed) {
        Random r = new Random(seed);
        float[][] q = new float[count][];
        for (int i = 0; i < count; i++) q[i] = randomUnit(r, dim);
        return q;
    }

    static int n() {
        return Integer.getInteger("clip4j.recall.n", 20_000);
    }

    @Test
    void defaultSearchRanksUniformVectorsExactly(@TempDir Path tmp) {
        // uniform random vectors are HNSW's worst case; below EXACT_LIMIT the default search scans them all
        float[][] data = new float[5000][];
        Random r = new Random(11);
        for (int i = 0; i < data.length; i++) data[i] = randomUnit(r, DIM);
        try (VectorStore store = VectorStore.openForWriting(tmp, fakeModel(DIM), VectorStore.Quantization.none)) {
            for (int i = 0; i < data.length; i++) {
                String path = "/u/" + i + ".jpg";
                store.put(new VectorStore.Entry(ImageStore.idOf(path), path, 1, 1, "h" + i), data[i]);
            }
            store.commit();
        }
        try (VectorStore store = VectorStore.openForReading(tmp)) {
            for (float[] q : randomQueries(20, DIM, 12)) {
                Integer[] order = new Integer[data.length];
                double[] score = new double[data.length];
                for (int i = 0; i < data.length; i++) {
                    order[i] = i;
                    for (int j = 0; j < DIM; j++) score[i] += (double) q[j] * data[i][j];
                }
                Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
                List<VectorStore.Scored> got = store.search(q, 10, null);
                for (int i = 0; i < 10; i++) {
                    assertEquals("/u/" + order[i] + ".jpg", got.get(i).path(), "rank " + i);
                    assertEquals(score[order[i]], got.get(i).score(), 1e-6);
                }
            }
        }
    }

    @Test
    void clusteredRecallAtLeast099(@TempDir Path tmp) {
        float[][] data = clustered(n(), DIM, 1);
        Measurement m = measure(tmp, data, queriesNear(data, 100, 2), null);
        System.out.printf(
                "recall@10 clustered n=%d: %.4f, %.2f ms/query, indexed in %.1f s%n",
                data.length, m.recall(), m.msPerQuery(), m.secondsToIndex());
        assertTrue(m.recall() >= 0.99, "recall@10 = " + m.recall());
    }

    @Test
    void int8QuantizedRecallAtLeast099(@TempDir Path tmp) {
        float[][] data = clustered(n() / 4, DIM, 5);
        Measurement m = measure(tmp, data, queriesNear(data, 100, 6), VectorStore.Quantization.int8);
        System.out.printf(
                "recall@10 clustered int8 n=%d: %.4f, %.2f ms/query, indexed in %.1f s%n",
                data.length, m.recall(), m.msPerQuery(), m.secondsToIndex());
        assertTrue(m.recall() >= 0.99, "recall@10 = " + m.recall());
    }
}
