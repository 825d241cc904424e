package io.clip4j.search;

/**
 * Binary logistic regression with an L2 penalty on the weights (not the bias), no hidden layer, fitted by
 * L-BFGS on the mean log-loss. Small and exact enough for a few thousand embeddings of a few hundred dims.
 */
public final class LogisticRegression {
    /** Fitted model: p(y=1|x) = sigmoid(w.x + b). */
    public record Model(double[] weights, double bias) {
        public double logit(float[] x) {
            double s = bias;
            for (int i = 0; i < weights.length; i++) s += weights[i] * x[i];
            return s;
        }

        public double accuracy(float[][] x, boolean[] y) {
            int ok = 0;
            for (int i = 0; i < x.length; i++) if ((logit(x[i]) > 0) == y[i]) ok++;
            return x.length == 0 ? 0 : (double) ok / x.length;
        }
    }

    private LogisticRegression() {}

    /**
     * @param l2 penalty lambda/2 * ||w||^2 added to the mean loss
     */
    public static Model fit(float[][] x, boolean[] y, double l2, int maxIterations) {
        int n = x.length, d = x[0].length, p = d + 1; // last parameter is the bias
        // classes may be unbalanced: weight each so both count equally
        int pos = 0;
        for (boolean b : y) if (b) pos++;
        double wPos = pos == 0 ? 0 : 0.5 * n / pos, wNeg = pos == n ? 0 : 0.5 * n / (n - pos);
        double[] theta = new double[p];
        double[] g = new double[p];
        double f = loss(x, y, theta, l2, wPos, wNeg, g);
        int m = 10;
        double[][] s = new double[m][], yy = new double[m][];
        double[] rho = new double[m];
        int stored = 0, head = 0;
        for (int it = 0; it < maxIterations; it++) {
            double gnorm = 0;
            for (double v : g) gnorm = Math.max(gnorm, Math.abs(v));
            if (gnorm < 1e-7) break;
            // two-loop recursion: direction = -H g
            double[] q = g.clone();
            double[] alpha = new double[m];
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(head - 1 - k, m);
                alpha[j] = rho[j] * dotD(s[j], q);
                axpy(-alpha[j], yy[j], q);
            }
            if (stored > 0) {
                int j = Math.floorMod(head - 1, m);
                double gamma = dotD(s[j], yy[j]) / dotD(yy[j], yy[j]);
                for (int i = 0; i < p; i++) q[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(head - 1 - k, m);
                double beta = rho[j] * dotD(yy[j], q);
                axpy(alpha[j] - beta, s[j], q);
            }
            for (int i = 0; i < p; i++) q[i] = -q[i];
            double slope = dotD(g, q);
            if (slope >= 0) { // not a descent direction: restart from steepest descent
                for (int i = 0; i < p; i++) q[i] = -g[i];
                slope = dotD(g, q);
                stored = 0;
            }
            // backtracking (Armijo) line search
            double step = 1;
            double[] next = new double[p], gNext = new double[p];
            double fNext;
            while (true) {
                for (int i = 0; i < p; i++) next[i] = theta[i] + step * q[i];
                fNext = loss(x, y, next, l2, wPos, wNeg, gNext);
                if (fNext <= f + 1e-4 * step * slope || step < 1e-10) break;
                step *= 0.5;
            }
            double[] sk = new double[p], yk = new double[p];
            for (int i = 0; i < p; i++) {
                sk[i] = next[i] - theta[i];
                yk[i] = gNext[i] - g[i];
            }
            double sy = dotD(sk, yk);
            if (sy > 1e-12) {
                s[head] = sk;
                yy[head] = yk;
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            boolean flat = Math.abs(f - fNext) < 1e-12 * Math.max(1, Math.abs(f));
            theta = next;
            g = gNext;
            f = fNext;
            if (flat) break;
        }
        double[] w = new double[d];
        System.arraycopy(theta, 0, w, 0, d);
        return new Model(w, theta[d]);
    }

    /** Weighted mean log-loss + l2/2 ||w||^2; writes the gradient into grad. */
    private static double loss(float[][] x, boolean[] y, double[] theta, double l2, double wPos, double wNeg, double[] grad) {
        int n = x.length, d = x[0].length;
        java.util.Arrays.fill(grad, 0);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = theta[d];
            float[] xi = x[i];
            for (int j = 0; j < d; j++) z += theta[j] * xi[j];
            double sw = y[i] ? wPos : wNeg;
            // log(1+exp(-z)) for y=1, log(1+exp(z)) for y=0, computed without overflow
            double m = y[i] ? -z : z;
            total += sw * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
            double pr = 1 / (1 + Math.exp(-z));
            double r = sw * (pr - (y[i] ? 1 : 0)) / n;
            for (int j = 0; j < d; j++) grad[j] += r * xi[j];
            grad[d] += r;
        }
        double reg = 0;
        for (int j = 0; j < d; j++) {
            reg += theta[j] * theta[j];
            grad[j] += l2 * theta[j];
        }
        return total / n + 0.5 * l2 * reg;
    }

    private static double dotD(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += a * x[i];
    }
}
