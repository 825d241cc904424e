package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
    static float[][] basis(int n, int... perm) {
        float[][] v = new float[n][n];
        for (int i = 0; i < n; i++) v[i][perm.length == 0 ? i : perm[i]] = 1;
        return v;
    }

    @Test
    void identicalFeaturesRetrieveEveryPairFirst() {
        Map<String, Double> m = RetrievalMetrics.compute(basis(12), basis(12));
        assertEquals(6, m.size());
        m.forEach((k, v) -> assertEquals(1.0, v, k));
    }

    @Test
    void ranksCountedFromAKnownSimilarityMatrix() {
        // 12 pairs; text i is image (i+1) mod 12 exactly, and only a little like image i: for every image its own
        // text ranks second (after text i-1), for every text its own image ranks second too
        int n = 12;
        float[][] img = basis(n);
        float[][] txt = new float[n][n];
        for (int i = 0; i < n; i++) {
            txt[i][(i + 1) % n] = 1;
            txt[i][i] = 0.5f;
        }
        Map<String, Double> m = RetrievalMetrics.compute(img, txt);
        assertEquals(0.0, m.get("image_to_text_R@1"));
        assertEquals(1.0, m.get("image_to_text_R@5"));
        assertEquals(0.0, m.get("text_to_image_R@1"));
        assertEquals(1.0, m.get("text_to_image_R@10"));
    }

    @Test
    void tiesCountAgainstTheMatch() {
        float[][] same = new float[20][];
        for (int i = 0; i < 20; i++) same[i] = new float[] {1, 0};
        Map<String, Double> m = RetrievalMetrics.compute(same, same);
        assertEquals(0.0, m.get("image_to_text_R@10"));
        assertEquals(0.0, m.get("text_to_image_R@1"));
    }

    @Test
    void partialRecallIsAFraction() {
        // text 4 leans towards image 0: every image still finds its own text first (image 0's text is exactly
        // image 0), but text 4 finds image 0 before its own image
        float[][] img = basis(5);
        float[][] txt = basis(5);
        txt[4] = new float[] {0.9f, 0, 0, 0, 0.1f};
        Map<String, Double> m = RetrievalMetrics.compute(img, txt);
        assertEquals(1.0, m.get("image_to_text_R@1"));
        assertEquals(1.0, m.get("text_to_image_R@5"));
        assertEquals(4.0 / 5, m.get("text_to_image_R@1"), 1e-12);
    }
}
