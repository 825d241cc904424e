package io.clip4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Image-text retrieval recall as open_clip's {@code get_clip_metrics}: pair i's image and text match each other
 * and nothing else. For each image, the rank of its own text among all texts by cosine (and the other way round);
 * R@k is the fraction ranked within the first k. Ties count against the match (a text scoring exactly as high as the
 * right one ranks before it), so constant features do not look perfect.
 */
public final class RetrievalMetrics {
    public static final int[] KS = {1, 5, 10};

    private RetrievalMetrics() {}

    /**
     * @param images unit image features, one row per pair
     * @param texts  unit text features, one row per pair
     * @return {@code image_to_text_R@1, _R@5, _R@10, text_to_image_R@1, ...} (open_clip's names)
     */
    public static Map<String, Double> compute(float[][] images, float[][] texts) {
        if (images.length != texts.length)
            throw new IllegalArgumentException(images.length + " images for " + texts.length + " texts");
        int n = images.length;
        double[][] sim = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sim[i][j] = dot(images[i], texts[j]);
        int[] i2t = new int[n], t2i = new int[n];
        for (int i = 0; i < n; i++) {
            int ri = 0, rt = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                if (sim[i][j] >= sim[i][i]) ri++;
                if (sim[j][i] >= sim[i][i]) rt++;
            }
            i2t[i] = ri;
            t2i[i] = rt;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : KS) m.put("image_to_text_R@" + k, recall(i2t, k));
        for (int k : KS) m.put("text_to_image_R@" + k, recall(t2i, k));
        return m;
    }

    private static double recall(int[] ranks, int k) {
        int hit = 0;
        for (int r : ranks) if (r < k) hit++;
        return ranks.length == 0 ? 0 : (double) hit / ranks.length;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
