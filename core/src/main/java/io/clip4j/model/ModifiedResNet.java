package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;

/**
 * OpenAI's ModifiedResNet: a 3-convolution stem with average pooling, anti-aliased bottlenecks (average pooling
 * before strided work instead of strided convolutions), and a multi-head attention pool in place of the
 * global average pool. Feature maps are channels-last per image.
 */
final class ModifiedResNet implements ImageEncoder {
    private final Kernels k;
    private final int res, width, embed, heads, outChannels, spatial;
    private final ConvBn stem1, stem2, stem3;
    private final Bottleneck[][] stages;
    private final float[] pos; // [(spatial^2 + 1), outChannels]
    private final Matrix qW, kW, vW, cW;
    private final float[] qB, kB, vB, cB;
    private final FeatureBuffers.Slot buffers = new FeatureBuffers.Slot();

    ModifiedResNet(Weights w, ClipConfig c, Kernels k) {
        this.k = k;
        res = c.imageResolution();
        width = c.visionWidth();
        embed = c.embedDim();
        heads = c.visionHeads();
        stem1 = new ConvBn(w, "visual.conv1", "visual.bn1", 3, width / 2, 3, 2);
        stem2 = new ConvBn(w, "visual.conv2", "visual.bn2", width / 2, width / 2, 3, 1);
        stem3 = new ConvBn(w, "visual.conv3", "visual.bn3", width / 2, width, 3, 1);
        int[] depth = c.visionLayers();
        stages = new Bottleneck[4][];
        int inplanes = width;
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            stages[s] = new Bottleneck[depth[s]];
            for (int i = 0; i < depth[s]; i++) {
                int stride = (i == 0 && s > 0) ? 2 : 1;
                stages[s][i] = new Bottleneck(w, "visual.layer" + (s + 1) + "." + i + ".", inplanes, planes, stride);
                inplanes = planes * 4;
            }
        }
        outChannels = width * 32;
        spatial = res / 32;
        int tokens = spatial * spatial + 1;
        pos = w.vector("visual.attnpool.positional_embedding", tokens, outChannels);
        qW = w.matrix("visual.attnpool.q_proj.weight", outChannels, outChannels);
        kW = w.matrix("visual.attnpool.k_proj.weight", outChannels, outChannels);
        vW = w.matrix("visual.attnpool.v_proj.weight", outChannels, outChannels);
        cW = w.matrix("visual.attnpool.c_proj.weight", embed, outChannels);
        qB = w.vector("visual.attnpool.q_proj.bias", outChannels);
        kB = w.vector("visual.attnpool.k_proj.bias", outChannels);
        vB = w.vector("visual.attnpool.v_proj.bias", outChannels);
        cB = w.vector("visual.attnpool.c_proj.bias", embed);
    }

    private final class Bottleneck {
        final ConvBn c1, c2, c3, down;
        final int stride;

        Bottleneck(Weights w, String p, int inplanes, int planes, int stride) {
            this.stride = stride;
            c1 = new ConvBn(w, p + "conv1", p + "bn1", inplanes, planes, 1, 1);
            c2 = new ConvBn(w, p + "conv2", p + "bn2", planes, planes, 3, 1);
            c3 = new ConvBn(w, p + "conv3", p + "bn3", planes, planes * 4, 1, 1);
            down = (stride > 1 || inplanes != planes * 4)
                    ? new ConvBn(w, p + "downsample.0", p + "downsample.1", inplanes, planes * 4, 1, 1)
                    : null;
        }

        /** [h, w, in] -> [h/stride, w/stride, 4*planes]. */
        float[] forward(float[] x, int h, int wd, FeatureBuffers fb) {
            float[] y = c1.forward(k, x, h, wd, true, fb);
            y = c2.forward(k, y, h, wd, true, fb);
            int oh = h, ow = wd;
            if (stride > 1) {
                y = ConvBn.avgPool(y, h, wd, c2.out, stride, fb);
                oh = h / stride;
                ow = wd / stride;
            }
            y = c3.forward(k, y, oh, ow, false, fb);
            float[] id = x;
            if (down != null) {
                float[] pooled = stride > 1 ? ConvBn.avgPool(x, h, wd, c1.in, stride, fb) : x;
                id = down.forward(k, pooled, oh, ow, false, fb);
            }
            for (int i = 0; i < y.length; i++) y[i] = Math.max(0f, y[i] + id[i]);
            return y;
        }
    }

    @Override
    public float[] encode(float[] pixels, int batch, Trace trace) {
        FeatureBuffers fb = buffers.take();
        try {
            return encodeWith(pixels, batch, fb);
        } finally {
            buffers.giveBack(fb);
        }
    }

    private float[] encodeWith(float[] pixels, int batch, FeatureBuffers fb) {
        float[] out = new float[batch * embed];
        int img = 3 * res * res;
        for (int b = 0; b < batch; b++) {
            fb.restart();
            float[] x = fb.take(img);
            // CHW -> HWC
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < res * res; p++) x[p * 3 + c] = pixels[b * img + c * res * res + p];
            }
            int h = res;
            x = stem1.forward(k, x, h, h, true, fb);
            h = stem1.outSize(h);
            x = stem2.forward(k, x, h, h, true, fb);
            x = stem3.forward(k, x, h, h, true, fb);
            x = ConvBn.avgPool(x, h, h, width, 2, fb);
            h /= 2;
            for (Bottleneck[] stage : stages) {
                for (Bottleneck blk : stage) {
                    x = blk.forward(x, h, h, fb);
                    h /= blk.stride;
                }
            }
            attentionPool(x, h * h, out, b * embed, fb);
        }
        return out;
    }

    /** AttentionPool2d: the mean token (plus positions) queries all tokens; only its output is kept. */
    private void attentionPool(float[] feat, int hw, float[] out, int outOff, FeatureBuffers fb) {
        int C = outChannels, T = hw + 1, hd = C / heads;
        float[] t = fb.zeroed(T * C);
        for (int p = 0; p < hw; p++) {
            for (int c = 0; c < C; c++) t[c] += feat[p * C + c];
        }
        for (int c = 0; c < C; c++) t[c] /= hw;
        System.arraycopy(feat, 0, t, C, hw * C);
        for (int i = 0; i < T * C; i++) t[i] += pos[i];
        float[] q = fb.take(C), kk = fb.take(T * C), v = fb.take(T * C);
        k.linear(t, 0, 1, qW, qB, q, 0);
        k.linear(t, 0, T, kW, kB, kk, 0);
        k.linear(t, 0, T, vW, vB, v, 0);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] attn = fb.zeroed(C), scores = fb.take(T);
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < T; j++) scores[j] = k.dot(q, h * hd, kk, j * C + h * hd, hd) * scale;
            k.softmax(scores, 0, T);
            for (int j = 0; j < T; j++) k.axpy(scores[j], v, j * C + h * hd, attn, h * hd, hd);
        }
        k.linear(attn, 0, 1, cW, cB, out, outOff);
    }
}
