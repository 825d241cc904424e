package io.clip4j.train;

import io.clip4j.model.ClipConfig;
import java.util.Arrays;

/**
 * OpenAI's VisionTransformer, forward and backward: patch convolution (no bias) as a product over flattened
 * patches, class token + positional embedding, ln_pre, residual blocks, ln_post of the class token, proj [W, E].
 */
final class VisionTower {
    private final TrainKernels k;
    private final int res, patch, grid, patches, seq, width, embed, kdim, maxBatch;
    private final float[] conv, cls, pos, lnPreG, lnPreB, lnPostG, lnPostB, proj;
    private final float[] gConv, gCls, gPos, gLnPreG, gLnPreB, gLnPostG, gLnPostB, gProj;
    private final ResidualBlock[] blocks;
    private final ResidualBlock.Scratch scratch;
    // activations
    private final float[] cols, patchOut, emb, meanPre, rstdPre, clsRows, meanPost, rstdPost, pooled, out;
    private final float[][] xs;
    private final int[] classRows;
    // backward work
    private final float[] dx, dPooled, dClsRows, dEmb, dPatch;

    VisionTower(TrainKernels k, ClipConfig c, ParameterSet p, ParameterSet g, int maxBatch) {
        this.k = k;
        this.maxBatch = maxBatch;
        res = c.imageResolution();
        patch = c.visionPatchSize();
        grid = res / patch;
        patches = grid * grid;
        seq = patches + 1;
        width = c.visionWidth();
        embed = c.embedDim();
        kdim = 3 * patch * patch;
        conv = p.get("visual.conv1.weight");
        cls = p.get("visual.class_embedding");
        pos = p.get("visual.positional_embedding");
        lnPreG = p.get("visual.ln_pre.weight");
        lnPreB = p.get("visual.ln_pre.bias");
        lnPostG = p.get("visual.ln_post.weight");
        lnPostB = p.get("visual.ln_post.bias");
        proj = p.get("visual.proj");
        gConv = g.get("visual.conv1.weight");
        gCls = g.get("visual.class_embedding");
        gPos = g.get("visual.positional_embedding");
        gLnPreG = g.get("visual.ln_pre.weight");
        gLnPreB = g.get("visual.ln_pre.bias");
        gLnPostG = g.get("visual.ln_post.weight");
        gLnPostB = g.get("visual.ln_post.bias");
        gProj = g.get("visual.proj");
        int layers = c.visionLayers()[0];
        blocks = new ResidualBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new ResidualBlock(
                    k,
                    p,
                    g,
                    "visual.transformer.resblocks." + i + ".",
                    width,
                    c.visionHeads(),
                    c.activation(),
                    false,
                    maxBatch,
                    seq);
        }
        int rows = maxBatch * seq;
        scratch = new ResidualBlock.Scratch(rows, width);
        cols = new float[maxBatch * patches * kdim];
        patchOut = new float[maxBatch * patches * width];
        emb = new float[rows * width];
        meanPre = new float[rows];
        rstdPre = new float[rows];
        xs = new float[Math.max(1, layers)][rows * width]; // the input of each block (the last one writes clsRows)
        classRows = new int[maxBatch]; // row 0 of every sequence
        clsRows = new float[maxBatch * width];
        meanPost = new float[maxBatch];
        rstdPost = new float[maxBatch];
        pooled = new float[maxBatch * width];
        out = new float[maxBatch * embed];
        dx = new float[rows * width];
        dPooled = new float[maxBatch * width];
        dClsRows = new float[maxBatch * width];
        dEmb = new float[rows * width];
        dPatch = new float[maxBatch * patches * width];
    }

    int maxBatch() {
        return maxBatch;
    }

    /** @return [batch, embed] image features (a buffer reused by the next call) */
    float[] forward(float[] pixels, int batch) {
        int img = 3 * res * res;
        if (pixels.length < batch * img)
            throw new IllegalArgumentException("pixels hold " + pixels.length + " floats, need " + batch * img);
        for (int b = 0; b < batch; b++) im2col(pixels, b * img, b * patches * kdim);
        k.matmulTransposedB(cols, 0, conv, 0, patchOut, 0, batch * patches, kdim, width, false); // cols · convᵀ
        for (int b = 0; b < batch; b++) {
            int xb = b * seq * width;
            for (int c = 0; c < width; c++) emb[xb + c] = cls[c] + pos[c];
            for (int q = 0; q < patches; q++) {
                int src = (b * patches + q) * width, dst = xb + (q + 1) * width, pp = (q + 1) * width;
                for (int c = 0; c < width; c++) emb[dst + c] = patchOut[src + c] + pos[pp + c];
            }
        }
        LayerNormOp.forward(emb, xs[0], batch * seq, width, lnPreG, lnPreB, meanPre, rstdPre);
        // the last block computes only the class rows: nothing reads the others
        int last = blocks.length - 1;
        for (int i = 0; i < last; i++) blocks[i].forward(xs[i], xs[i + 1], batch, seq);
        if (last >= 0) {
            blocks[last].forwardAt(xs[last], clsRows, batch, seq, classRows);
        } else {
            for (int b = 0; b < batch; b++) System.arraycopy(xs[0], b * seq * width, clsRows, b * width, width);
        }
        LayerNormOp.forward(clsRows, pooled, batch, width, lnPostG, lnPostB, meanPost, rstdPost);
        k.matmul(pooled, 0, proj, 0, out, 0, batch, width, embed, false);
        return out;
    }

    /** Parameter gradients of the visual.* tensors given d(loss)/d(image features) [batch, embed]. */
    void backward(float[] dOut, int batch) {
        k.matmulTransposedA(pooled, 0, dOut, 0, gProj, 0, width, batch, embed, false); // pooledᵀ · dOut
        k.matmulTransposedB(dOut, 0, proj, 0, dPooled, 0, batch, embed, width, false); // dOut · projᵀ
        LayerNormOp.backward(
                dPooled, clsRows, batch, width, lnPostG, meanPost, rstdPost, dClsRows, false, gLnPostG, gLnPostB);
        int rows = batch * seq;
        int last = blocks.length - 1;
        if (last >= 0) {
            blocks[last].backwardAt(xs[last], dClsRows, dx, batch, seq, classRows, scratch);
        } else {
            Arrays.fill(dx, 0, rows * width, 0f);
            for (int b = 0; b < batch; b++) System.arraycopy(dClsRows, b * width, dx, b * seq * width, width);
        }
        for (int i = last - 1; i >= 0; i--) blocks[i].backward(xs[i], dx, dx, batch, seq, scratch);
        LayerNormOp.backward(dx, emb, rows, width, lnPreG, meanPre, rstdPre, dEmb, false, gLnPreG, gLnPreB);
        Arrays.fill(gCls, 0f);
        Arrays.fill(gPos, 0f);
        for (int b = 0; b < batch; b++) {
            int xb = b * seq * width;
            for (int i = 0; i < seq * width; i++) gPos[i] += dEmb[xb + i];
            for (int c = 0; c < width; c++) gCls[c] += dEmb[xb + c];
        }
        // dPatch[batch*patches, W]: the class rows are skipped, patch q of image b is row b*seq + q + 1
        int n = batch * patches;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(dEmb, (b * seq + 1) * width, dPatch, b * patches * width, patches * width);
        }
        k.matmulTransposedA(dPatch, 0, cols, 0, gConv, 0, width, n, kdim, false); // dPatchᵀ · cols
    }

    /** Rows = patches in raster order; columns = (channel, ky, kx) as in the conv weight [W, 3, p, p]. */
    private void im2col(float[] pixels, int off, int dst) {
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int row = dst + (gy * grid + gx) * kdim;
                for (int c = 0; c < 3; c++) {
                    for (int ky = 0; ky < patch; ky++) {
                        int src = off + c * res * res + (gy * patch + ky) * res + gx * patch;
                        System.arraycopy(pixels, src, cols, row + (c * patch + ky) * patch, patch);
                    }
                }
            }
        }
    }
}
