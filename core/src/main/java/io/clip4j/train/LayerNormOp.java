package io.clip4j.train;

import io.clip4j.kernels.Parallel;

/**
 * nn.LayerNorm over rows (biased variance, eps inside the square root), keeping each row's mean and
 * 1/std for the backward pass.
 */
final class LayerNormOp {
    static final float EPS = 1e-5f;

    private LayerNormOp() {}

    static void forward(float[] x, float[] y, int rows, int width, float[] g, float[] b, float[] mean, float[] rstd) {
        Parallel.forRange(rows, Math.max(1, 4096 / width), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                // double accumulation: the row statistics are then as good as PyTorch's Welford pass
                double sum = 0;
                for (int i = 0; i < width; i++) sum += x[base + i];
                double mu = sum / width;
                double sq = 0;
                for (int i = 0; i < width; i++) {
                    double d = x[base + i] - mu;
                    sq += d * d;
                }
                float inv = (float) (1.0 / Math.sqrt(sq / width + EPS));
                float m = (float) mu;
                mean[r] = m;
                rstd[r] = inv;
                for (int i = 0; i < width; i++) y[base + i] = (x[base + i] - m) * inv * g[i] + b[i];
            }
        });
    }

    /**
     * dx (+)= rstd * (dy·g - mean(dy·g) - x̂ * mean(dy·g·x̂)); dg = Σ dy·x̂, db = Σ dy over rows (null when frozen).
     * dx is split across threads by rows; dg/db are summed per column in one pass.
     */
    static void backward(
            float[] dy,
            float[] x,
            int rows,
            int width,
            float[] g,
            float[] mean,
            float[] rstd,
            float[] dx,
            boolean accumulate,
            float[] dg,
            float[] db) {
        if (dg != null) {
            double[] sg = new double[width], sb = new double[width];
            for (int r = 0; r < rows; r++) {
                int base = r * width;
                float m = mean[r], s = rstd[r];
                for (int i = 0; i < width; i++) {
                    float d = dy[base + i];
                    sg[i] += d * ((x[base + i] - m) * s);
                    sb[i] += d;
                }
            }
            for (int i = 0; i < width; i++) {
                dg[i] = (float) sg[i];
                db[i] = (float) sb[i];
            }
        }
        if (dx == null) return;
        Parallel.forRange(rows, Math.max(1, 4096 / width), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                float m = mean[r], s = rstd[r];
                double a = 0, c = 0;
                for (int i = 0; i < width; i++) {
                    double dxh = dy[base + i] * g[i];
                    a += dxh;
                    c += dxh * ((x[base + i] - m) * s);
                }
                float ma = (float) (a / width), mc = (float) (c / width);
                for (int i = 0; i < width; i++) {
                    float xh = (x[base + i] - m) * s;
                    float v = s * (dy[base + i] * g[i] - ma - xh * mc);
                    dx[base + i] = accumulate ? dx[base + i] + v : v;
                }
            }
        });
    }
}
