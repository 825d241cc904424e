package io.clip4j.distill;

/**
 * The distillation loss of one batch, forward and backward. With u = unit(s) the student's embeddings [B, E],
 * t the teacher's unit embeddings [B, E] and A the unit anchors [M, E]:
 *
 * <pre>
 *   z_t = scale · t·Aᵀ,  z_s = scale · u·Aᵀ                                  [B, M]
 *   KL  = (1/B) Σ_b Σ_m p_t (log p_t − log p_s),  p = softmax(z / T)         (PyTorch: kl_div(..., 'batchmean'))
 *   L1  = (1/(B·E)) Σ |u − t|                                                (PyTorch: l1_loss, mean)
 *   loss = T² · KL + λ · L1
 * </pre>
 *
 * The T² keeps the gradient's size independent of the temperature (Hinton et al.): d(T²·KL)/dz_s = (T/B)(p_s − p_t).
 * The gradient flows back through the normalisation: ds = (du − u (u·du)) / ‖s‖. Sums are in double.
 * {@code scripts/distill-loss-reference.py} writes the PyTorch values the tests compare with.
 */
public final class DistillLoss {
    private DistillLoss() {}

    /** The loss, its two parts, and d(loss)/d(s) [B, E]. */
    public record Result(double loss, double kl, double l1, float[] gradient) {}

    /**
     * @param student     raw student embeddings [batch, embed] (not normalised)
     * @param teacher     the teacher's unit embeddings [batch, embed]
     * @param anchors     unit anchor embeddings [m, embed]
     * @param scale       logit scale (exp of the teacher's logit_scale)
     * @param temperature T > 0
     * @param l1Weight    λ >= 0
     */
    public static Result compute(
            float[] student,
            float[] teacher,
            float[] anchors,
            int batch,
            int m,
            int embed,
            double scale,
            double temperature,
            double l1Weight) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        double[] u = new double[batch * embed], norms = new double[batch];
        for (int b = 0; b < batch; b++) {
            double ss = 0;
            for (int e = 0; e < embed; e++) ss += (double) student[b * embed + e] * student[b * embed + e];
            norms[b] = Math.sqrt(ss);
            for (int e = 0; e < embed; e++) u[b * embed + e] = student[b * embed + e] / norms[b];
        }
        double kl = 0, l1 = 0;
        double[] du = new double[batch * embed];
        double[] zt = new double[m], zs = new double[m];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < m; j++) {
                double st = 0, su = 0;
                for (int e = 0; e < embed; e++) {
                    double a = anchors[j * embed + e];
                    st += teacher[b * embed + e] * a;
                    su += u[b * embed + e] * a;
                }
                zt[j] = scale * st / temperature;
                zs[j] = scale * su / temperature;
            }
            double[] logPt = logSoftmax(zt), logPs = logSoftmax(zs);
            for (int j = 0; j < m; j++) {
                double pt = Math.exp(logPt[j]), ps = Math.exp(logPs[j]);
                kl += pt * (logPt[j] - logPs[j]);
                // d(T² KL / B)/dz_s[j] = (T / B)(p_s − p_t); dz_s/du = scale · A[j]
                double dz = temperature / batch * (ps - pt) * scale;
                for (int e = 0; e < embed; e++) du[b * embed + e] += dz * anchors[j * embed + e];
            }
            for (int e = 0; e < embed; e++) {
                double d = u[b * embed + e] - teacher[b * embed + e];
                l1 += Math.abs(d);
                du[b * embed + e] += l1Weight * Math.signum(d) / ((double) batch * embed);
            }
        }
        kl /= batch;
        l1 /= (double) batch * embed;
        float[] ds = new float[batch * embed];
        for (int b = 0; b < batch; b++) {
            double dot = 0;
            for (int e = 0; e < embed; e++) dot += u[b * embed + e] * du[b * embed + e];
            for (int e = 0; e < embed; e++)
                ds[b * embed + e] = (float) ((du[b * embed + e] - u[b * embed + e] * dot) / norms[b]);
        }
        double t2 = temperature * temperature;
        return new Result(t2 * kl + l1Weight * l1, kl, l1, ds);
    }

    private static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (double v : z) sum += Math.exp(v - max);
        double log = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) out[i] = z[i] - log;
        return out;
    }
}
