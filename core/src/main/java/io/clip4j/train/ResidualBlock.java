package io.clip4j.train;

import io.clip4j.kernels.Activation;
import java.util.Arrays;

/**
 * OpenAI's ResidualAttentionBlock, forward and backward: x1 = x + out_proj(attn(ln_1(x))); y = x1 + c_proj(act(c_fc(ln_2(x1)))).
 * Owns the activations its backward pass needs, allocated once for {@code maxRows} = batch x seq rows.
 */
final class ResidualBlock {
    private final TrainKernels k;
    private final int width, heads, hidden;
    private final Activation activation;
    private final boolean causal;
    private final float[] ln1g, ln1b, inW, inB, outW, outB, ln2g, ln2b, fcW, fcB, projW, projB;
    private final float[] gLn1g, gLn1b, gInW, gInB, gOutW, gOutB, gLn2g, gLn2b, gFcW, gFcB, gProjW, gProjB;
    // saved activations
    private final float[] mean1, rstd1, h1, qkv, probs, att, x1, mean2, rstd2, h2, f, act;

    /** Backward work buffers shared by the blocks of one tower (only one block runs backward at a time). */
    static final class Scratch {
        final float[] dx1, dHidden, dh, da, dqkv;

        Scratch(int maxRows, int width) {
            dx1 = new float[maxRows * width];
            dHidden = new float[maxRows * 4 * width];
            dh = new float[maxRows * width];
            da = new float[maxRows * width];
            dqkv = new float[maxRows * 3 * width];
        }
    }

    ResidualBlock(
            TrainKernels k,
            ParameterSet p,
            ParameterSet g,
            String prefix,
            int width,
            int heads,
            Activation activation,
            boolean causal,
            int maxBatch,
            int maxSeq) {
        this.k = k;
        this.width = width;
        this.heads = heads;
        this.hidden = 4 * width;
        this.activation = activation;
        this.causal = causal;
        ln1g = p.get(prefix + "ln_1.weight");
        ln1b = p.get(prefix + "ln_1.bias");
        inW = p.get(prefix + "attn.in_proj_weight");
        inB = p.get(prefix + "attn.in_proj_bias");
        outW = p.get(prefix + "attn.out_proj.weight");
        outB = p.get(prefix + "attn.out_proj.bias");
        ln2g = p.get(prefix + "ln_2.weight");
        ln2b = p.get(prefix + "ln_2.bias");
        fcW = p.get(prefix + "mlp.c_fc.weight");
        fcB = p.get(prefix + "mlp.c_fc.bias");
        projW = p.get(prefix + "mlp.c_proj.weight");
        projB = p.get(prefix + "mlp.c_proj.bias");
        gLn1g = g == null ? null : g.get(prefix + "ln_1.weight");
        gLn1b = g == null ? null : g.get(prefix + "ln_1.bias");
        gInW = g == null ? null : g.get(prefix + "attn.in_proj_weight");
        gInB = g == null ? null : g.get(prefix + "attn.in_proj_bias");
        gOutW = g == null ? null : g.get(prefix + "attn.out_proj.weight");
        gOutB = g == null ? null : g.get(prefix + "attn.out_proj.bias");
        gLn2g = g == null ? null : g.get(prefix + "ln_2.weight");
        gLn2b = g == null ? null : g.get(prefix + "ln_2.bias");
        gFcW = g == null ? null : g.get(prefix + "mlp.c_fc.weight");
        gFcB = g == null ? null : g.get(prefix + "mlp.c_fc.bias");
        gProjW = g == null ? null : g.get(prefix + "mlp.c_proj.weight");
        gProjB = g == null ? null : g.get(prefix + "mlp.c_proj.bias");
        int rows = maxBatch * maxSeq;
        mean1 = new float[rows];
        rstd1 = new float[rows];
        h1 = new float[rows * width];
        qkv = new float[rows * 3 * width];
        probs = new float[maxBatch * heads * maxSeq * maxSeq];
        att = new float[rows * width];
        x1 = new float[rows * width];
        mean2 = new float[rows];
        rstd2 = new float[rows];
        h2 = new float[rows * width];
        f = new float[rows * hidden];
        act = new float[rows * hidden];
    }

    /** y = block(x); x: [batch*seq, width] is kept (read again by backward), y must be another array. */
    void forward(float[] x, float[] y, int batch, int seq) {
        int rows = batch * seq;
        LayerNormOp.forward(x, h1, rows, width, ln1g, ln1b, mean1, rstd1);
        LinearOp.forward(k, h1, rows, width, inW, inB, qkv, 3 * width);
        AttentionOp.forward(k.elementwise(), qkv, probs, att, batch, seq, width, heads, causal);
        LinearOp.forward(k, att, rows, width, outW, outB, x1, width);
        k.elementwise().axpy(1f, x, 0, x1, 0, rows * width);
        LayerNormOp.forward(x1, h2, rows, width, ln2g, ln2b, mean2, rstd2);
        LinearOp.forward(k, h2, rows, width, fcW, fcB, f, hidden);
        ActivationOp.forward(k.elementwise(), activation, f, act, rows * hidden);
        LinearOp.forward(k, act, rows, hidden, projW, projB, y, width);
        k.elementwise().axpy(1f, x1, 0, y, 0, rows * width);
    }

    /**
     * The block's output at one row per sequence, y[batch, width] = block(x) at row {@code at[b]} of sequence b: a
     * tower's last block, of which only the pooled row is read (the ViT's class token, the text's EOT). Every row
     * still gives its keys and values; only the pooled rows are attended from, projected and sent through the MLP. The
     * same floats as {@link #forward} at those rows.
     */
    void forwardAt(float[] x, float[] y, int batch, int seq, int[] at) {
        int rows = batch * seq;
        LayerNormOp.forward(x, h1, rows, width, ln1g, ln1b, mean1, rstd1);
        LinearOp.forward(k, h1, rows, width, inW, inB, qkv, 3 * width);
        AttentionOp.forwardAt(k.elementwise(), qkv, probs, att, batch, seq, width, heads, causal, at);
        LinearOp.forward(k, att, batch, width, outW, outB, x1, width);
        for (int b = 0; b < batch; b++) k.elementwise().axpy(1f, x, (b * seq + at[b]) * width, x1, b * width, width);
        LayerNormOp.forward(x1, h2, batch, width, ln2g, ln2b, mean2, rstd2);
        LinearOp.forward(k, h2, batch, width, fcW, fcB, f, hidden);
        ActivationOp.forward(k.elementwise(), activation, f, act, batch * hidden);
        LinearOp.forward(k, act, batch, hidden, projW, projB, y, width);
        k.elementwise().axpy(1f, x1, 0, y, 0, batch * width);
    }

    /**
     * The backward pass of {@link #forwardAt}: given dY[batch, width] at the pooled rows, writes dX for every row of
     * x (the rows that were not pooled get their gradient through the keys and values only) and the parameter
     * gradients. The same floats as {@link #backward} with a dY that is zero off the pooled rows.
     */
    void backwardAt(float[] x, float[] dy, float[] dx, int batch, int seq, int[] at, Scratch s) {
        int rows = batch * seq;
        System.arraycopy(dy, 0, s.dx1, 0, batch * width);
        LinearOp.backward(k, dy, act, batch, hidden, width, projW, s.dHidden, false, gProjW, gProjB);
        ActivationOp.backward(k.elementwise(), activation, f, s.dHidden, s.dHidden, batch * hidden);
        LinearOp.backward(k, s.dHidden, h2, batch, width, hidden, fcW, s.dh, false, gFcW, gFcB);
        LayerNormOp.backward(s.dh, x1, batch, width, ln2g, mean2, rstd2, s.dx1, true, gLn2g, gLn2b);
        LinearOp.backward(k, s.dx1, att, batch, width, width, outW, s.da, false, gOutW, gOutB);
        AttentionOp.backwardAt(k.elementwise(), qkv, probs, s.da, s.dqkv, batch, seq, width, heads, causal, at);
        LinearOp.backward(k, s.dqkv, h1, rows, width, 3 * width, inW, s.dh, false, gInW, gInB);
        if (gInB != null) Arrays.fill(gInB, width, 2 * width, 0f); // the key bias: see backward
        Arrays.fill(dx, 0, rows * width, 0f);
        for (int b = 0; b < batch; b++) System.arraycopy(s.dx1, b * width, dx, (b * seq + at[b]) * width, width);
        LayerNormOp.backward(s.dh, x, rows, width, ln1g, mean1, rstd1, dx, true, gLn1g, gLn1b);
    }

    /**
     * Given dY, writes dX (may be the same array as dY) and this block's parameter gradients (skipped when the
     * block was built without a gradient set). {@code x} is the input given to {@link #forward}.
     */
    void backward(float[] x, float[] dy, float[] dx, int batch, int seq, Scratch s) {
        int rows = batch * seq, n = rows * width;
        System.arraycopy(dy, 0, s.dx1, 0, n);
        LinearOp.backward(k, dy, act, rows, hidden, width, projW, s.dHidden, false, gProjW, gProjB);
        ActivationOp.backward(k.elementwise(), activation, f, s.dHidden, s.dHidden, rows * hidden);
        LinearOp.backward(k, s.dHidden, h2, rows, width, hidden, fcW, s.dh, false, gFcW, gFcB);
        LayerNormOp.backward(s.dh, x1, rows, width, ln2g, mean2, rstd2, s.dx1, true, gLn2g, gLn2b);
        LinearOp.backward(k, s.dx1, att, rows, width, width, outW, s.da, false, gOutW, gOutB);
        AttentionOp.backward(k.elementwise(), qkv, probs, s.da, s.dqkv, batch, seq, width, heads, causal);
        LinearOp.backward(k, s.dqkv, h1, rows, width, 3 * width, inW, s.dh, false, gInW, gInB);
        // The key bias adds q·b to every score of a softmax row, which changes nothing: its gradient is exactly 0.
        // Computed, it is rounding noise (~1e-10) that AdamW would amplify into ~lr·1e-3 moves (noise / eps).
        if (gInB != null) Arrays.fill(gInB, width, 2 * width, 0f);
        System.arraycopy(s.dx1, 0, dx, 0, n);
        LayerNormOp.backward(s.dh, x, rows, width, ln1g, mean1, rstd1, dx, true, gLn1g, gLn1b);
    }
}
