package io.clip4j.train;

/**
 * open_clip's ClipLoss in one process: with I, T the L2-normalised image and text features and s = exp(logit_scale),
 * Loss = (CE(s·I·Tᵀ, arange) + CE(s·T·Iᵀ, arange)) / 2, cross-entropies averaged over the batch.
 * Optionally the pairs come in groups of identical captions: then the target of a row (and of a column) is uniform
 * over its group rather than one-hot on the diagonal (with groups of one, this is the loss above).
 * The B x B part is small, so it runs in double precision.
 */
final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /** Loss and gradients: {@code dImg}, {@code dTxt} [batch, embed] receive d/d(features); returns {loss, d/d logit_scale}. */
    static double[] forwardBackward(
            float[] img, float[] txt, int batch, int embed, float logitScale, float[] dImg, float[] dTxt) {
        return forwardBackward(img, txt, batch, embed, logitScale, dImg, dTxt, null);
    }

    /**
     * As above with {@code groups} (null: the standard loss): pairs of one group share their caption, so the target
     * of each row and column is spread uniformly over the group instead of being its diagonal element alone.
     */
    static double[] forwardBackward(
            float[] img,
            float[] txt,
            int batch,
            int embed,
            float logitScale,
            float[] dImg,
            float[] dTxt,
            int[] groups) {
        double[] groupSize = new double[batch];
        for (int i = 0; i < batch; i++) {
            if (groups == null) groupSize[i] = 1;
            else for (int j = 0; j < batch; j++) if (groups[j] == groups[i]) groupSize[i]++;
        }
        double[][] in = new double[batch][embed], tn = new double[batch][embed];
        double[] iNorm = normalise(img, batch, embed, in), tNorm = normalise(txt, batch, embed, tn);
        double s = Math.exp(logitScale);
        double[][] logits = new double[batch][batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < batch; j++) {
                double d = 0;
                for (int e = 0; e < embed; e++) d += in[i][e] * tn[j][e];
                logits[i][j] = s * d;
            }
        }
        // dLoss/dlogits = (softmax over rows - I) / 2B + (softmax over columns - I) / 2B
        double loss = 0;
        double[][] dl = new double[batch][batch];
        for (int i = 0; i < batch; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < batch; j++) max = Math.max(max, logits[i][j]);
            double sum = 0;
            for (int j = 0; j < batch; j++) sum += Math.exp(logits[i][j] - max);
            double lse = max + Math.log(sum);
            for (int j = 0; j < batch; j++) {
                double t = target(groups, groupSize, i, j);
                loss += t * (lse - logits[i][j]) / (2.0 * batch);
                dl[i][j] += (Math.exp(logits[i][j] - max) / sum - t) / (2.0 * batch);
            }
        }
        for (int j = 0; j < batch; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < batch; i++) max = Math.max(max, logits[i][j]);
            double sum = 0;
            for (int i = 0; i < batch; i++) sum += Math.exp(logits[i][j] - max);
            double lse = max + Math.log(sum);
            for (int i = 0; i < batch; i++) {
                double t = target(groups, groupSize, j, i);
                loss += t * (lse - logits[i][j]) / (2.0 * batch);
                dl[i][j] += (Math.exp(logits[i][j] - max) / sum - t) / (2.0 * batch);
            }
        }
        double dScale = 0;
        for (int i = 0; i < batch; i++) for (int j = 0; j < batch; j++) dScale += dl[i][j] * logits[i][j];
        if (dImg != null) {
            double[][] dIn = new double[batch][embed];
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < batch; j++) for (int e = 0; e < embed; e++) dIn[i][e] += s * dl[i][j] * tn[j][e];
            normaliseBackward(in, iNorm, dIn, dImg, batch, embed);
        }
        if (dTxt != null) {
            double[][] dTn = new double[batch][embed];
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < batch; j++) for (int e = 0; e < embed; e++) dTn[j][e] += s * dl[i][j] * in[i][e];
            normaliseBackward(tn, tNorm, dTn, dTxt, batch, embed);
        }
        return new double[] {loss, dScale};
    }

    /** The target probability of element j in row (or column) i: 1/|group| within i's group, else 0. */
    private static double target(int[] groups, double[] groupSize, int i, int j) {
        if (groups == null) return i == j ? 1 : 0;
        return groups[i] == groups[j] ? 1 / groupSize[i] : 0;
    }

    private static double[] normalise(float[] x, int batch, int embed, double[][] out) {
        double[] norms = new double[batch];
        for (int i = 0; i < batch; i++) {
            double sq = 0;
            for (int e = 0; e < embed; e++) sq += (double) x[i * embed + e] * x[i * embed + e];
            norms[i] = Math.sqrt(sq);
            for (int e = 0; e < embed; e++) out[i][e] = x[i * embed + e] / norms[i];
        }
        return norms;
    }

    /** x/||x|| backward: dx = (dn - n (n·dn)) / ||x||. */
    private static void normaliseBackward(
            double[][] n, double[] norms, double[][] dn, float[] dx, int batch, int embed) {
        for (int i = 0; i < batch; i++) {
            double d = 0;
            for (int e = 0; e < embed; e++) d += n[i][e] * dn[i][e];
            for (int e = 0; e < embed; e++) dx[i * embed + e] = (float) ((dn[i][e] - n[i][e] * d) / norms[i]);
        }
    }
}
