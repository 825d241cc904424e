package io.clip4j.model;

import io.clip4j.Clip4jException;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;
import java.util.Arrays;

/**
 * OpenAI's text tower: token + positional embedding, causal blocks, ln_final, the state at the first position
 * of the largest id (the EOT token, as the reference's argmax), projection [W, E].
 *
 * <p>Under the causal mask no position sees a later one, so running a batch only up to its longest pooled
 * position gives the same result as running all 77 positions; and position 0, the start token in every text,
 * sees only itself, so its keys and values are computed once per model ({@link #sharedPrefix}) rather than once
 * per text (at ~10 tokens a query, a tenth of the encoder's work).
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
        return encode(tokens, trace, true);
    }

    /**
     * As {@link #encode(int[][], Trace)}; with {@code sharePrefix} false, the first position is computed in every
     * sequence again rather than taken from {@link #sharedPrefix} (the two give the same result; tests compare them).
     */
    float[] encode(int[][] tokens, Trace trace, boolean sharePrefix) {
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
        Prefix prefix = sharePrefix && trace == null ? sharedPrefix(tokens, pool) : null;
        int from = prefix == null ? 0 : 1;
        var buffers = work.take(batch * seq, width);
        try {
            float[] x = embedTokens(tokens, batch, seq, from, buffers, trace);
            return prefix == null
                    ? encodeEmbedded(x, batch, seq, pool, trace, buffers)
                    : encodeAfterPrefix(x, batch, seq, pool, prefix, buffers);
        } finally {
            work.giveBack(buffers);
        }
    }

    /**
     * Every block's [q | k | v] row at position 0 of a sequence starting with {@code token}: under the causal mask
     * position 0 sees only itself, so these rows are the same for every text that starts with that token (all of
     * them: the tokenizer puts the start token first). Computed once, from the one-token sequence.
     */
    private record Prefix(int token, float[][] qkv) {}

    private volatile Prefix prefix;

    /** The prefix every row starts with, or null when the rows do not share a first token or pool at position 0. */
    private Prefix sharedPrefix(int[][] tokens, int[] pool) {
        if (tokens.length == 0 || tokens[0].length == 0) return null;
        int token = tokens[0][0];
        if (token < 0 || token >= vocab) return null; // the whole-sequence path reports it
        for (int b = 0; b < tokens.length; b++)
            if (tokens[b].length == 0 || tokens[b][0] != token || pool[b] == 0) return null;
        Prefix p = prefix;
        if (p != null && p.token == token) return p;
        var buffers = new TransformerBlock.Buffers(1, width);
        float[] x = embedTokens(new int[][] {{token}}, 1, 1, 0, buffers, null).clone();
        float[][] qkv = new float[layers][];
        for (int i = 0; i < layers; i++) {
            blocks[i].forward(k, x, 1, 1, true, buffers); // leaves the block's qkv row in buffers.qkv
            qkv[i] = Arrays.copyOf(buffers.qkv, 3 * width);
        }
        prefix = p = new Prefix(token, qkv);
        return p;
    }

    /**
     * Token + positional embeddings of positions {@code from} .. seq-1, [batch, seq - from, width], in a kept
     * buffer.
     */
    private float[] embedTokens(
            int[][] tokens, int batch, int seq, int from, TransformerBlock.Buffers buffers, Trace trace) {
        int n = seq - from, xLen = batch * n * width;
        float[] x = buffers.extra(xLen);
        float[] row = new float[width];
        for (int b = 0; b < batch; b++) {
            for (int p = from; p < seq; p++) {
                int id = p < tokens[b].length ? tokens[b][p] : 0;
                if (id < 0 || id >= vocab) {
                    throw new Clip4jException("token id " + id + " is outside the model's vocabulary of " + vocab
                            + " (the tokenizer does not match the checkpoint)");
                }
                int dst = (b * n + p - from) * width;
                tokenEmb.row(id, row);
                for (int c = 0; c < width; c++) x[dst + c] = row[c] + posEmb[p * width + c];
            }
        }
        if (trace != null) trace.record("text.embeddings", x, xLen);
        return x;
    }

    /** The blocks over positions 1 .. seq-1 with position 0's keys and values from {@code prefix}; then pooling. */
    private float[] encodeAfterPrefix(
            float[] x, int batch, int seq, int[] pool, Prefix prefix, TransformerBlock.Buffers buffers) {
        for (int i = 0; i < layers - 1; i++)
            blocks[i].forwardAfterPrefix(k, x, batch, seq, prefix.qkv[i], null, buffers);
        float[] eot = blocks[layers - 1].forwardAfterPrefix(k, x, batch, seq, prefix.qkv[layers - 1], pool, buffers);
        return pooledProjection(eot, batch);
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
        if (eot != null) return pooledProjection(eot, batch);
        float[] rows = new float[batch * width];
        for (int b = 0; b < batch; b++) System.arraycopy(x, (b * seq + pool[b]) * width, rows, b * width, width);
        return pooledProjection(rows, batch);
    }

    /** ln_final then the projection of the pooled rows [batch, width]: [batch, embed]. */
    private float[] pooledProjection(float[] rows, int batch) {
        float[] pooled = new float[batch * width];
        k.layerNorm(rows, 0, pooled, 0, batch, width, lnG, lnB, 1e-5f);
        float[] out = new float[batch * embed];
        k.linear(pooled, 0, batch, projT, null, out, 0);
        return out;
    }
}
