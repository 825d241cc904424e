package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;
import io.clip4j.kernels.Parallel;

/**
 * OpenAI's ResidualAttentionBlock: x += attn(ln_1(x)); x += mlp(ln_2(x)), with PyTorch's
 * nn.MultiheadAttention (packed in_proj [3W, W], heads of W/h) and a 4W QuickGELU (or GELU) MLP.
 */
final class TransformerBlock {
    private static final float LN_EPS = 1e-5f;

    private final int width, heads, headDim, hidden;
    private final boolean quickGelu;
    private final float[] ln1g, ln1b, ln2g, ln2b, inB, outB, fcB, projB;
    private final Matrix inW, outW, fcW, projW;

    TransformerBlock(Weights w, String prefix, int width, int heads, boolean quickGelu) {
        this.width = width;
        this.heads = heads;
        this.headDim = width / heads;
        this.hidden = 4 * width;
        this.quickGelu = quickGelu;
        ln1g = w.vector(prefix + "ln_1.weight", width);
        ln1b = w.vector(prefix + "ln_1.bias", width);
        inW = w.matrix(prefix + "attn.in_proj_weight", 3 * width, width);
        inB = w.vector(prefix + "attn.in_proj_bias", 3 * width);
        outW = w.matrix(prefix + "attn.out_proj.weight", width, width);
        outB = w.vector(prefix + "attn.out_proj.bias", width);
        ln2g = w.vector(prefix + "ln_2.weight", width);
        ln2b = w.vector(prefix + "ln_2.bias", width);
        fcW = w.matrix(prefix + "mlp.c_fc.weight", hidden, width);
        fcB = w.vector(prefix + "mlp.c_fc.bias", hidden);
        projW = w.matrix(prefix + "mlp.c_proj.weight", width, hidden);
        projB = w.vector(prefix + "mlp.c_proj.bias", width);
    }

    /** Work buffers for one forward pass over {@code tokens} = batch x seq rows. */
    static final class Buffers {
        final float[] norm, qkv, attn, tmp, mlp;

        Buffers(int tokens, int width) {
            norm = new float[tokens * width];
            qkv = new float[tokens * 3 * width];
            attn = new float[tokens * width];
            tmp = new float[tokens * width];
            mlp = new float[tokens * 4 * width];
        }
    }

    /** x: [batch, seq, width], updated in place. {@code causal}: position i attends to positions <= i only. */
    void forward(Kernels k, float[] x, int batch, int seq, boolean causal, Buffers b) {
        int rows = batch * seq;
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln1g, ln1b, LN_EPS);
        k.linear(b.norm, 0, rows, inW, inB, b.qkv, 0);
        attention(k, b.qkv, b.attn, batch, seq, causal);
        k.linear(b.attn, 0, rows, outW, outB, b.tmp, 0);
        add(x, b.tmp, rows * width);
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln2g, ln2b, LN_EPS);
        k.linear(b.norm, 0, rows, fcW, fcB, b.mlp, 0);
        if (quickGelu) k.quickGelu(b.mlp, 0, rows * hidden);
        else k.gelu(b.mlp, 0, rows * hidden);
        k.linear(b.mlp, 0, rows, projW, projB, b.tmp, 0);
        add(x, b.tmp, rows * width);
    }

    private static void add(float[] x, float[] d, int n) {
        for (int i = 0; i < n; i++) x[i] += d[i];
    }

    /**
     * Scaled dot-product attention, one (sequence, head) pair per task, one query row of scores at a time:
     * never more than seq floats of scores per thread. qkv rows hold [q | k | v], each head a contiguous slice.
     */
    private void attention(Kernels k, float[] qkv, float[] out, int batch, int seq, boolean causal) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int stride = 3 * width;
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] scores = new float[seq];
            for (int t = t0; t < t1; t++) {
                int bIdx = t / heads, h = t % heads;
                int base = bIdx * seq;
                for (int i = 0; i < seq; i++) {
                    int qOff = (base + i) * stride + h * headDim;
                    int n = causal ? i + 1 : seq;
                    for (int j = 0; j < n; j++) {
                        scores[j] = k.dot(qkv, qOff, qkv, (base + j) * stride + width + h * headDim, headDim) * scale;
                    }
                    k.softmax(scores, 0, n);
                    int oOff = (base + i) * width + h * headDim;
                    java.util.Arrays.fill(out, oOff, oOff + headDim, 0f);
                    for (int j = 0; j < n; j++) {
                        k.axpy(scores[j], qkv, (base + j) * stride + 2 * width + h * headDim, out, oOff, headDim);
                    }
                }
            }
        });
    }
}
