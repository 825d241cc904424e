package io.clip4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clip4j.search.ImageStore.Scored;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactRankingTest {
    private static float[] unit(Random r, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Test
    void keepsTheBestKOfAnyOfferOrderAsAFullSortWould() {
        Random r = new Random(7);
        float[] q = unit(r, 33);
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < 500; i++) vs.add(unit(r, 33));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < vs.size(); i++) order.add(i);
        List<Integer> byScore = new ArrayList<>(order);
        byScore.sort(Comparator.comparingDouble((Integer i) -> -ExactRanking.cosine(q, vs.get(i))));
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(order, r);
            ExactRanking<Integer> ranking = new ExactRanking<>(10);
            for (int i : order) ranking.offer(i, String.format(Locale.ROOT, "p%03d", i), q, vs.get(i));
            List<Scored> best = ranking.best((ref, path, score) -> new Scored(ref.toString(), path, score));
            assertEquals(10, best.size());
            for (int j = 0; j < 10; j++)
                assertEquals(byScore.get(j).toString(), best.get(j).id());
        }
    }

    @Test
    void equalScoresAreOrderedByPathWhateverTheOfferOrder() {
        for (List<String> offered : List.of(List.of("c", "a", "d", "b"), List.of("d", "c", "b", "a"))) {
            ExactRanking<String> ranking = new ExactRanking<>(3);
            for (String p : offered) ranking.offerScored(p, p, 0.5);
            List<Scored> best = ranking.best((ref, path, score) -> new Scored(ref, path, score));
            assertEquals(List.of("a", "b", "c"), best.stream().map(Scored::path).toList());
        }
    }

    @Test
    void zeroKKeepsNothingAndDimensionsMustAgree() {
        ExactRanking<String> ranking = new ExactRanking<>(0);
        ranking.offerScored("x", "x", 1);
        assertEquals(List.of(), ranking.best((ref, path, score) -> new Scored(ref, path, score)));
        assertThrows(IllegalArgumentException.class, () -> ExactRanking.cosine(new float[3], new float[4]));
    }
}
