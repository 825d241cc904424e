package io.clip4j.probe;

import io.clip4j.Clip4jException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The CLIP paper's linear-probe protocol on frozen features: L2-regularised logistic regression, the penalty
 * chosen on a stratified validation split of the training set, then refit on the whole training set.
 *
 * <p>The sweep: lambda = 10^e for e = -6, -5.5, ..., 2 (largest first, each fit warm-started from the previous
 * one), then 10^(e* +- 0.25) around the best. Best = highest validation accuracy, ties broken by the lower
 * validation cross-entropy. The paper sweeps 10^-6..10^6 for sklearn's C (a sum loss); with a mean loss lambda
 * above ~10^2 only shrinks the weights to zero, so the grid stops there. Deterministic for a seed.
 */
public final class LinearProbe {
    /** Probe settings: split seed, validation fraction, penalty grid (exponents of 10). */
    public record Settings(long seed, double valFraction, double[] exponents, boolean refine) {
        public static Settings defaults() {
            double[] e = new double[17];
            for (int i = 0; i < e.length; i++) e[i] = 2 - 0.5 * i;
            return new Settings(0, 0.2, e, true);
        }

        public Settings withSeed(long s) {
            return new Settings(s, valFraction, exponents, refine);
        }

        public Settings withValFraction(double f) {
            return new Settings(seed, f, exponents, refine);
        }
    }

    /** One point of the sweep. */
    public record SweepPoint(double lambda, double valAccuracy, double valLoss) {}

    /** The outcome: best penalty, its validation accuracy, the final model (trained on all training data). */
    public record Result(
            double bestLambda, double valAccuracy, List<SweepPoint> sweep, LogisticRegression.Model model) {
        public int predict(float[] x) {
            return model.predict(x);
        }
    }

    /** Lambda used when the split leaves no validation data (every class has a single image). */
    public static final double FALLBACK_LAMBDA = 1e-3;

    private LinearProbe() {}

    public static Result fit(float[][] x, int[] y, int classes, Settings settings) {
        if (x.length == 0) throw new Clip4jException("linear probe: no training images");
        if (!(settings.valFraction() > 0 && settings.valFraction() < 1)) {
            throw new Clip4jException("validation fraction must be in (0, 1), got " + settings.valFraction());
        }
        boolean[] isVal = stratifiedSplit(y, classes, settings.valFraction(), settings.seed());
        List<Integer> tr = new ArrayList<>();
        List<Integer> va = new ArrayList<>();
        for (int i = 0; i < y.length; i++) (isVal[i] ? va : tr).add(i);
        List<SweepPoint> sweep = new ArrayList<>();
        double best = FALLBACK_LAMBDA;
        double bestAcc = Double.NaN;
        if (!va.isEmpty()) {
            float[][] xt = rows(x, tr);
            int[] yt = labels(y, tr);
            float[][] xv = rows(x, va);
            int[] yv = labels(y, va);
            double[] warm = null;
            SweepPoint top = null;
            double[] exps = settings.exponents().clone();
            Arrays.sort(exps);
            for (int i = exps.length - 1; i >= 0; i--) { // large lambda first: warm starts move toward less smooth fits
                LogisticRegression.Model m = LogisticRegression.fit(
                        xt, yt, classes, Math.pow(10, exps[i]), warm, LogisticRegression.Settings.defaults());
                warm = m.parameters();
                SweepPoint p = evaluate(m, Math.pow(10, exps[i]), xv, yv);
                sweep.add(p);
                top = better(top, p);
            }
            if (settings.refine() && top != null) {
                double e = Math.log10(top.lambda());
                for (double d : new double[] {0.25, -0.25}) {
                    double lam = Math.pow(10, e + d);
                    LogisticRegression.Model m =
                            LogisticRegression.fit(xt, yt, classes, lam, warm, LogisticRegression.Settings.defaults());
                    SweepPoint p = evaluate(m, lam, xv, yv);
                    sweep.add(p);
                    top = better(top, p);
                }
            }
            best = top.lambda();
            bestAcc = top.valAccuracy();
        }
        LogisticRegression.Model fin = LogisticRegression.fit(x, y, classes, best);
        return new Result(best, bestAcc, List.copyOf(sweep), fin);
    }

    private static SweepPoint better(SweepPoint a, SweepPoint b) {
        if (a == null) return b;
        if (b.valAccuracy() > a.valAccuracy()) return b;
        if (b.valAccuracy() == a.valAccuracy() && b.valLoss() < a.valLoss()) return b;
        return a;
    }

    private static SweepPoint evaluate(LogisticRegression.Model m, double lambda, float[][] x, int[] y) {
        return new SweepPoint(lambda, accuracy(m, x, y), LogisticRegression.meanCrossEntropy(m, x, y));
    }

    public static double accuracy(LogisticRegression.Model m, float[][] x, int[] y) {
        int ok = 0;
        for (int i = 0; i < x.length; i++) if (m.predict(x[i]) == y[i]) ok++;
        return x.length == 0 ? Double.NaN : (double) ok / x.length;
    }

    /**
     * Per class, a seeded shuffle of its samples and the first round(fraction * count) of them to validation,
     * keeping at least one sample of each class for training (and taking at least one for validation when the
     * class has two or more).
     */
    public static boolean[] stratifiedSplit(int[] y, int classes, double fraction, long seed) {
        boolean[] val = new boolean[y.length];
        Random rng = new Random(seed);
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < y.length; i++) if (y[i] == c) members.add(i);
            Collections.shuffle(members, rng);
            int n = members.size();
            if (n < 2) continue;
            int k = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
            for (int j = 0; j < k; j++) val[members.get(j)] = true;
        }
        return val;
    }

    private static float[][] rows(float[][] x, List<Integer> idx) {
        float[][] out = new float[idx.size()][];
        for (int i = 0; i < out.length; i++) out[i] = x[idx.get(i)];
        return out;
    }

    private static int[] labels(int[] y, List<Integer> idx) {
        int[] out = new int[idx.size()];
        for (int i = 0; i < out.length; i++) out[i] = y[idx.get(i)];
        return out;
    }
}
