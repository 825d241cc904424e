package io.clip4j.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
    /** n points per class around well separated means in d dimensions. */
    record Data(float[][] x, int[] y) {}

    static Data clusters(int classes, int perClass, int dim, double spread, long seed) {
        Random rng = new Random(seed);
        double[][] means = new double[classes][dim];
        Random mr = new Random(1234);
        for (double[] m : means) for (int d = 0; d < dim; d++) m[d] = 3 * mr.nextGaussian();
        float[][] x = new float[classes * perClass][dim];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) x[i][d] = (float) (means[y[i]][d] + spread * rng.nextGaussian());
        }
        return new Data(x, y);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Data data = clusters(3, 7, 4, 2.0, 1);
        int n = 3 * 4 + 3;
        Random rng = new Random(5);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = 0.3 * rng.nextGaussian();
        double lambda = 0.05;
        double[] g = new double[n];
        LogisticRegression.objective(data.x(), data.y(), 3, lambda, p, g);
        double h = 1e-6;
        for (int i = 0; i < n; i++) {
            double[] plus = p.clone(), minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (LogisticRegression.objective(data.x(), data.y(), 3, lambda, plus, new double[n])
                            - LogisticRegression.objective(data.x(), data.y(), 3, lambda, minus, new double[n]))
                    / (2 * h);
            assertEquals(fd, g[i], 1e-6, "d/dp" + i);
        }
    }

    @Test
    void solutionIsStationaryAndClassifiesTheClusters() {
        Data train = clusters(4, 50, 6, 1.5, 2);
        Data test = clusters(4, 50, 6, 1.5, 3);
        double lambda = 1e-3;
        LogisticRegression.Model m = LogisticRegression.fit(train.x(), train.y(), 4, lambda);
        double[] p = m.parameters();
        double[] g = new double[p.length];
        double f = LogisticRegression.objective(train.x(), train.y(), 4, lambda, p, g);
        for (double gi : g) assertEquals(0, gi, 1e-6);
        // unregularised biases: at the optimum the mean predicted probability of each class is its frequency
        double[] meanProb = new double[4];
        for (float[] xi : train.x()) {
            double[] z = m.scores(xi);
            double lse = LogisticRegression.logSumExp(z);
            for (int k = 0; k < 4; k++) meanProb[k] += Math.exp(z[k] - lse) / train.x().length;
        }
        for (double q : meanProb) assertEquals(0.25, q, 1e-5);
        // convex: random nearby points are not lower
        Random rng = new Random(7);
        for (int t = 0; t < 20; t++) {
            double[] q = p.clone();
            for (int i = 0; i < q.length; i++) q[i] += 1e-3 * rng.nextGaussian();
            assertTrue(LogisticRegression.objective(train.x(), train.y(), 4, lambda, q, new double[q.length]) >= f);
        }
        assertTrue(LinearProbe.accuracy(m, test.x(), test.y()) > 0.95);
        // deterministic
        assertArrayEquals(
                p, LogisticRegression.fit(train.x(), train.y(), 4, lambda).parameters());
        // and the same optimum from a warm start elsewhere
        double[] start = new double[p.length];
        Arrays.fill(start, 0.5);
        double[] other = LogisticRegression.fit(
                        train.x(), train.y(), 4, lambda, start, LogisticRegression.Settings.defaults())
                .parameters();
        // flat directions (separable data, tiny penalty) leave the parameters loose; the optimum value is not: f - f*
        // <= max-norm(g)^2 * dim / (4 lambda) ~ 1e-8
        assertEquals(
                f, LogisticRegression.objective(train.x(), train.y(), 4, lambda, other, new double[p.length]), 1e-8);
    }

    @Test
    void strongerPenaltyShrinksTheWeights() {
        Data d = clusters(3, 30, 5, 1.0, 4);
        double last = Double.POSITIVE_INFINITY;
        for (double lambda : new double[] {1e-4, 1e-2, 1, 100}) {
            LogisticRegression.Model m = LogisticRegression.fit(d.x(), d.y(), 3, lambda);
            double norm = 0;
            for (double w : m.weights()) norm += w * w;
            assertTrue(norm < last, "lambda " + lambda);
            last = norm;
        }
        assertTrue(last < 1e-3);
    }

    @Test
    void probeSweepPicksAPenaltyAndSplitsEveryClass() {
        Data train = clusters(3, 40, 5, 2.5, 8);
        boolean[] val = LinearProbe.stratifiedSplit(train.y(), 3, 0.2, 0);
        int[] perClass = new int[3];
        for (int i = 0; i < val.length; i++) if (val[i]) perClass[train.y()[i]]++;
        assertArrayEquals(new int[] {8, 8, 8}, perClass);
        assertArrayEquals(val, LinearProbe.stratifiedSplit(train.y(), 3, 0.2, 0));
        LinearProbe.Result r = LinearProbe.fit(train.x(), train.y(), 3, LinearProbe.Settings.defaults());
        assertEquals(17 + 2, r.sweep().size());
        double bestAcc = r.sweep().stream()
                .mapToDouble(LinearProbe.SweepPoint::valAccuracy)
                .max()
                .orElseThrow();
        assertEquals(bestAcc, r.valAccuracy());
        assertTrue(r.sweep().stream().anyMatch(p -> p.lambda() == r.bestLambda() && p.valAccuracy() == bestAcc));
        assertTrue(r.valAccuracy() > 0.8, "val accuracy " + r.valAccuracy());
        Data test = clusters(3, 40, 5, 2.5, 9);
        assertTrue(LinearProbe.accuracy(r.model(), test.x(), test.y()) > 0.8);
    }
}
