package io.clip4j.probe;

import java.util.Arrays;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the biases):
 * <pre>
 *   f(W, b) = (1/n) sum_i [ logsumexp_k(z_ik) - z_i,y_i ] + lambda * ||W||^2,   z_i = W x_i + b
 * </pre>
 * minimised in double precision by full-batch L-BFGS (10 pairs, Armijo backtracking from step 1). The objective
 * is convex, and strictly convex in W for lambda > 0, so the solution does not depend on the start; a warm start
 * only saves iterations. Deterministic: no randomness, a fixed summation order. Stateless.
 */
public final class LogisticRegression {
    /** A fitted model: weights (classes x dim, row-major), biases, and how the optimiser ended. */
    public record Model(int classes, int dim, double[] weights, double[] bias, int iterations, double gradientNorm) {
        public double[] scores(float[] x) {
            double[] z = new double[classes];
            for (int k = 0; k < classes; k++) {
                double s = bias[k];
                int off = k * dim;
                for (int d = 0; d < dim; d++) s += weights[off + d] * x[d];
                z[k] = s;
            }
            return z;
        }

        public int predict(float[] x) {
            double[] z = scores(x);
            int best = 0;
            for (int k = 1; k < classes; k++) if (z[k] > z[best]) best = k;
            return best;
        }

        /** The parameters as one vector (weights then biases), e.g. to warm-start another fit. */
        public double[] parameters() {
            double[] p = Arrays.copyOf(weights, weights.length + bias.length);
            System.arraycopy(bias, 0, p, weights.length, bias.length);
            return p;
        }
    }

    /** Stopping rule: max-norm of the gradient, iteration cap. */
    public record Settings(double gradientTolerance, int maxIterations) {
        public static Settings defaults() {
            return new Settings(1e-6, 1000);
        }
    }

    private LogisticRegression() {}

    public static Model fit(float[][] x, int[] y, int classes, double lambda) {
        return fit(x, y, classes, lambda, null, Settings.defaults());
    }

    /** @param start parameters to start from (weights then biases), or null for zeros */
    public static Model fit(float[][] x, int[] y, int classes, double lambda, double[] start, Settings settings) {
        if (x.length == 0) throw new IllegalArgumentException("no samples");
        if (x.length != y.length) throw new IllegalArgumentException("x and y differ in length");
        if (classes < 1 || lambda < 0) throw new IllegalArgumentException("classes >= 1 and lambda >= 0 needed");
        int dim = x[0].length;
        for (int label : y) if (label < 0 || label >= classes) throw new IllegalArgumentException("label " + label);
        Objective obj = new Objective(x, y, classes, dim, lambda);
        int n = classes * dim + classes;
        double[] p = start == null ? new double[n] : start.clone();
        if (p.length != n) throw new IllegalArgumentException("start has " + p.length + " values, expected " + n);

        final int m = 10;
        double[][] s = new double[m][];
        double[][] yv = new double[m][];
        double[] rho = new double[m];
        int stored = 0;
        int head = 0;
        double[] g = new double[n];
        double f = obj.valueAndGradient(p, g);
        int iter = 0;
        double gnorm = maxAbs(g);
        double[] gNew = new double[n];
        double[] pNew = new double[n];
        while (gnorm > settings.gradientTolerance() && iter < settings.maxIterations()) {
            double[] dir = twoLoop(g, s, yv, rho, stored, head, m);
            double slope = dot(dir, g);
            if (slope >= 0) { // not a descent direction (should not happen): restart with steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) dir[i] = -g[i];
                slope = dot(dir, g);
            }
            double step = 1.0;
            if (stored == 0) step = Math.min(1.0, 1.0 / Math.max(1e-12, Math.sqrt(dot(g, g))));
            double fNew;
            int tries = 0;
            while (true) {
                for (int i = 0; i < n; i++) pNew[i] = p[i] + step * dir[i];
                fNew = obj.valueAndGradient(pNew, gNew);
                if (fNew <= f + 1e-4 * step * slope || tries++ > 50) break;
                step *= 0.5;
            }
            if (!(fNew < f) && tries > 50) break; // no progress possible at double precision
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = pNew[i] - p[i];
                yk[i] = gNew[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
                s[head] = sk;
                yv[head] = yk;
                rho[head] = 1.0 / sy;
                head = (head + 1) % m;
                stored = Math.min(m, stored + 1);
            }
            double fOld = f;
            System.arraycopy(pNew, 0, p, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            f = fNew;
            gnorm = maxAbs(g);
            iter++;
            if (Math.abs(fOld - f) <= 1e-15 * Math.max(1.0, Math.abs(f))) break;
        }
        double[] w = Arrays.copyOf(p, classes * dim);
        double[] b = Arrays.copyOfRange(p, classes * dim, n);
        return new Model(classes, dim, w, b, iter, gnorm);
    }

    /** The L-BFGS two-loop recursion: -H g from the stored pairs (newest at head - 1). */
    private static double[] twoLoop(double[] g, double[][] s, double[][] y, double[] rho, int stored, int head, int m) {
        double[] q = g.clone();
        double[] alpha = new double[m];
        for (int k = 0; k < stored; k++) {
            int i = Math.floorMod(head - 1 - k, m);
            alpha[i] = rho[i] * dot(s[i], q);
            axpy(-alpha[i], y[i], q);
        }
        if (stored > 0) {
            int last = Math.floorMod(head - 1, m);
            double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            for (int j = 0; j < q.length; j++) q[j] *= gamma;
        }
        for (int k = stored - 1; k >= 0; k--) {
            int i = Math.floorMod(head - 1 - k, m);
            double beta = rho[i] * dot(y[i], q);
            axpy(alpha[i] - beta, s[i], q);
        }
        for (int j = 0; j < q.length; j++) q[j] = -q[j];
        return q;
    }

    /** Objective value and gradient; exposed for tests (gradient checks, optimality). */
    public static double objective(
            float[][] x, int[] y, int classes, double lambda, double[] params, double[] gradOut) {
        return new Objective(x, y, classes, x[0].length, lambda).valueAndGradient(params, gradOut);
    }

    /** Mean cross-entropy of a model on data (no penalty). */
    public static double meanCrossEntropy(Model model, float[][] x, int[] y) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double[] z = model.scores(x[i]);
            total += logSumExp(z) - z[y[i]];
        }
        return total / x.length;
    }

    private static final class Objective {
        final float[][] x;
        final int[] y;
        final int classes;
        final int dim;
        final double lambda;

        Objective(float[][] x, int[] y, int classes, int dim, double lambda) {
            this.x = x;
            this.y = y;
            this.classes = classes;
            this.dim = dim;
            this.lambda = lambda;
        }

        double valueAndGradient(double[] p, double[] g) {
            Arrays.fill(g, 0.0);
            int wLen = classes * dim;
            double inv = 1.0 / x.length;
            double loss = 0;
            double[] z = new double[classes];
            for (int i = 0; i < x.length; i++) {
                float[] xi = x[i];
                for (int k = 0; k < classes; k++) {
                    double sum = p[wLen + k];
                    int off = k * dim;
                    for (int d = 0; d < dim; d++) sum += p[off + d] * xi[d];
                    z[k] = sum;
                }
                double lse = logSumExp(z);
                loss += lse - z[y[i]];
                for (int k = 0; k < classes; k++) {
                    double r = (Math.exp(z[k] - lse) - (k == y[i] ? 1.0 : 0.0)) * inv;
                    if (r == 0.0) continue;
                    int off = k * dim;
                    for (int d = 0; d < dim; d++) g[off + d] += r * xi[d];
                    g[wLen + k] += r;
                }
            }
            double reg = 0;
            for (int j = 0; j < wLen; j++) {
                reg += p[j] * p[j];
                g[j] += 2 * lambda * p[j];
            }
            return loss * inv + lambda * reg;
        }
    }

    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double s = 0;
        for (double v : z) s += Math.exp(v - max);
        return max + Math.log(s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return m;
    }
}
