package io.clip4j.train;

import io.clip4j.kernels.HeadSlices;
import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Parallel;
import java.util.Arrays;

/**
 * PyTorch's nn.MultiheadAttention core on packed qkv rows [q | k | v] (each head a contiguous slice of headDim):
 * softmax(q·kᵀ/√d) v per (sequence, head), causal for the text tower. The probabilities are kept for the
 * backward pass. One (sequence, head) pair per task, so threads write disjoint slices of the outputs.
 *
 * <p>Every product is a row of weighted sums on the inference kernels ({@link Kernels#weightedSum}: broadcast a
 * coefficient, fma a whole row): the head's keys and values are first copied transposed, [headDim][seqPad] with
 * seqPad a whole number of vectors, so that a row of scores is one vector-times-matrix product with no horizontal
 * sums. (The per-pair dot/axpy loops this replaces spent most of their time in the horizontal sums of 32-wide dots.)
 */
final class AttentionOp {
    private AttentionOp() {}

    private static int padded(int n) {
        return (n + 15) / 16 * 16;
    }

    /**
     * @param probs [batch, heads, seq, seq] probabilities (entries above the diagonal stay 0 when causal)
     * @param out   [batch*seq, width] attention output before out_proj
     */
    static void forward(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] out,
            int batch,
            int seq,
            int width,
            int heads,
            boolean causal) {
        int hd = width / heads, stride = 3 * width, seqPad = padded(seq);
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] keysT = new float[hd * seqPad]; // [hd][seqPad], the lanes past seq stay 0
            float[] q = new float[hd];
            float[] scores = new float[seqPad];
            float[] qs = causal ? null : new float[seq * hd], block = causal ? null : new float[seq * seqPad];
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq;
                int pBase = t * seq * seq;
                HeadSlices.transpose(qkv, base * stride + width + h * hd, stride, seq, hd, keysT, seqPad);
                if (!causal) {
                    allQueries(k, qkv, probs, out, base, h, pBase, seq, width, hd, scale, keysT, qs, block);
                    continue;
                }
                for (int i = 0; i < seq; i++) { // causal: query i sees keys 0..i
                    oneQuery(
                            k,
                            qkv,
                            keysT,
                            q,
                            scores,
                            probs,
                            pBase + i * seq,
                            out,
                            (base + i) * width + h * hd,
                            base,
                            h,
                            i,
                            i + 1,
                            seq,
                            width,
                            hd,
                            scale);
                }
            }
        });
    }

    /**
     * Query i of one (sequence, head) against its first n keys (Kᵀ in keysT): its probabilities into probs[pr, pr +
     * seq) (0 past n) and its output into out[oOff, oOff + hd). {@code q} and {@code scores} are scratch.
     */
    private static void oneQuery(
            Kernels k,
            float[] qkv,
            float[] keysT,
            float[] q,
            float[] scores,
            float[] probs,
            int pr,
            float[] out,
            int oOff,
            int base,
            int h,
            int i,
            int n,
            int seq,
            int width,
            int hd,
            float scale) {
        int stride = 3 * width, seqPad = padded(seq);
        HeadSlices.scaled(qkv, (base + i) * stride + h * hd, stride, 1, hd, scale, q);
        // scores of the first n keys (rounded up to a vector; the extra lanes are not used)
        k.weightedSum(q, hd, keysT, 0, seqPad, scores, 0, Math.min(seqPad, padded(n)));
        k.softmax(scores, 0, n);
        System.arraycopy(scores, 0, probs, pr, n);
        Arrays.fill(probs, pr + n, pr + seq, 0f);
        k.weightedSum(scores, n, qkv, base * stride + 2 * width + h * hd, stride, out, oOff, hd);
    }

    /**
     * The forward pass of one (sequence, head) of a bidirectional encoder (the ViT) as two block products that share
     * each load of Kᵀ and V among four queries ({@link Kernels#weightedSums}): scaled queries [seq][hd] · Kᵀ
     * [hd][seqPad] into scores [seq][seqPad], a softmax per row, then P · V into the head's slice of {@code out}.
     * The sums run in the one-query path's order: the same result to the bit.
     */
    private static void allQueries(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] out,
            int base,
            int h,
            int pBase,
            int seq,
            int width,
            int hd,
            float scale,
            float[] keysT,
            float[] qs,
            float[] scores) {
        int stride = 3 * width, seqPad = padded(seq);
        HeadSlices.scaled(qkv, base * stride + h * hd, stride, seq, hd, scale, qs);
        k.weightedSums(qs, 0, hd, seq, hd, keysT, 0, seqPad, scores, 0, seqPad, seqPad);
        for (int i = 0; i < seq; i++) {
            k.softmax(scores, i * seqPad, seq);
            System.arraycopy(scores, i * seqPad, probs, pBase + i * seq, seq);
        }
        k.weightedSums(
                scores,
                0,
                seqPad,
                seq,
                seq,
                qkv,
                base * stride + 2 * width + h * hd,
                stride,
                out,
                base * width + h * hd,
                width,
                hd);
    }

    /**
     * dqkv = gradient of the packed qkv rows given dOut (every element written). With P the probabilities, S the
     * scaled scores: dV = Pᵀ dOut, dP = dOut Vᵀ, dS = P ⊙ (dP - rowsum(P ⊙ dP)), dQ = dS K / √d, dK = dSᵀ Q / √d.
     */
    static void backward(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] dOut,
            float[] dqkv,
            int batch,
            int seq,
            int width,
            int heads,
            boolean causal) {
        int hd = width / heads, stride = 3 * width, seqPad = padded(seq);
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] valuesT = new float[hd * seqPad]; // [hd][seqPad]
            float[] dSt = new float[seq * seq]; // dS transposed: [key j][query i]
            float[] dO = new float[hd], dp = new float[seqPad], ds = new float[seq], column = new float[seq];
            float[] dpBlock = causal ? null : new float[seq * seqPad], dsBlock = causal ? null : new float[seq * seq];
            float[] probsT = causal ? null : new float[seq * seq];
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq;
                int pBase = t * seq * seq;
                int qBase = base * stride + h * hd, kBase = qBase + width, vBase = qBase + 2 * width;
                HeadSlices.transpose(qkv, vBase, stride, seq, hd, valuesT, seqPad);
                if (!causal) {
                    allQueriesBackward(
                            k, qkv, probs, dOut, dqkv, base, h, pBase, seq, width, hd, scale, valuesT, dpBlock, dsBlock,
                            dSt, probsT);
                    continue;
                }
                for (int i = 0; i < seq; i++) { // causal: query i sees keys 0..i
                    int n = i + 1;
                    System.arraycopy(dOut, (base + i) * width + h * hd, dO, 0, hd);
                    scoreGradient(k, dO, valuesT, seqPad, probs, pBase + i * seq, n, scale, dp, ds);
                    for (int j = 0; j < n; j++) dSt[j * seq + i] = ds[j];
                    for (int j = n; j < seq; j++) dSt[j * seq + i] = 0f;
                    k.weightedSum(ds, n, qkv, kBase, stride, dqkv, qBase + i * stride, hd); // dQ_i = Σ_j dS_ij K_j
                }
                for (int j = 0; j < seq; j++) {
                    int first = j, m = seq - first; // queries that attend to key j (causal)
                    for (int i = first; i < seq; i++) column[i - first] = probs[pBase + i * seq + j];
                    // dV_j = Σ_i P_ij dO_i
                    k.weightedSum(
                            column, m, dOut, (base + first) * width + h * hd, width, dqkv, vBase + j * stride, hd);
                    // dK_j = Σ_i dS_ij Q_i
                    System.arraycopy(dSt, j * seq + first, column, 0, m);
                    k.weightedSum(column, m, qkv, qBase + first * stride, stride, dqkv, kBase + j * stride, hd);
                }
            }
        });
    }

    /**
     * One query row's dS over its first n keys: dP = dO · Vᵀ (Vᵀ in valuesT), then ds[j] = P_j (dP_j - P·dP) / √d.
     * {@code dp} is scratch.
     */
    private static void scoreGradient(
            Kernels k,
            float[] dO,
            float[] valuesT,
            int seqPad,
            float[] probs,
            int pr,
            int n,
            float scale,
            float[] dp,
            float[] ds) {
        k.weightedSum(dO, dO.length, valuesT, 0, seqPad, dp, 0, Math.min(seqPad, padded(n)));
        float dot = 0f;
        for (int j = 0; j < n; j++) dot += probs[pr + j] * dp[j];
        for (int j = 0; j < n; j++) ds[j] = probs[pr + j] * (dp[j] - dot) * scale;
    }

    /**
     * The backward pass of one bidirectional (sequence, head) as four block products on {@link Kernels#weightedSums}
     * (each sum in the one-query path's order): dP = dOut · Vᵀ, dS row by row, dQ = dS · K, dV = Pᵀ · dOut,
     * dK = dSᵀ · Q (the 1/√d of dQ and dK folded into dS).
     */
    private static void allQueriesBackward(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] dOut,
            float[] dqkv,
            int base,
            int h,
            int pBase,
            int seq,
            int width,
            int hd,
            float scale,
            float[] valuesT,
            float[] dp,
            float[] ds,
            float[] dSt,
            float[] probsT) {
        int stride = 3 * width, seqPad = padded(seq);
        int qBase = base * stride + h * hd,
                kBase = qBase + width,
                vBase = qBase + 2 * width,
                oBase = base * width + h * hd;
        k.weightedSums(dOut, oBase, width, seq, hd, valuesT, 0, seqPad, dp, 0, seqPad, seqPad);
        for (int i = 0; i < seq; i++) {
            int pr = pBase + i * seq, dr = i * seqPad;
            float dot = 0f;
            for (int j = 0; j < seq; j++) dot += probs[pr + j] * dp[dr + j];
            for (int j = 0; j < seq; j++) {
                float v = probs[pr + j] * (dp[dr + j] - dot) * scale;
                ds[i * seq + j] = v;
                dSt[j * seq + i] = v;
                probsT[j * seq + i] = probs[pr + j];
            }
        }
        k.weightedSums(ds, 0, seq, seq, seq, qkv, kBase, stride, dqkv, qBase, stride, hd); // dQ = dS K
        k.weightedSums(probsT, 0, seq, seq, seq, dOut, oBase, width, dqkv, vBase, stride, hd); // dV = Pᵀ dOut
        k.weightedSums(dSt, 0, seq, seq, seq, qkv, qBase, stride, dqkv, kBase, stride, hd); // dK = dSᵀ Q
    }

    /**
     * Attention for one query row per sequence (row {@code at[b]} of sequence b) against all its keys: the last block
     * of a tower, whose other rows nothing reads. The same sums as {@link #forward} for that row, to the bit.
     *
     * @param probs [batch, heads, seq] the query row's probabilities (0 past the causal limit)
     * @param out   [batch, width] attention output of the query rows, before out_proj
     */
    static void forwardAt(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] out,
            int batch,
            int seq,
            int width,
            int heads,
            boolean causal,
            int[] at) {
        int hd = width / heads, stride = 3 * width, seqPad = padded(seq);
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] keysT = new float[hd * seqPad];
            float[] q = new float[hd];
            float[] scores = new float[seqPad];
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq, i = at[b], n = causal ? i + 1 : seq;
                HeadSlices.transpose(qkv, base * stride + width + h * hd, stride, seq, hd, keysT, seqPad);
                oneQuery(
                        k,
                        qkv,
                        keysT,
                        q,
                        scores,
                        probs,
                        t * seq,
                        out,
                        b * width + h * hd,
                        base,
                        h,
                        i,
                        n,
                        seq,
                        width,
                        hd,
                        scale);
            }
        });
    }

    /**
     * The gradient of all packed qkv rows given dOut [batch, width] at the query rows of {@link #forwardAt}: with one
     * query i, dP = dO·Vᵀ, dS = P ⊙ (dP - P·dP), dQ_i = dS K / √d, and every key and value row j gets a single term,
     * dK_j = dS_j Q_i / √d, dV_j = P_j dO; the other query rows' gradients are 0. These are {@link #backward}'s sums
     * with the rows that carry no gradient left out (they add exact zeros there).
     */
    static void backwardAt(
            Kernels k,
            float[] qkv,
            float[] probs,
            float[] dOut,
            float[] dqkv,
            int batch,
            int seq,
            int width,
            int heads,
            boolean causal,
            int[] at) {
        int hd = width / heads, stride = 3 * width, seqPad = padded(seq);
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] valuesT = new float[hd * seqPad];
            float[] dO = new float[hd], dp = new float[seqPad], ds = new float[seq];
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq, i = at[b], n = causal ? i + 1 : seq, pr = t * seq;
                int qBase = base * stride + h * hd, kBase = qBase + width, vBase = qBase + 2 * width;
                HeadSlices.transpose(qkv, vBase, stride, seq, hd, valuesT, seqPad);
                System.arraycopy(dOut, b * width + h * hd, dO, 0, hd);
                scoreGradient(k, dO, valuesT, seqPad, probs, pr, n, scale, dp, ds);
                for (int r = 0; r < seq; r++) Arrays.fill(dqkv, qBase + r * stride, qBase + r * stride + hd, 0f);
                k.weightedSum(ds, n, qkv, kBase, stride, dqkv, qBase + i * stride, hd);
                int qRow = qBase + i * stride;
                for (int j = 0; j < seq; j++) {
                    int kj = kBase + j * stride, vj = vBase + j * stride;
                    float dsj = j < n ? ds[j] : 0f, pj = j < n ? probs[pr + j] : 0f;
                    for (int d = 0; d < hd; d++) {
                        dqkv[kj + d] = dsj * qkv[qRow + d];
                        dqkv[vj + d] = pj * dO[d];
                    }
                }
            }
        });
    }
}
