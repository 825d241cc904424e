package io.clip4j.kernels;

/** Plain loops: the reference every optimised kernel is tested against. Single-threaded. */
public final class ScalarKernels implements Kernels {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    @Override
    public void linear(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff) {
        product(x, xOff, rows, w, bias, y, yOff, false);
    }

    @Override
    public void linearActivated(
            float[] x, int xOff, int rows, Matrix w, float[] bias, Activation act, float[] y, int yOff) {
        linear(x, xOff, rows, w, bias, y, yOff);
        act.apply(this, y, yOff, rows * w.out());
    }

    @Override
    public void linearAdd(float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff) {
        product(x, xOff, rows, w, bias, y, yOff, true);
    }

    /** y[r, o] (+)= sum_i x[r, i] * w[o, i] + bias[o]: overwritten, or added to with {@code add}. */
    private static void product(
            float[] x, int xOff, int rows, Matrix w, float[] bias, float[] y, int yOff, boolean add) {
        int in = w.in(), out = w.out();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int i = 0; i < in; i++) s += x[xOff + r * in + i] * w.get(o, i);
                float v = bias == null ? s : s + bias[o];
                int at = yOff + r * out + o;
                y[at] = add ? y[at] + v : v;
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void dotsInt8Blocks(float[][] queries, byte[] codes, int off, int dim, int blocks, float[] out) {
        int span = blocks * INT8_BLOCK;
        for (int j = 0; j < queries.length; j++) {
            for (int i = 0; i < span; i++) {
                int base = off + (i / INT8_BLOCK) * dim * INT8_BLOCK + i % INT8_BLOCK;
                float s = 0f;
                for (int d = 0; d < dim; d++) s = Math.fma(queries[j][d], codes[base + d * INT8_BLOCK], s);
                out[j * span + i] = s;
            }
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void weightedSum(float[] p, int n, float[] v, int vOff, int vStride, float[] out, int oOff, int len) {
        weightedSums(p, 0, n, 1, n, v, vOff, vStride, out, oOff, len, len);
    }

    @Override
    public void weightedSums(
            float[] p,
            int pOff,
            int pStride,
            int rows,
            int n,
            float[] v,
            int vOff,
            int vStride,
            float[] out,
            int oOff,
            int oStride,
            int len) {
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < len; d++) {
                float s = 0f;
                for (int j = 0; j < n; j++) s += p[pOff + r * pStride + j] * v[vOff + j * vStride + d];
                out[oOff + r * oStride + d] = s;
            }
        }
    }

    @Override
    public void layerNorm(
            float[] x, int xOff, float[] y, int yOff, int rows, int width, float[] gamma, float[] beta, float eps) {
        for (int r = 0; r < rows; r++) {
            int base = xOff + r * width;
            // double accumulation: the mean/variance of a row is then as good as PyTorch's Welford pass
            double sum = 0;
            for (int i = 0; i < width; i++) sum += x[base + i];
            double mean = sum / width;
            double sq = 0;
            for (int i = 0; i < width; i++) {
                double d = x[base + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / width + eps));
            float m = (float) mean;
            int ob = yOff + r * width;
            for (int i = 0; i < width; i++) y[ob + i] = (x[base + i] - m) * inv * gamma[i] + beta[i];
        }
    }

    @Override
    public void quickGelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            x[i] = v / (1f + (float) Math.exp(-1.702f * v));
        }
    }

    @Override
    public void quickGeluBackward(float[] x, float[] dy, float[] dx, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            float s = 1f / (1f + (float) Math.exp(-1.702f * v));
            dx[i] = dy[i] * (s + 1.702f * v * s * (1f - s));
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * INV_SQRT2)));
        }
    }

    @Override
    public void geluBackward(float[] x, float[] dy, float[] dx, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            double d = 0.5 * (1.0 + Erf.erf(v * INV_SQRT2)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            dx[i] = (float) (dy[i] * d);
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) max = Math.max(max, x[i]);
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = off; i < off + n; i++) x[i] *= inv;
    }
}
