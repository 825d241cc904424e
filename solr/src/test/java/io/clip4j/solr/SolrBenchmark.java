package io.clip4j.solr;

import io.clip4j.search.ImageStore.Scored;
import io.clip4j.search.VectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Not a test: the SolrCloud figures of BENCHMARKS.md. Starts the 2-node test cluster, indexes N random unit
 * vectors into a 2-shard x 2-replica collection through SolrImageStore (a commit every 1,000, as the indexer
 * does), then runs Q queries per candidate count: latency percentiles, recall@10 against the exact ranking, and
 * the share of queries whose top 10 is exactly the exact top 10. Candidate count 0 is the exact scan (each shard
 * scores all its vectors), the store's default up to 200,000 images; others force the HNSW path.
 *
 * <pre>scripts/bench-solr [N] [DIM] [uniform|clustered] [Q] [CANDIDATES,...]</pre>
 */
public final class SolrBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        boolean clustered = args.length > 2 && args[2].equals("clustered");
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int[] candidates = args.length > 4
                ? Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 200, 400}; // 0: the exact scan (the default up to 200,000 images)
        Path dir = Files.createTempDirectory("clip4j-solr-bench");
        System.out.printf(
                Locale.ROOT,
                "%d %s unit vectors of %d dims, %d queries; cluster in %s%n",
                n,
                clustered ? "clustered" : "uniform random",
                dim,
                queries,
                dir);

        SplittableRandom rnd = new SplittableRandom(11);
        float[][] data = new float[n][];
        float[][] centers = new float[Math.max(1, n / 100)][];
        for (int c = 0; c < centers.length; c++) centers[c] = Vectors.unit(rnd, dim);
        for (int i = 0; i < n; i++)
            data[i] = clustered ? near(centers[rnd.nextInt(centers.length)], rnd, 0.6f) : Vectors.unit(rnd, dim);
        float[][] qs = new float[queries][];
        for (int q = 0; q < queries; q++)
            qs[q] = clustered ? near(data[rnd.nextInt(n)], rnd, 0.3f) : Vectors.unit(rnd, dim);

        try (SolrTestCluster cluster = SolrTestCluster.start(2, dir, "3g")) {
            SolrTarget t = SolrTarget.parse(cluster.solrUrls(), "bench");
            SolrImageStore.createCollection(t, SolrTestCluster.CONFIGSET, 2, 2);
            long t0 = System.nanoTime();
            try (SolrImageStore store = SolrImageStore.openForWriting(t, Vectors.model(dim), null)) {
                for (int i = 0; i < n; i++) {
                    store.put(Vectors.entry(i), data[i]);
                    if ((i + 1) % 1000 == 0) store.commit();
                }
                store.commit();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "indexed %d in %.1f s: %.0f vectors/s (2 shards x 2 replicas: every vector is indexed twice)%n",
                    n,
                    seconds,
                    n / seconds);

            Map<String, float[]> all = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) all.put(Vectors.path(i), data[i]);
            long e0 = System.nanoTime();
            @SuppressWarnings("unchecked")
            List<Scored>[] exact = new List[queries];
            for (int q = 0; q < queries; q++) exact[q] = Vectors.exactTop(all, qs[q], 10);
            System.out.printf(
                    Locale.ROOT,
                    "exact top 10 by brute force (in memory): %.1f ms per query%n",
                    (System.nanoTime() - e0) / 1e6 / queries);

            try (SolrImageStore store = SolrImageStore.openForReading(t)) {
                for (int q = 0; q < 20; q++) store.search(qs[q], 10, null); // warm-up
                for (int c : candidates) {
                    store.setExactLimit(c == 0 ? VectorStore.EXACT_LIMIT : 0);
                    store.setMinCandidates(c);
                    long[] ns = new long[queries];
                    int same = 0;
                    double recall = 0;
                    for (int q = 0; q < queries; q++) {
                        long s0 = System.nanoTime();
                        List<Scored> got = store.search(qs[q], 10, null);
                        ns[q] = System.nanoTime() - s0;
                        if (got.equals(exact[q])) same++;
                        Set<String> want = new HashSet<>();
                        for (Scored s : exact[q]) want.add(s.id());
                        int hit = 0;
                        for (Scored s : got) if (want.contains(s.id())) hit++;
                        recall += hit / 10.0;
                    }
                    Arrays.sort(ns);
                    System.out.printf(
                            Locale.ROOT,
                            "%-22s p50 %.1f ms, p99 %.1f ms; recall@10 %.4f; exact top 10 for %.1f %% of queries%n",
                            c == 0 ? "scan of every vector:" : "HNSW, " + c + " per shard:",
                            ns[queries / 2] / 1e6,
                            ns[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1e6,
                            recall / queries,
                            100.0 * same / queries);
                }
            }
        }
    }

    /** A unit vector near {@code center}: the center plus Gaussian noise of about {@code spread} in norm. */
    private static float[] near(float[] center, SplittableRandom rnd, float spread) {
        float[] noise = Vectors.unit(rnd, center.length);
        float[] v = new float[center.length];
        for (int i = 0; i < v.length; i++) v[i] = center[i] + spread * noise[i];
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }
}
