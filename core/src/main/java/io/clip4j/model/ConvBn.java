package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;

/**
 * A bias-free square convolution followed by eval-mode BatchNorm, on channels-last feature maps [H, W, C]:
 * the convolution is a matrix product of im2col rows (channel, ky, kx ordered as the weight [out, in, k, k])
 * with the weight as [out, in*k*k].
 */
final class ConvBn {
    private static final float BN_EPS = 1e-5f;

    final int in, out, kernel, stride, pad;
    private final Matrix w;
    private final float[] scale, shift;

    ConvBn(Weights wt, String conv, String bn, int in, int out, int kernel, int stride) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = kernel / 2;
        w = wt.matrix(conv + ".weight", out, in, kernel, kernel);
        float[] g = wt.vector(bn + ".weight", out), b = wt.vector(bn + ".bias", out);
        float[] mean = wt.vector(bn + ".running_mean", out), var = wt.vector(bn + ".running_var", out);
        // y = (x - mean) / sqrt(var + eps) * g + b, as scale * x + shift
        scale = new float[out];
        shift = new float[out];
        for (int c = 0; c < out; c++) {
            float inv = (float) (1.0 / Math.sqrt(var[c] + BN_EPS));
            scale[c] = inv * g[c];
            shift[c] = b[c] - mean[c] * inv * g[c];
        }
    }

    int outSize(int size) {
        return (size + 2 * pad - kernel) / stride + 1;
    }

    /** x: [h, w, in] -> [oh, ow, out], then BN and optionally ReLU. */
    float[] forward(Kernels k, float[] x, int h, int wd, boolean relu, FeatureBuffers fb) {
        int oh = outSize(h), ow = outSize(wd);
        float[] y = fb.take(oh * ow * out);
        if (kernel == 1 && stride == 1) {
            k.linear(x, 0, h * wd, w, null, y, 0);
        } else {
            int kdim = in * kernel * kernel;
            float[] cols = fb.cols(oh * ow * kdim);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int row = (oy * ow + ox) * kdim;
                    for (int ky = 0; ky < kernel; ky++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) continue;
                        for (int kx = 0; kx < kernel; kx++) {
                            int ix = ox * stride - pad + kx;
                            if (ix < 0 || ix >= wd) continue;
                            int src = (iy * wd + ix) * in, dst = row + ky * kernel + kx;
                            for (int c = 0; c < in; c++) cols[dst + c * kernel * kernel] = x[src + c];
                        }
                    }
                }
            }
            k.linear(cols, 0, oh * ow, w, null, y, 0);
        }
        for (int p = 0, n = oh * ow; p < n; p++) {
            int base = p * out;
            for (int c = 0; c < out; c++) {
                float v = y[base + c] * scale[c] + shift[c];
                y[base + c] = relu && v < 0f ? 0f : v;
            }
        }
        return y;
    }

    /** AvgPool2d(s) with stride s on [h, w, c]. */
    static float[] avgPool(float[] x, int h, int w, int c, int s, FeatureBuffers fb) {
        int oh = h / s, ow = w / s;
        float[] y = fb.zeroed(oh * ow * c);
        float inv = 1f / (s * s);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int dst = (oy * ow + ox) * c;
                for (int dy = 0; dy < s; dy++) {
                    for (int dx = 0; dx < s; dx++) {
                        int src = ((oy * s + dy) * w + ox * s + dx) * c;
                        for (int ch = 0; ch < c; ch++) y[dst + ch] += x[src + ch];
                    }
                }
                for (int ch = 0; ch < c; ch++) y[dst + ch] *= inv;
            }
        }
        return y;
    }
}
