package io.clip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.kernels.Activation;
import io.clip4j.model.ClipConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Every backward pass against central finite differences of its forward pass, on tiny random sizes (odd widths,
 * odd head dims). Layers are checked through a random linear read-out L = Σ y·R evaluated in double.
 */
class GradientCheckTest {
    private static final TrainKernels K = new ScalarTrainKernels();

    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    static double readout(float[] y, float[] w, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) y[i] * w[i];
        return s;
    }

    /** Central differences of {@code loss} over every element of {@code p}, compared with {@code analytic}. */
    static void check(String what, float[] p, float[] analytic, DoubleSupplier loss, double eps, double tol) {
        double[] numeric = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            float keep = p[i];
            p[i] = (float) (keep + eps);
            double plus = loss.getAsDouble();
            p[i] = (float) (keep - eps);
            double minus = loss.getAsDouble();
            p[i] = keep;
            numeric[i] = (plus - minus) / (2 * eps);
        }
        double num = 0, den = 0;
        for (int i = 0; i < p.length; i++) {
            num += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            den += numeric[i] * numeric[i];
        }
        double err = Math.sqrt(num / Math.max(den, 1e-20));
        assertTrue(den > 0 || num < 1e-12, what + ": numeric gradient is zero but analytic is not");
        assertTrue(den == 0 || err < tol, what + ": relative error " + err);
    }

    @Test
    void linear() {
        Random r = new Random(1);
        int rows = 5, in = 7, out = 3;
        float[] x = random(r, rows * in, 1),
                w = random(r, out * in, 1),
                b = random(r, out, 1),
                ro = random(r, rows * out, 1);
        float[] y = new float[rows * out];
        DoubleSupplier loss = () -> {
            LinearOp.forward(K, x, rows, in, w, b, y, out);
            return readout(y, ro, y.length);
        };
        float[] dx = new float[rows * in], dw = new float[out * in], db = new float[out];
        LinearOp.backward(K, ro, x, rows, in, out, w, dx, false, dw, db);
        check("linear dx", x, dx, loss, 1e-2, 1e-3);
        check("linear dW", w, dw, loss, 1e-2, 1e-3);
        check("linear db", b, db, loss, 1e-2, 1e-3);
    }

    @Test
    void layerNorm() {
        Random r = new Random(2);
        int rows = 4, width = 9;
        float[] x = random(r, rows * width, 2),
                g = random(r, width, 1),
                b = random(r, width, 1),
                ro = random(r, rows * width, 1);
        float[] y = new float[rows * width], mean = new float[rows], rstd = new float[rows];
        DoubleSupplier loss = () -> {
            LayerNormOp.forward(x, y, rows, width, g, b, mean, rstd);
            return readout(y, ro, y.length);
        };
        loss.getAsDouble();
        float[] dx = new float[rows * width], dg = new float[width], db = new float[width];
        LayerNormOp.backward(ro, x, rows, width, g, mean, rstd, dx, false, dg, db);
        check("layernorm dx", x, dx, loss, 1e-2, 2e-3);
        check("layernorm dgamma", g, dg, loss, 1e-2, 1e-3);
        check("layernorm dbeta", b, db, loss, 1e-2, 1e-3);
    }

    @Test
    void activations() {
        for (boolean quick : new boolean[] {true, false}) {
            Random r = new Random(3);
            int n = 23;
            float[] x = random(r, n, 2), ro = random(r, n, 1), y = new float[n], dx = new float[n];
            DoubleSupplier loss = () -> {
                ActivationOp.forward(K.elementwise(), Activation.ofQuickGelu(quick), x, y, n);
                return readout(y, ro, n);
            };
            ActivationOp.backward(K.elementwise(), Activation.ofQuickGelu(quick), x, ro, dx, n);
            check(quick ? "QuickGELU" : "GELU", x, dx, loss, 1e-2, 1e-3);
        }
    }

    @Test
    void attention() {
        for (boolean causal : new boolean[] {false, true}) {
            Random r = new Random(4);
            int batch = 2, seq = 5, heads = 2, width = 10;
            float[] qkv = random(r, batch * seq * 3 * width, 1), ro = random(r, batch * seq * width, 1);
            float[] probs = new float[batch * heads * seq * seq], out = new float[batch * seq * width];
            DoubleSupplier loss = () -> {
                AttentionOp.forward(K.elementwise(), qkv, probs, out, batch, seq, width, heads, causal);
                return readout(out, ro, out.length);
            };
            loss.getAsDouble();
            float[] dqkv = new float[qkv.length];
            AttentionOp.backward(K.elementwise(), qkv, probs, ro, dqkv, batch, seq, width, heads, causal);
            check("attention causal=" + causal, qkv, dqkv, loss, 1e-2, 2e-3);
        }
    }

    /** The vector kernels' attention against the scalar reference's, at sizes no vector divides. */
    @Test
    void attentionOnVectorKernelsMatchesTheScalarReference() {
        for (boolean causal : new boolean[] {false, true}) {
            Random r = new Random(5);
            int batch = 2, seq = 19, heads = 3, width = 3 * 37;
            float[] qkv = random(r, batch * seq * 3 * width, 1), dOut = random(r, batch * seq * width, 1);
            float[][] probs = new float[2][batch * heads * seq * seq], out = new float[2][batch * seq * width];
            float[][] dqkv = new float[2][qkv.length];
            TrainKernels[] kernels = {new ScalarTrainKernels(), new VectorTrainKernels()};
            for (int i = 0; i < 2; i++) {
                AttentionOp.forward(kernels[i].elementwise(), qkv, probs[i], out[i], batch, seq, width, heads, causal);
                AttentionOp.backward(
                        kernels[i].elementwise(), qkv, probs[i], dOut, dqkv[i], batch, seq, width, heads, causal);
            }
            assertTrue(relativeError(out[1], out[0]) < 1e-5, "out, causal=" + causal);
            assertTrue(relativeError(probs[1], probs[0]) < 1e-5, "probs, causal=" + causal);
            assertTrue(relativeError(dqkv[1], dqkv[0]) < 1e-5, "dqkv, causal=" + causal);
        }
    }

    private static double relativeError(float[] a, float[] ref) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - (double) ref[i]) * (a[i] - (double) ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void residualBlockIncludingKeyBiasGradientZero() {
        Random r = new Random(5);
        int batch = 2, seq = 4, width = 6, heads = 2;
        String pre = "b.";
        ParameterSet p = blockParameters(r, pre, width), g = zeros(p);
        for (boolean causal : new boolean[] {false, true}) {
            ResidualBlock block =
                    new ResidualBlock(K, p, g, pre, width, heads, Activation.ofQuickGelu(!causal), causal, batch, seq);
            float[] x = random(r, batch * seq * width, 1), ro = random(r, x.length, 1), y = new float[x.length];
            DoubleSupplier loss = () -> {
                block.forward(x, y, batch, seq);
                return readout(y, ro, y.length);
            };
            loss.getAsDouble();
            float[] dx = new float[x.length];
            block.backward(x, ro.clone(), dx, batch, seq, new ResidualBlock.Scratch(batch * seq, width));
            for (String n : BLOCK_PARAMETERS)
                check(
                        "block " + n + " causal=" + causal,
                        p.get(pre + n),
                        g.get(pre + n).clone(),
                        loss,
                        1e-2,
                        3e-3);
            check("block dx causal=" + causal, x, dx, loss, 1e-2, 3e-3);
            float[] kb = Arrays.copyOfRange(g.get(pre + "attn.in_proj_bias"), width, 2 * width);
            for (float v : kb) assertEquals(0f, v);
        }
    }

    /**
     * A tower's last block computes only its pooled rows (forwardAt / backwardAt): the same floats, to the bit, as the
     * whole block at those rows, and the same input and parameter gradients as the whole block's backward pass with a
     * dY that is zero elsewhere; bidirectional (pooled row 0, the ViT) and causal (pooled rows inside, the text).
     */
    @Test
    void lastBlockAtPooledRowsIsTheWholeBlockThere() {
        Random r = new Random(11);
        int batch = 3, seq = 7, width = 32, heads = 4;
        String pre = "b.";
        ParameterSet p = blockParameters(r, pre, width);
        for (boolean causal : new boolean[] {false, true}) {
            int[] at = causal ? new int[] {6, 2, 4} : new int[batch];
            ParameterSet gWhole = zeros(p), gAt = zeros(p);
            ResidualBlock whole =
                    new ResidualBlock(K, p, gWhole, pre, width, heads, Activation.QUICK_GELU, causal, batch, seq);
            ResidualBlock pooled =
                    new ResidualBlock(K, p, gAt, pre, width, heads, Activation.QUICK_GELU, causal, batch, seq);
            float[] x = random(r, batch * seq * width, 1), y = new float[x.length], yAt = new float[batch * width];
            whole.forward(x, y, batch, seq);
            pooled.forwardAt(x, yAt, batch, seq, at);
            float[] dy = new float[x.length], dyAt = random(r, batch * width, 1);
            for (int b = 0; b < batch; b++) {
                float[] rowWhole = Arrays.copyOfRange(y, (b * seq + at[b]) * width, (b * seq + at[b] + 1) * width);
                assertArrayEquals(
                        rowWhole,
                        Arrays.copyOfRange(yAt, b * width, (b + 1) * width),
                        "causal=" + causal + " row " + b);
                System.arraycopy(dyAt, b * width, dy, (b * seq + at[b]) * width, width);
            }
            float[] dx = new float[x.length], dxAt = new float[x.length];
            whole.backward(x, dy, dx, batch, seq, new ResidualBlock.Scratch(batch * seq, width));
            pooled.backwardAt(x, dyAt, dxAt, batch, seq, at, new ResidualBlock.Scratch(batch * seq, width));
            assertTrue(relativeError(dxAt, dx) < 1e-6, "dx causal=" + causal + ": " + relativeError(dxAt, dx));
            for (String n : BLOCK_PARAMETERS) {
                double err = relativeError(gAt.get(pre + n), gWhole.get(pre + n));
                assertTrue(err < 1e-6, n + " causal=" + causal + ": " + err);
            }
        }
    }

    /** The parameters of one residual block, after the prefix, in the order {@link #blockParameters} draws them. */
    private static final String[] BLOCK_PARAMETERS = {
        "ln_1.weight",
        "ln_1.bias",
        "attn.in_proj_weight",
        "attn.in_proj_bias",
        "attn.out_proj.weight",
        "attn.out_proj.bias",
        "ln_2.weight",
        "ln_2.bias",
        "mlp.c_fc.weight",
        "mlp.c_fc.bias",
        "mlp.c_proj.weight",
        "mlp.c_proj.bias"
    };

    /** A residual block's parameters of the given width, drawn from r (scale 0.5), under {@code pre}. */
    private static ParameterSet blockParameters(Random r, String pre, int width) {
        int[][] shapes = {
            {width},
            {width},
            {3 * width, width},
            {3 * width},
            {width, width},
            {width},
            {width},
            {width},
            {4 * width, width},
            {4 * width},
            {width, 4 * width},
            {width}
        };
        ParameterSet p = new ParameterSet();
        for (int i = 0; i < BLOCK_PARAMETERS.length; i++) {
            p.put(pre + BLOCK_PARAMETERS[i], shapes[i], random(r, ParameterSet.numel(shapes[i]), 0.5));
        }
        return p;
    }

    private static ParameterSet zeros(ParameterSet p) {
        ParameterSet g = new ParameterSet();
        for (String n : p.names()) g.put(n, p.shape(n), new float[p.get(n).length]);
        return g;
    }

    @Test
    void contrastiveLoss() {
        Random r = new Random(6);
        int batch = 3, embed = 5;
        float[] img = random(r, batch * embed, 1), txt = random(r, batch * embed, 1), scale = {1.3f};
        float[] dImg = new float[img.length], dTxt = new float[txt.length];
        double[] res = ContrastiveLoss.forwardBackward(img, txt, batch, embed, scale[0], dImg, dTxt);
        DoubleSupplier loss = () -> ContrastiveLoss.forwardBackward(img, txt, batch, embed, scale[0], null, null)[0];
        check("loss dImg", img, dImg, loss, 1e-3, 1e-4);
        check("loss dTxt", txt, dTxt, loss, 1e-3, 1e-4);
        check("loss dLogitScale", scale, new float[] {(float) res[1]}, loss, 1e-3, 1e-4);
        // perfectly matched, well-separated pairs: the loss tends to 0
        float[] eye = new float[9];
        for (int i = 0; i < 3; i++) eye[i * 3 + i] = 1;
        assertTrue(ContrastiveLoss.forwardBackward(eye, eye, 3, 3, 4.6f, null, null)[0] < 1e-3);
        assertEquals(Math.log(3), ContrastiveLoss.forwardBackward(eye, eye, 3, 3, -30f, null, null)[0], 1e-6);
    }

    @Test
    void contrastiveLossWithSharedCaptions() {
        Random r = new Random(7);
        int batch = 5, embed = 4;
        float[] img = random(r, batch * embed, 1), txt = random(r, batch * embed, 1), scale = {1.1f};
        int[] groups = {0, 1, 0, 2, 1};
        float[] dImg = new float[img.length], dTxt = new float[txt.length];
        double[] res = ContrastiveLoss.forwardBackward(img, txt, batch, embed, scale[0], dImg, dTxt, groups);
        DoubleSupplier loss =
                () -> ContrastiveLoss.forwardBackward(img, txt, batch, embed, scale[0], null, null, groups)[0];
        check("shared dImg", img, dImg, loss, 1e-3, 1e-4);
        check("shared dTxt", txt, dTxt, loss, 1e-3, 1e-4);
        check("shared dLogitScale", scale, new float[] {(float) res[1]}, loss, 1e-3, 1e-4);
        // groups of one are the standard loss
        assertEquals(
                ContrastiveLoss.forwardBackward(img, txt, batch, embed, scale[0], null, null)[0],
                ContrastiveLoss.forwardBackward(
                        img, txt, batch, embed, scale[0], null, null, new int[] {0, 1, 2, 3, 4})[0],
                1e-12);
        // two pictures of one caption, both on it: nothing pushes them apart (the standard loss would)
        float[] same = {1, 0, 0.8f, 0.6f, 0, 1}, dShared = new float[6], dStandard = new float[6];
        ContrastiveLoss.forwardBackward(same, same, 3, 2, 2f, dShared, null, new int[] {0, 0, 1});
        ContrastiveLoss.forwardBackward(same, same, 3, 2, 2f, dStandard, null);
        // a descent step moves image 0 by -d: towards image 1 when -d . (img1 - img0) > 0
        double standard = -(dStandard[0] * (same[2] - same[0]) + dStandard[1] * (same[3] - same[1]));
        double shared = -(dShared[0] * (same[2] - same[0]) + dShared[1] * (same[3] - same[1]));
        assertTrue(standard < 0 && shared > 0, "standard " + standard + ", shared " + shared);
    }

    @Test
    void captionGroupsIgnorePadding() {
        int[][] tokens = {{49406, 320, 49407}, {49406, 321, 49407, 0}, {49406, 320, 49407, 0, 0}};
        assertEquals(
                List.of(0, 1, 0),
                Arrays.stream(CaptionGroups.of(tokens)).boxed().toList());
    }

    static ClipConfig tinyConfig(boolean quickGelu) {
        return new ClipConfig(
                7,
                8,
                new int[] {1},
                10,
                4,
                2,
                9,
                23,
                6,
                2,
                2,
                quickGelu,
                ClipConfig.OPENAI_MEAN.clone(),
                ClipConfig.OPENAI_STD.clone());
    }

    static int[][] tokens() {
        return new int[][] {{21, 3, 5, 22, 0, 0}, {21, 22}, {21, 4, 4, 9, 12, 22, 0, 0, 0}};
    }

    static ParameterSet randomParams(ClipConfig c, long seed) {
        Random r = new Random(seed);
        ParameterSet p = ParameterSet.zeros(ExpectedTensors.of(c));
        for (String n : p.names()) {
            float[] v = p.get(n);
            for (int i = 0; i < v.length; i++)
                v[i] = (float) (r.nextGaussian() * (n.contains("ln") && n.endsWith("weight") ? 0.3 : 0.5)
                        + (n.contains("ln") && n.endsWith("weight") ? 1 : 0));
        }
        p.get("logit_scale")[0] = 1.5f;
        return p;
    }

    @Test
    void wholeModelAgainstFiniteDifferences() {
        for (boolean quick : new boolean[] {true, false}) {
            ClipConfig c = tinyConfig(quick);
            ParameterSet p = randomParams(c, quick ? 7 : 8);
            TrainableClip m = TrainableClip.of(c, p, "test", K);
            float[] pixels = random(new Random(9), 3 * 3 * 8 * 8, 1);
            int[][] ids = tokens();
            m.lossAndGradients(pixels, ids, 3, false);
            ParameterSet grads = m.gradients().copy();
            DoubleSupplier loss = () -> m.loss(pixels, ids, 3);
            for (String n : p.names())
                check(n + (quick ? " (QuickGELU)" : " (GELU)"), p.get(n), grads.get(n), loss, 1e-2, 2e-2);
        }
    }

    @Test
    void textStoppingAtTheLastEotGivesTheFullContextGradients() {
        ClipConfig c = tinyConfig(true);
        TrainableClip m = TrainableClip.of(c, randomParams(c, 11), "test", K);
        float[] pixels = random(new Random(12), 3 * 3 * 8 * 8, 1);
        float shortLoss = m.lossAndGradients(pixels, tokens(), 3, false);
        ParameterSet shortGrads = m.gradients().copy();
        m.setFullTextContext(true);
        float fullLoss = m.lossAndGradients(pixels, tokens(), 3, false);
        assertEquals(fullLoss, shortLoss, 1e-6 * fullLoss);
        for (String n : shortGrads.names()) {
            double err =
                    TrainKernelsTest.relErr(shortGrads.get(n), m.gradients().get(n));
            assertTrue(err < 1e-5, n + ": " + err);
        }
        // the positions past the longest EOT (index 5) get no gradient
        float[] pos = m.gradients().get("positional_embedding");
        for (int i = 6 * 6; i < pos.length; i++) assertEquals(0f, pos[i]);
    }

    @Test
    void lockedImageTowerGetsNoGradient() {
        ClipConfig c = tinyConfig(true);
        TrainableClip m = TrainableClip.of(c, randomParams(c, 13), "test", K);
        float[] pixels = random(new Random(14), 3 * 3 * 8 * 8, 1);
        m.lossAndGradients(pixels, tokens(), 3, true);
        for (String n : m.gradients().names()) {
            float[] g = m.gradients().get(n);
            double s = 0;
            for (float v : g) s += Math.abs(v);
            if (n.startsWith("visual.")) assertEquals(0.0, s, n);
            else if (!n.equals("token_embedding.weight")) assertTrue(s > 0, n + " has no gradient");
        }
    }
}
