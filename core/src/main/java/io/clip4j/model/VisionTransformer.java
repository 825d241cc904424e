package io.clip4j.model;

import io.clip4j.kernels.Kernels;
import io.clip4j.kernels.Matrix;

/**
 * OpenAI's VisionTransformer: patch convolution (no bias) as a matrix product over flattened patches,
 * class token + positional embedding, ln_pre, blocks, ln_post of the class token, projection [W, E].
 */
final class VisionTransformer implements ImageEncoder {
    private final Kernels k;
    private final int res, patch, grid, seq, width, embed, layers;
    private final Matrix patchW; // [width, 3*patch*patch]
    private final Matrix projT; // [embed, width]: visual.proj transposed to nn.Linear layout
    private final float[] classEmb, posEmb, lnPreG, lnPreB, lnPostG, lnPostB;
    private final TransformerBlock[] blocks;
    private final TransformerBlock.BufferSlot work = new TransformerBlock.BufferSlot();

    VisionTransformer(Weights w, ClipConfig c, Kernels k) {
        this.k = k;
        res = c.imageResolution();
        patch = c.visionPatchSize();
        grid = res / patch;
        seq = grid * grid + 1;
        width = c.visionWidth();
        embed = c.embedDim();
        layers = c.visionLayers()[0];
        patchW = w.matrix("visual.conv1.weight", width, 3, patch, patch);
        classEmb = w.vector("visual.class_embedding", width);
        posEmb = w.vector("visual.positional_embedding", seq, width);
        lnPreG = w.vector("visual.ln_pre.weight", width);
        lnPreB = w.vector("visual.ln_pre.bias", width);
        lnPostG = w.vector("visual.ln_post.weight", width);
        lnPostB = w.vector("visual.ln_post.bias", width);
        projT = Transpose.of(w.vector("visual.proj", width, embed), width, embed);
        blocks = new TransformerBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new TransformerBlock(
                    w, "visual.transformer.resblocks." + i + ".", width, c.visionHeads(), c.activation());
        }
    }

    @Override
    public float[] encode(float[] pixels, int batch, Trace trace) {
        var buffers = work.take(batch * seq, width);
        try {
            return encodeWith(pixels, batch, trace, buffers);
        } finally {
            work.giveBack(buffers);
        }
    }

    private float[] encodeWith(float[] pixels, int batch, Trace trace, TransformerBlock.Buffers buffers) {
        int patches = grid * grid, kdim = 3 * patch * patch, img = 3 * res * res;
        // all images' patches as rows of one product: [batch*patches, 3*p*p] x [3*p*p, width]. The blocks' work
        // buffers are free until the first block, so the patch matrix and its product live in the MLP and qkv
        // buffers (3p² <= 4W for every CLIP ViT: 3072 <= 3072 at B/32) and only x needs one of its own
        int colsLen = batch * patches * kdim;
        float[] cols = colsLen <= buffers.mlp.length ? buffers.mlp : new float[colsLen];
        for (int b = 0; b < batch; b++) im2col(pixels, b * img, cols, b * patches * kdim);
        float[] patchOut = buffers.qkv;
        k.linear(cols, 0, batch * patches, patchW, null, patchOut, 0);
        if (trace != null) trace.record("vision.patch_embeds", patchOut, batch * patches * width);

        int xLen = batch * seq * width;
        float[] x = buffers.extra(xLen);
        for (int b = 0; b < batch; b++) {
            int xb = b * seq * width;
            for (int c = 0; c < width; c++) x[xb + c] = classEmb[c] + posEmb[c];
            for (int p = 0; p < patches; p++) {
                int src = (b * patches + p) * width, dst = xb + (p + 1) * width, pos = (p + 1) * width;
                for (int c = 0; c < width; c++) x[dst + c] = patchOut[src + c] + posEmb[pos + c];
            }
        }
        if (trace != null) trace.record("vision.embeddings", x, xLen);
        k.layerNorm(x, 0, x, 0, batch * seq, width, lnPreG, lnPreB, 1e-5f);
        if (trace != null) trace.record("vision.ln_pre", x, xLen);

        // with no trace, the last block runs for the class tokens alone (the only rows pooled)
        int full = trace != null ? layers : layers - 1;
        for (int i = 0; i < full; i++) {
            blocks[i].forward(k, x, batch, seq, false, buffers);
            if (trace != null) trace.record("vision.block" + i, x, xLen);
        }
        float[] cls;
        int clsStride;
        if (full < layers) {
            cls = blocks[layers - 1].forwardAt(k, x, batch, seq, false, new int[batch], buffers);
            clsStride = width;
        } else {
            cls = x;
            clsStride = seq * width;
        }
        float[] pooled = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            k.layerNorm(cls, b * clsStride, pooled, b * width, 1, width, lnPostG, lnPostB, 1e-5f);
        }
        if (trace != null) trace.record("vision.pooled", pooled, pooled.length);
        float[] out = new float[batch * embed];
        k.linear(pooled, 0, batch, projT, null, out, 0);
        return out;
    }

    /** Rows = patches in raster order; columns = (channel, ky, kx) as in the conv weight [W, 3, p, p]. */
    private void im2col(float[] pixels, int off, float[] cols, int colsOff) {
        int kdim = 3 * patch * patch;
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int row = colsOff + (gy * grid + gx) * kdim;
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
