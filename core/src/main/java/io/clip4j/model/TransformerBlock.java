package io.clip4j.model;

import io.clip4j.kernels.Activation;
import io.clip4j.kernels.HeadSlices;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;
import io.clip4j.kernels.Parallel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OpenAI's ResidualAttentionBlock: x += attn(ln_1(x)); x += mlp(ln_2(x)), with PyTorch's
 * nn.MultiheadAttention (packed in_proj [3W, W], heads of W/h) and a 4W QuickGELU (or GELU) MLP.
 */
final class TransformerBlock {
    private static final float LN_EPS = 1e-5f;

    private final int width, heads, headDim, hidden;
    private final Activation activation;
    private final float[] ln1g, ln1b, ln2g, ln2b, inB, outB, fcB, projB;
    private final Matrix inW, outW, fcW, projW;

    TransformerBlock(Weights w, String prefix, int width, int heads, Activation activation) {
        this.width = width;
        this.heads = heads;
        this.headDim = width / heads;
        this.hidden = 4 * width;
        this.activation = activation;
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
        final int tokens;
        final float[] norm, qkv, attn, mlp;
        private float[] extra = new float[0];

        Buffers(int tokens, int width) {
            this.tokens = tokens;
            norm = new float[tokens * width];
            qkv = new float[tokens * 3 * width];
            attn = new float[tokens * width];
            mlp = new float[tokens * 4 * width];
        }

        /** A further work array of at least n floats (the ViT's patch matrix), kept with the others. */
        float[] extra(int n) {
            if (extra.length < n) extra = new float[n];
            return extra;
        }
    }

    /**
     * One set of {@link Buffers} kept between forward passes (at ViT-B/32 batch 32 they are ~65 MB: allocating
     * them per call lets the heap grow by that much garbage per batch). A call takes the set, or makes its own
     * when a concurrent call holds it or it is too small, and gives it back after; only one set is retained.
     */
    static final class BufferSlot {
        private final AtomicReference<Buffers> slot = new AtomicReference<>();

        Buffers take(int tokens, int width) {
            Buffers b = slot.getAndSet(null);
            return b != null && b.tokens >= tokens ? b : new Buffers(tokens, width);
        }

        void giveBack(Buffers b) {
            slot.accumulateAndGet(b, (cur, mine) -> cur == null || mine.tokens >= cur.tokens ? mine : cur);
        }
    }

    /**
     * x: [batch, seq, width], updated in place. {@code causal}: position i attends to positions <= i only. The
     * residual additions are fused into the output projections' stores (x += attn · Wᵀ + b).
     */
    void forward(Kernels k, float[] x, int batch, int seq, boolean causal, Buffers b) {
        int rows = batch * seq;
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln1g, ln1b, LN_EPS);
        k.linear(b.norm, 0, rows, inW, inB, b.qkv, 0);
        attention(k, b.qkv, b.attn, batch, seq, causal, null);
        k.linearAdd(b.attn, 0, rows, outW, outB, x, 0);
        mlp(k, x, rows, b);
    }

    /**
     * The block's output at one position per sequence only ({@code positions[s]} of sequence s), as
     * [batch, width]: every position's keys and values are still needed, but the queries, the output
     * projection and the MLP run for those rows alone (exact: a row's result does not depend on the others).
     * For the last block of an encoder that pools one position, it skips about 3/4 of that block's work.
     */
    float[] forwardAt(Kernels k, float[] x, int batch, int seq, boolean causal, int[] positions, Buffers b) {
        int rows = batch * seq;
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln1g, ln1b, LN_EPS);
        k.linear(b.norm, 0, rows, inW, inB, b.qkv, 0);
        attention(k, b.qkv, b.attn, batch, seq, causal, positions);
        float[] kept = new float[batch * width];
        for (int s = 0; s < batch; s++) System.arraycopy(x, (s * seq + positions[s]) * width, kept, s * width, width);
        k.linearAdd(b.attn, 0, batch, outW, outB, kept, 0);
        mlp(k, kept, batch, b);
        return kept;
    }

    /**
     * {@link #forward} (or, with {@code positions} non-null, {@link #forwardAt}) of causal sequences whose position 0
     * holds the same token in every sequence, as the text tower's start token: under the causal mask that position
     * sees only itself, so its keys and values are the same in every sequence of every batch, and they are given
     * ({@code prefixQkv}, the block's [q | k | v] row of position 0, 3·width). x holds positions 1 .. seq-1 only,
     * [batch, seq-1, width]; {@code positions} are indices into the whole sequence (≥ 1). Row for row the same
     * arithmetic as the whole-sequence path, so the results are the same.
     */
    float[] forwardAfterPrefix(
            Kernels k, float[] x, int batch, int seq, float[] prefixQkv, int[] positions, Buffers b) {
        int n = seq - 1, rows = batch * n, stride = 3 * width;
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln1g, ln1b, LN_EPS);
        k.linear(b.norm, 0, rows, inW, inB, b.qkv, 0);
        // spread [batch, n] rows to [batch, seq] with the prefix row in front of each sequence; from the last
        // sequence down, so no sequence's rows are overwritten before they move
        for (int s = batch - 1; s >= 0; s--) {
            System.arraycopy(b.qkv, s * n * stride, b.qkv, (s * seq + 1) * stride, n * stride);
            System.arraycopy(prefixQkv, 0, b.qkv, s * seq * stride, stride);
        }
        attention(k, b.qkv, b.attn, batch, seq, true, positions);
        if (positions != null) {
            float[] kept = new float[batch * width];
            for (int s = 0; s < batch; s++)
                System.arraycopy(x, (s * n + positions[s] - 1) * width, kept, s * width, width);
            k.linearAdd(b.attn, 0, batch, outW, outB, kept, 0);
            mlp(k, kept, batch, b);
            return kept;
        }
        // drop each sequence's position-0 output row: [batch, seq] -> [batch, n], from the first sequence up
        for (int s = 0; s < batch; s++)
            System.arraycopy(b.attn, (s * seq + 1) * width, b.attn, s * n * width, n * width);
        k.linearAdd(b.attn, 0, rows, outW, outB, x, 0);
        mlp(k, x, rows, b);
        return x;
    }

    /** x += c_proj(act(c_fc(ln_2(x)))) over {@code rows} rows. */
    private void mlp(Kernels k, float[] x, int rows, Buffers b) {
        k.layerNorm(x, 0, b.norm, 0, rows, width, ln2g, ln2b, LN_EPS);
        k.linearActivated(b.norm, 0, rows, fcW, fcB, activation, b.mlp, 0);
        k.linearAdd(b.mlp, 0, rows, projW, projB, x, 0);
    }

    /**
     * Scaled dot-product attention, one (sequence, head) pair per task, one query row of scores at a time:
     * never more than seq floats of scores per thread. qkv rows hold [q | k | v], each head a contiguous slice.
     * With {@code queries} non-null only the query at position queries[s] of each sequence s is answered, into
     * row s of {@code out}; otherwise every position, into its own row.
     *
     * <p>The head's keys are first copied transposed, [headDim][seqPad] with seqPad a whole number of vectors, so
     * that a query's scores are one vector-times-matrix product (broadcast q[d], fma a row of Kᵀ) with no
     * horizontal sums; its output is the same product with the scores and V.
     */
    private void attention(Kernels k, float[] qkv, float[] out, int batch, int seq, boolean causal, int[] queries) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int stride = 3 * width;
        int seqPad = (seq + 15) / 16 * 16;
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] scores = new float[seqPad];
            float[] keysT = new float[headDim * seqPad];
            float[] q = new float[headDim];
            boolean everyQuery = queries == null && !causal;
            float[] qs = everyQuery ? new float[seq * headDim] : null,
                    block = everyQuery ? new float[seq * seqPad] : null;
            for (int t = t0; t < t1; t++) {
                int bIdx = t / heads, h = t % heads;
                int base = bIdx * seq;
                int first = queries == null ? 0 : queries[bIdx], last = queries == null ? seq : first + 1;
                int keys = causal ? last : seq;
                HeadSlices.transpose(qkv, base * stride + width + h * headDim, stride, keys, headDim, keysT, seqPad);
                if (everyQuery) {
                    allQueries(k, qkv, out, base, h, seq, seqPad, scale, keysT, qs, block);
                    continue;
                }
                for (int i = first; i < last; i++) {
                    HeadSlices.scaled(qkv, (base + i) * stride + h * headDim, stride, 1, headDim, scale, q);
                    int n = causal ? i + 1 : seq;
                    // scores of the first n keys (rounded up to a vector; the extra lanes are not used)
                    k.weightedSum(q, headDim, keysT, 0, seqPad, scores, 0, Math.min(seqPad, (n + 15) / 16 * 16));
                    k.softmax(scores, 0, n);
                    int oRow = queries == null ? base + i : bIdx;
                    k.weightedSum(
                            scores,
                            n,
                            qkv,
                            base * stride + 2 * width + h * headDim,
                            stride,
                            out,
                            oRow * width + h * headDim,
                            headDim);
                }
            }
        });
    }

    /**
     * Every query of one (sequence, head) of a bidirectional encoder (the ViT) at once, as two block products that
     * share each load of Kᵀ and V among four queries: the scaled queries [seq][headDim] times Kᵀ [headDim][seqPad]
     * into scores [seq][seqPad], a softmax per row, then the scores times V into the head's slice of {@code out}.
     * The sums run in the same order as the one-query path's, so the result is the same to the bit.
     */
    private void allQueries(
            Kernels k,
            float[] qkv,
            float[] out,
            int base,
            int h,
            int seq,
            int seqPad,
            float scale,
            float[] keysT,
            float[] qs,
            float[] scores) {
        int stride = 3 * width;
        HeadSlices.scaled(qkv, base * stride + h * headDim, stride, seq, headDim, scale, qs);
        k.weightedSums(qs, 0, headDim, seq, headDim, keysT, 0, seqPad, scores, 0, seqPad, seqPad);
        for (int i = 0; i < seq; i++) k.softmax(scores, i * seqPad, seq);
        k.weightedSums(
                scores,
                0,
                seqPad,
                seq,
                seq,
                qkv,
                base * stride + 2 * width + h * headDim,
                stride,
                out,
                base * width + h * headDim,
                width,
                headDim);
    }
}
