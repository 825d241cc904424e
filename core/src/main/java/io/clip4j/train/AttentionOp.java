package io.clip4j.train;

import io.clip4j.kernels.Parallel;
import java.util.Arrays;

/**
 * PyTorch's nn.MultiheadAttention core on packed qkv rows [q | k | v] (each head a contiguous slice of headDim):
 * softmax(q·kᵀ/√d) v per (sequence, head), causal for the text tower. The probabilities are kept for the
 * backward pass. One (sequence, head) pair per task, so threads write disjoint slices of the outputs.
 */
final class AttentionOp {
    private AttentionOp() {}

    /**
     * @param probs [batch, heads, seq, seq] probabilities (entries above the diagonal stay 0 when causal)
     * @param out   [batch*seq, width] attention output before out_proj
     */
    static void forward(TrainKernels k, float[] qkv, float[] probs, float[] out, int batch, int seq, int width,
                        int heads, boolean causal) {
        int hd = width / heads, stride = 3 * width;
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq;
                int pBase = t * seq * seq;
                for (int i = 0; i < seq; i++) {
                    int qOff = (base + i) * stride + h * hd;
                    int n = causal ? i + 1 : seq;
                    int pr = pBase + i * seq;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        float s = k.dot(qkv, qOff, qkv, (base + j) * stride + width + h * hd, hd) * scale;
                        probs[pr + j] = s;
                        max = Math.max(max, s);
                    }
                    float sum = 0f;
                    for (int j = 0; j < n; j++) {
                        float e = (float) Math.exp(probs[pr + j] - max);
                        probs[pr + j] = e;
                        sum += e;
                    }
                    float inv = 1f / sum;
                    for (int j = 0; j < n; j++) probs[pr + j] *= inv;
                    if (n < seq) Arrays.fill(probs, pr + n, pr + seq, 0f);
                    int oOff = (base + i) * width + h * hd;
                    Arrays.fill(out, oOff, oOff + hd, 0f);
                    for (int j = 0; j < n; j++) {
                        k.axpy(probs[pr + j], qkv, (base + j) * stride + 2 * width + h * hd, out, oOff, hd);
                    }
                }
            }
        });
    }

    /**
     * dqkv = gradient of the packed qkv rows given dOut. With P the probabilities, S the scaled scores:
     * dV = Pᵀ dOut, dP = dOut Vᵀ, dS = P ⊙ (dP - rowsum(P ⊙ dP)), dQ = dS K / √d, dK = dSᵀ Q / √d.
     */
    static void backward(TrainKernels k, float[] qkv, float[] probs, float[] dOut, float[] dqkv, int batch, int seq,
                         int width, int heads, boolean causal) {
        int hd = width / heads, stride = 3 * width;
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(batch * heads, 1, (t0, t1) -> {
            float[] dp = new float[seq];
            for (int t = t0; t < t1; t++) {
                int b = t / heads, h = t % heads, base = b * seq;
                int pBase = t * seq * seq;
                for (int i = 0; i < seq; i++) {
                    int r = (base + i) * stride + h * hd;
                    Arrays.fill(dqkv, r, r + hd, 0f);
                    Arrays.fill(dqkv, r + width, r + width + hd, 0f);
                    Arrays.fill(dqkv, r + 2 * width, r + 2 * width + hd, 0f);
                }
                for (int i = 0; i < seq; i++) {
                    int n = causal ? i + 1 : seq;
                    int pr = pBase + i * seq;
                    int dOff = (base + i) * width + h * hd;
                    float dot = 0f;
                    for (int j = 0; j < n; j++) {
                        int vOff = (base + j) * stride + 2 * width + h * hd;
                        dp[j] = k.dot(dOut, dOff, qkv, vOff, hd);
                        dot += probs[pr + j] * dp[j];
                        k.axpy(probs[pr + j], dOut, dOff, dqkv, vOff, hd);
                    }
                    int qOff = (base + i) * stride + h * hd;
                    for (int j = 0; j < n; j++) {
                        float ds = probs[pr + j] * (dp[j] - dot) * scale;
                        int kOff = (base + j) * stride + width + h * hd;
                        k.axpy(ds, qkv, kOff, dqkv, qOff, hd);
                        k.axpy(ds, qkv, qOff, dqkv, kOff, hd);
                    }
                }
            }
        });
    }
}
