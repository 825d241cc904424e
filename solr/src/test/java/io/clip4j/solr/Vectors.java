package io.clip4j.solr;

import io.clip4j.api.ModelIdentity;
import io.clip4j.search.ExactRanking;
import io.clip4j.search.ImageStore;
import io.clip4j.search.ImageStore.Entry;
import io.clip4j.search.ImageStore.Scored;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** Random unit vectors standing for image embeddings, their entries, and the exact ranking to compare with. */
final class Vectors {
    private Vectors() {}

    static ModelIdentity model(int dim) {
        return new ModelIdentity("/models/fake-" + dim, "config-" + dim, "weights-" + dim, dim);
    }

    static float[] unit(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += (double) v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < dim; i++) v[i] *= inv;
        return v;
    }

    static String path(int i) {
        return String.format(Locale.ROOT, "/photos/%06d.jpg", i);
    }

    static Entry entry(int i) {
        String path = path(i);
        return new Entry(ImageStore.idOf(path), path, 1000 + i, 1_700_000_000_000L + i, "hash-" + i);
    }

    /**
     * Puts {@code n} random unit vectors into {@code store} as entries 0 .. n-1 (not committed); returns them by path,
     * in entry order, for {@link #exactTop}.
     */
    static Map<String, float[]> putRandom(ImageStore store, SplittableRandom rnd, int n, int dim) {
        Map<String, float[]> all = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            float[] v = unit(rnd, dim);
            store.put(entry(i), v);
            all.put(path(i), v);
        }
        return all;
    }

    /** The exact top k of {@code all} (path -> vector) for a query, as a store must return it. */
    static List<Scored> exactTop(Map<String, float[]> all, float[] query, int k) {
        ExactRanking<String> r = new ExactRanking<>(k);
        for (Map.Entry<String, float[]> e : all.entrySet())
            r.offer(ImageStore.idOf(e.getKey()), e.getKey(), query, e.getValue());
        return r.best(Scored::new);
    }
}
