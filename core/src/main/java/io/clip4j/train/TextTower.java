package io.clip4j.train;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.model.TextTransformer;
import java.util.Arrays;

/**
 * OpenAI's text transformer, forward and backward: token + positional embedding, causal residual blocks,
 * ln_final of the state at each row's EOT (first position of the largest id, as the reference's argmax),
 * text_projection [W, E].
 *
 * <p>Under the causal mask no position sees a later one, so a batch runs only up to its longest EOT position:
 * outputs and all gradients are exactly those of the full context (later positions get zero gradient).
 * The token-embedding gradient is a sparse row update: only the rows of ids in the batch are written, and only
 * those are cleared before the next batch.
 */
final class TextTower {
    private final TrainKernels k;
    private final int ctx, vocab, width, embed, maxBatch;
    private final float[] tok, pos, lnG, lnB, proj;
    private final float[] gTok, gPos, gLnG, gLnB, gProj;
    private final ResidualBlock[] blocks;
    private final ResidualBlock.Scratch scratch;
    private final float[] emb, poolRows, mean, rstd, pooled, out;
    private final float[][] xs;
    private final float[] dx, dPooled, dPoolRows;
    private final int[] eot;
    private int[][] tokens;
    private int batch, seq;
    private int[] touchedRows = new int[0];

    TextTower(TrainKernels k, ClipConfig c, ParameterSet p, ParameterSet g, int maxBatch) {
        this.k = k;
        this.maxBatch = maxBatch;
        ctx = c.contextLength();
        vocab = c.vocabSize();
        width = c.textWidth();
        embed = c.embedDim();
        tok = p.get("token_embedding.weight");
        pos = p.get("positional_embedding");
        lnG = p.get("ln_final.weight");
        lnB = p.get("ln_final.bias");
        proj = p.get("text_projection");
        gTok = g.get("token_embedding.weight");
        gPos = g.get("positional_embedding");
        gLnG = g.get("ln_final.weight");
        gLnB = g.get("ln_final.bias");
        gProj = g.get("text_projection");
        int layers = c.textLayers();
        blocks = new ResidualBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new ResidualBlock(
                    k,
                    p,
                    g,
                    "transformer.resblocks." + i + ".",
                    width,
                    c.textHeads(),
                    c.activation(),
                    true,
                    maxBatch,
                    ctx);
        }
        int rows = maxBatch * ctx;
        scratch = new ResidualBlock.Scratch(rows, width);
        emb = new float[rows * width];
        xs = new float[Math.max(1, layers)][]; // the input of each block (the last one writes poolRows)
        xs[0] = emb;
        for (int i = 1; i < layers; i++) xs[i] = new float[rows * width];
        poolRows = new float[maxBatch * width];
        mean = new float[maxBatch];
        rstd = new float[maxBatch];
        pooled = new float[maxBatch * width];
        out = new float[maxBatch * embed];
        dx = new float[rows * width];
        dPooled = new float[maxBatch * width];
        dPoolRows = new float[maxBatch * width];
        eot = new int[maxBatch];
    }

    /** @return [batch, embed] text features (a buffer reused by the next call) */
    float[] forward(int[][] ids, boolean fullContext) {
        int b = ids.length;
        if (b > maxBatch) throw new IllegalArgumentException("batch " + b + " exceeds the buffers' " + maxBatch);
        int s = 1;
        for (int r = 0; r < b; r++) {
            if (ids[r].length > ctx)
                throw new Clip4jException("token row " + r + " has " + ids[r].length + " ids, the context is " + ctx);
            for (int id : ids[r]) {
                if (id < 0 || id >= vocab)
                    throw new Clip4jException(
                            "token row " + r + ": id " + id + " is outside the vocabulary of " + vocab);
            }
            eot[r] = TextTransformer.pooledPosition(ids[r]);
            s = Math.max(s, eot[r] + 1);
        }
        if (fullContext) s = ctx;
        tokens = ids;
        batch = b;
        seq = s;
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < s; p++) {
                int id = p < ids[r].length ? ids[r][p] : 0;
                int dst = (r * s + p) * width;
                for (int c = 0; c < width; c++) emb[dst + c] = tok[id * width + c] + pos[p * width + c];
            }
        }
        // the last block computes only the EOT rows: nothing reads the others
        int last = blocks.length - 1;
        for (int i = 0; i < last; i++) blocks[i].forward(xs[i], xs[i + 1], b, s);
        if (last >= 0) {
            blocks[last].forwardAt(xs[last], poolRows, b, s, eot);
        } else {
            for (int r = 0; r < b; r++) System.arraycopy(emb, (r * s + eot[r]) * width, poolRows, r * width, width);
        }
        LayerNormOp.forward(poolRows, pooled, b, width, lnG, lnB, mean, rstd);
        k.matmul(pooled, 0, proj, 0, out, 0, b, width, embed, false);
        return out;
    }

    int maxBatch() {
        return maxBatch;
    }

    /** Gradients of the text parameters given d(loss)/d(text features), for the batch of the last forward. */
    void backward(float[] dOut) {
        int b = batch, s = seq;
        k.matmulTransposedA(pooled, 0, dOut, 0, gProj, 0, width, b, embed, false); // pooledᵀ · dOut
        k.matmulTransposedB(dOut, 0, proj, 0, dPooled, 0, b, embed, width, false); // dOut · projᵀ
        LayerNormOp.backward(dPooled, poolRows, b, width, lnG, mean, rstd, dPoolRows, false, gLnG, gLnB);
        int rows = b * s;
        int last = blocks.length - 1;
        if (last >= 0) {
            blocks[last].backwardAt(xs[last], dPoolRows, dx, b, s, eot, scratch);
        } else {
            Arrays.fill(dx, 0, rows * width, 0f);
            for (int r = 0; r < b; r++) System.arraycopy(dPoolRows, r * width, dx, (r * s + eot[r]) * width, width);
        }
        for (int i = last - 1; i >= 0; i--) blocks[i].backward(xs[i], dx, dx, b, s, scratch);
        Arrays.fill(gPos, 0f);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < s * width; i++) gPos[i] += dx[r * s * width + i];
        }
        for (int row : touchedRows) Arrays.fill(gTok, row * width, (row + 1) * width, 0f);
        boolean[] seen = new boolean[vocab];
        int count = 0;
        int[] touched = new int[rows];
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < s; p++) {
                int id = p < tokens[r].length ? tokens[r][p] : 0;
                if (!seen[id]) {
                    seen[id] = true;
                    touched[count++] = id;
                }
                k.elementwise().axpy(1f, dx, (r * s + p) * width, gTok, id * width, width);
            }
        }
        touchedRows = Arrays.copyOf(touched, count);
    }

    /** Rows of token_embedding.weight whose gradient the last backward wrote (all others are zero). */
    int[] touchedTokenRows() {
        return touchedRows.clone();
    }
}
