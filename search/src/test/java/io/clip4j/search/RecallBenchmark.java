package io.clip4j.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Not a test: the 100k recall/latency measurement behind the README's numbers.
 * {@code java -cp ... io.clip4j.search.RecallBenchmark [n] [clustered|uniform] [int8]}
 */
public final class RecallBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        boolean uniform = args.length > 1 && args[1].equals("uniform");
        VectorStore.Quantization q = args.length > 2 && args[2].equals("int8") ? VectorStore.Quantization.int8 : null;
        Path dir = Files.createTempDirectory("recall");
        float[][] data;
        float[][] queries;
        if (uniform) {
            Random r = new Random(3);
            data = new float[n][];
            for (int i = 0; i < n; i++) data[i] = RecallTest.randomUnit(r, RecallTest.DIM);
            queries = RecallTest.randomQueries(200, RecallTest.DIM, 4);
        } else {
            data = RecallTest.clustered(n, RecallTest.DIM, 1);
            queries = RecallTest.queriesNear(data, 200, 2);
        }
        long t0 = System.nanoTime();
        try (VectorStore store = VectorStore.openForWriting(dir, RecallTest.fakeModel(RecallTest.DIM), q)) {
            for (int i = 0; i < n; i++) {
                String path = "/img/" + i + ".jpg";
                store.put(new VectorStore.Entry(ImageStore.idOf(path), path, 1, 1, "h" + i), data[i]);
                if ((i + 1) % 1000 == 0) store.commit(); // as the indexer: many small commits, merged by Lucene
            }
            store.commit();
        }
        System.out.printf(Locale.ROOT, "indexed %d in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        try (VectorStore store = VectorStore.openForReading(dir)) {
            Set<String>[] exact = new Set[queries.length];
            long e0 = System.nanoTime();
            for (int i = 0; i < queries.length; i++) {
                exact[i] = new HashSet<>();
                for (VectorStore.Scored s : store.exactSearch(queries[i], 10, null)) exact[i].add(s.path());
            }
            System.out.printf(
                    Locale.ROOT, "exact scan: %.1f ms/query%n", (System.nanoTime() - e0) / 1e6 / queries.length);
            for (int cand : new int[] {100, 200, 400, 800}) {
                for (int rep = 0; rep < 2; rep++) {
                    double hit = 0;
                    long[] times = new long[queries.length];
                    for (int i = 0; i < queries.length; i++) {
                        long s0 = System.nanoTime();
                        var res = store.approximateSearch(queries[i], 10, cand, null);
                        times[i] = System.nanoTime() - s0;
                        for (VectorStore.Scored s : res) if (exact[i].contains(s.path())) hit++;
                    }
                    Arrays.sort(times);
                    System.out.printf(
                            "candidates %d: recall@10 %.4f, p50 %.2f ms, p90 %.2f ms%n",
                            cand,
                            hit / (10.0 * queries.length),
                            times[times.length / 2] / 1e6,
                            times[times.length * 9 / 10] / 1e6);
                }
            }
        }
    }
}
