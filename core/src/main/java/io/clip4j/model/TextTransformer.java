package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;

/**
 * OpenAI's text tower: token + positional embedding, causal blocks, ln_final, the state at the first position
 * of the largest id (the EOT token, as the reference's argmax), projection [W, E].
 *
 * <p>Under the causal mask no position sees a later one, so running a batch only up to its longest pooled
 * position gives the same result as running all 77 positions.
 */
public final class TextTransformer {
    private final Kernels k;
    private final int ctx, vocab, width, embed, layers;
    private final Matrix tokenEmb; // [vocab, width]
    private final Matrix projT; // [embed, width]
    private final float[] posEmb, lnG, lnB;
    private final TransformerBlock[] blocks;
    private final TransformerBlock.BufferSlot work = new TransformerBlock.BufferSlot();

    TextTransformer(Weights w, ClipConfig c, Kernels k) {
        this.k = k;
        ctx = c.contextLength();
        vocab = c.vocabSize();
        width = c.textWidth();
        embed = c.embedDim();
        layers = c.textLayers();
        tokenEmb = w.matrix("token_embedding.weight", vocab, width);
        posEmb = w.vector("positional_embedding", ctx, width);
        lnG = w.vector("ln_final.weight", width);
        lnB = w.vector("ln_final.bias", width);
        projT = Transpose.of(w.vector("text_projection", width, embed), width, embed);
        blocks = new TransformerBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] =
                    new TransformerBlock(w, "transformer.resblocks." + i + ".", width, c.textHeads(), c.activation());
        }
    }

    public int contextLength() {
        return ctx;
    }

    /** Position the reference pools at: the first index of the largest id (its argmax, i.e. the EOT token). */
    public static int pooledPosition(int[] ids) {
        int best = 0;
        for (int i = 1; i < ids.length; i++) if (ids[i] > ids[best]) best = i;
        return best;
    }

    /**
     * @param tokens rows of token ids (each at most the context length; shorter rows are as if zero-padded)
     * @param trace  receives intermediates over all context positions, or null
     * @return tokens.length x embedDim
     */
    public float[] encode(int[][] tokens, Trace trace) {
        int batch = tokens.length;
        int[] pool = new int[batch];
        int seq = 1;
        for (int b = 0; b < batch; b++) {
            if (tokens[b].length > ctx) {
                throw new IllegalArgumentException(
                        "token row " + b + " has " + tokens[b].length + " ids, context is " + ctx);
            }
            pool[b] = pooledPosition(tokens[b]);
            seq = Math.max(seq, pool[b] + 1);
        }
        if (trace != null) seq = ctx;
        var buffers = work.take(batch * seq, width);
        try {
            return encodeEmbedded(embedTokens(tokens, batch, seq, buffers, trace), batch, seq, pool, trace, buffers);
        } finally {
            work.giveBack(buffers);
        }
    }

    /** Token + positional embeddings of the first {@code seq} positions, [batch, seq, width], in a kept buffer. */
    private float[] embedTokens(int[][] tokens, int batch, int seq, TransformerBlock.Buffers buffers, Trace trace) {
        int xLen = batch * seq * width;
        float[] x = buffers.extra(xLen);
        float[] row = new float[width];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < seq; p++) {
                int id = p < tokens[b].length ? tokens[b][p] : 0;
                if (id < 0 || id >= vocab) {
                    throw new io.clip4j.Clip4jException("token id " + id + " is outside the model's vocabulary of "
                            + vocab + " (the tokenizer does not match the checkpoint)");
                }
                int dst = (b * seq + p) * width;
                tokenEmb.row(id, row);
                for (int c = 0; c < width; c++) x[dst + c] = row[c] + posEmb[p * width + c];
            }
        }
        if (trace != null) trace.record("text.embeddings", x, xLen);
        return x;
    }

    private float[] encodeEmbedded(
            float[] x, int batch, int seq, int[] pool, Trace trace, TransformerBlock.Buffers buffers) {
        // with no trace, the last block runs for the pooled (EOT) rows alone
        int full = trace != null ? layers : layers - 1;
        for (int i = 0; i < full; i++) {
            blocks[i].forward(k, x, batch, seq, true, buffers);
            if (trace != null) trace.record("text.block" + i, x, batch * seq * width);
        }
        if (trace != null) {
            float[] all = new float[batch * seq * width];
            k.layerNorm(x, 0, all, 0, batch * seq, width, lnG, lnB, 1e-5f);
            trace.record("text.ln_final", all, all.length);
        }
        float[] eot = full < layers ? blocks[layers - 1].forwardAt(k, x, batch, seq, true, pool, buffers) : null;
        float[] pooled = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            if (eot != null) k.layerNorm(eot, b * width, pooled, b * width, 1, width, lnG, lnB, 1e-5f);
            else k.layerNorm(x, (b * seq + pool[b]) * width, pooled, b * width, 1, width, lnG, lnB, 1e-5f);
        }
        float[] out = new float[batch * embed];
        k.linear(pooled, 0, batch, projT, null, out, 0);
        return out;
    }
}
