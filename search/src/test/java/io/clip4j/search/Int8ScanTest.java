package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact scan over int8 copies of the vectors returns the exact ranking (the double-precision brute force, ties
 * by path), also where int8 codes cannot tell the vectors apart, after deletions and with an excluded image.
 */
class Int8ScanTest {
    @TempDir
    Path tmp;

    private static String path(int i) {
        return String.format(Locale.ROOT, "/img/%05d.jpg", i);
    }

    private static VectorStore store(Path dir, float[][] data) {
        VectorStore store =
                VectorStore.openForWriting(dir, RecallTest.fakeModel(data[0].length), ImageStore.Quantization.none);
        for (int i = 0; i < data.length; i++)
            store.put(new ImageStore.Entry(ImageStore.idOf(path(i)), path(i), 1, 1, "h" + i), data[i]);
        store.commit();
        return store;
    }

    /** The reference: every vector scored in double precision, best first, ties by path. */
    private static List<String> bruteForce(float[][] data, float[] q, int k, int... left) {
        List<Integer> ids = new ArrayList<>();
        outer:
        for (int i = 0; i < data.length; i++) {
            for (int l : left) if (l == i) continue outer;
            ids.add(i);
        }
        ids.sort(Comparator.<Integer>comparingDouble(i -> -ExactRanking.cosine(q, data[i]))
                .thenComparing(Int8ScanTest::path));
        return ids.subList(0, Math.min(k, ids.size())).stream()
                .map(Int8ScanTest::path)
                .toList();
    }

    private static List<String> paths(List<ImageStore.Scored> hits) {
        return hits.stream().map(ImageStore.Scored::path).toList();
    }

    @Test
    void int8CopyIsMadeOnTheSecondScanAndKeepsTheExactRanking() {
        float[][] data = RecallTest.clustered(4000, 96, 21);
        float[][] queries = RecallTest.clustered(40, 96, 22);
        try (VectorStore store = store(tmp.resolve("idx"), data)) {
            store.search(queries[0], 10, null);
            assertEquals(0, store.scanCopyBytes(), "a single scan makes no copy");
            store.search(queries[0], 10, null);
            assertTrue(
                    store.scanCopyBytes() >= 4000L * 96, "second scan makes the int8 copy: " + store.scanCopyBytes());
            for (float[] q : queries) assertEquals(bruteForce(data, q, 10), paths(store.search(q, 10, null)));
            List<List<ImageStore.Scored>> all = store.searchAll(List.of(queries), 25);
            for (int i = 0; i < queries.length; i++)
                assertEquals(bruteForce(data, queries[i], 25), paths(all.get(i)), "query " + i);
            // the same scores as the float scan
            List<ImageStore.Scored> int8 = store.search(queries[3], 10, null);
            store.setScanCopies(false);
            assertEquals(int8, store.search(queries[3], 10, null));
        }
    }

    @Test
    void nearDuplicatesThatShareTheirCodesAreStillRankedExactly() {
        // 300 variants of one vector, 1e-5 apart: their int8 codes coincide, their exact scores do not
        Random r = new Random(5);
        int dim = 64;
        float[] base = RecallTest.randomUnit(r, dim);
        float[][] data = new float[600][];
        for (int i = 0; i < data.length; i++) {
            if (i % 2 == 1) {
                data[i] = RecallTest.randomUnit(r, dim);
                continue;
            }
            float[] v = base.clone();
            for (int j = 0; j < dim; j++) v[j] += (float) (1e-5 * r.nextGaussian());
            data[i] = RecallTest.unit(v);
        }
        data[100] = base.clone(); // exact duplicates tie: ordered by path
        data[102] = base.clone();
        float[] q = base.clone();
        q[0] += 0.01f;
        q = RecallTest.unit(q);
        try (VectorStore store = store(tmp.resolve("dups"), data)) {
            store.search(q, 10, null);
            store.search(q, 10, null);
            assertTrue(store.scanCopyBytes() > 0);
            assertEquals(bruteForce(data, q, 20), paths(store.search(q, 20, null)));
            assertEquals(bruteForce(data, base, 5), paths(store.search(base, 5, null)));
        }
    }

    @Test
    void deletionsAndExclusionAfterTheCopyIsMade() {
        float[][] data = RecallTest.clustered(2000, 48, 31);
        float[] q = data[77].clone();
        try (VectorStore store = store(tmp.resolve("del"), data)) {
            store.search(q, 10, null);
            store.search(q, 10, null);
            assertTrue(store.scanCopyBytes() > 0);
            List<String> before = paths(store.search(q, 10, null));
            assertEquals(path(77), before.get(0));
            store.delete(path(77));
            store.delete(before.get(3));
            store.commit();
            List<String> after = paths(store.search(q, 10, null));
            int gone = Integer.parseInt(before.get(3).substring(5, 10));
            assertFalse(after.contains(path(77)));
            assertEquals(bruteForce(data, q, 10, 77, gone), after);
            String excluded = ImageStore.idOf(after.get(0));
            assertEquals(
                    bruteForce(
                            data, q, 10, 77, gone, Integer.parseInt(after.get(0).substring(5, 10))),
                    paths(store.search(q, 10, excluded)));
        }
    }
}
