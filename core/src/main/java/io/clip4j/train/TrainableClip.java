package io.clip4j.train;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.ExpectedTensors;
import io.clip4j.model.ClipConfig;
import io.clip4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A ViT + text CLIP whose parameters are float32 arrays under OpenAI's state-dict names, with a forward pass that
 * mirrors the reference and its backward pass. Activation and gradient buffers are allocated once for a batch size
 * (grown if a larger batch arrives). Not thread-safe: one training step at a time (each step is itself parallel).
 */
public final class TrainableClip {
    private final ClipConfig config;
    private final ParameterSet params;
    private final ParameterSet grads;
    private final String init;
    private final TrainKernels kernels;
    private VisionTower vision;
    private TextTower text;
    private float[] dImg = new float[0], dTxt = new float[0];
    private boolean fullTextContext;

    private TrainableClip(ClipConfig config, ParameterSet params, String init, TrainKernels kernels) {
        if (!config.isVit())
            throw new Clip4jException("training supports ViT image towers only, not " + config.describe());
        if (config.visionWidth() % config.visionHeads() != 0 || config.textWidth() % config.textHeads() != 0) {
            throw new Clip4jException("model width is not a multiple of its heads: " + config.describe());
        }
        this.config = config;
        this.params = params;
        this.grads = ParameterSet.zeros(ExpectedTensors.of(config));
        this.init = init;
        this.kernels = kernels;
    }

    /** Fine-tuning: the checkpoint's weights widened to float32 (fp16/bf16 values are exact in float32). */
    public static TrainableClip fromCheckpoint(Checkpoint checkpoint) {
        return fromCheckpoint(checkpoint, TrainKernels.best());
    }

    public static TrainableClip fromCheckpoint(Checkpoint checkpoint, TrainKernels kernels) {
        ClipConfig c = checkpoint.config();
        ParameterSet p = new ParameterSet();
        for (Map.Entry<String, int[]> e : ExpectedTensors.of(c).entrySet()) {
            Tensor t = checkpoint.weights().get(e.getKey());
            if (t == null) throw new Clip4jException(checkpoint.source() + ": no tensor '" + e.getKey() + "'");
            if (t.numel() != ParameterSet.numel(e.getValue())) {
                throw new Clip4jException(checkpoint.source() + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
            p.put(e.getKey(), e.getValue(), t.toFloatArray());
        }
        return new TrainableClip(c, p, "checkpoint " + checkpoint.source(), kernels);
    }

    /** Training from scratch with OpenAI's / open_clip's initialisation (see {@link ParameterInit}). */
    public static TrainableClip fromScratch(ClipConfig config, long seed) {
        return new TrainableClip(
                config, ParameterInit.openai(config, seed), ParameterInit.describe(seed), TrainKernels.best());
    }

    /** Parameters as given (e.g. restored from a training checkpoint). */
    public static TrainableClip of(ClipConfig config, ParameterSet params, String init) {
        return of(config, params, init, TrainKernels.best());
    }

    public static TrainableClip of(ClipConfig config, ParameterSet params, String init, TrainKernels kernels) {
        return new TrainableClip(config, params, init, kernels);
    }

    public ClipConfig config() {
        return config;
    }

    /** The live parameters (an optimizer updates them in place; nothing is derived from them between steps). */
    public ParameterSet parameters() {
        return params;
    }

    /** The gradients of the last {@link #lossAndGradients} call (dense arrays; see {@link #touchedTokenRows()}). */
    public ParameterSet gradients() {
        return grads;
    }

    /** How the parameters were initialised, e.g. "checkpoint PATH" or the scratch scheme and seed. */
    public String init() {
        return init;
    }

    /** Rows of token_embedding.weight with a non-zero gradient after the last backward pass. */
    public int[] touchedTokenRows() {
        return text == null ? new int[0] : text.touchedTokenRows();
    }

    /** Tests: run the text tower over the whole context instead of stopping at the batch's last EOT. */
    void setFullTextContext(boolean full) {
        fullTextContext = full;
    }

    // the towers' activation buffers are made on first use, for the largest batch seen (a distillation run never
    // builds the tower it does not train)
    private void ensureVision(int batch) {
        if (vision != null && vision.maxBatch() >= batch) return;
        vision = null;
        vision = new VisionTower(kernels, config, params, grads, batch);
        if (dImg.length < batch * config.embedDim()) dImg = new float[batch * config.embedDim()];
    }

    private void ensureText(int batch) {
        if (text != null && text.maxBatch() >= batch) return;
        text = null;
        text = new TextTower(kernels, config, params, grads, batch);
        if (dTxt.length < batch * config.embedDim()) dTxt = new float[batch * config.embedDim()];
    }

    private void ensureCapacity(int batch) {
        ensureVision(batch);
        ensureText(batch);
    }

    /** Image features [batch, embed] before normalisation (as encode_image), from this model's own forward pass. */
    public float[] imageFeatures(float[] pixels, int batch) {
        return Arrays.copyOf(imageForward(pixels, batch), batch * config.embedDim());
    }

    /** Text features [rows, embed] before normalisation (as encode_text). */
    public float[] textFeatures(int[][] tokens) {
        return Arrays.copyOf(textForward(tokens), tokens.length * config.embedDim());
    }

    /**
     * The image tower's forward pass for a later {@link #imageBackward}: features [batch, embed] before
     * normalisation, in a buffer the next forward pass reuses.
     */
    public float[] imageForward(float[] pixels, int batch) {
        ensureVision(batch);
        return vision.forward(pixels, batch);
    }

    /** Fills the visual.* gradients from d(loss)/d(features) [batch, embed] of the last {@link #imageForward}. */
    public void imageBackward(float[] dFeatures, int batch) {
        vision.backward(dFeatures, batch);
    }

    /** The text tower's forward pass for a later {@link #textBackward} (buffer reused by the next pass). */
    public float[] textForward(int[][] tokens) {
        ensureText(tokens.length);
        return text.forward(tokens, fullTextContext);
    }

    /** Fills the text tower's gradients from d(loss)/d(features) [rows, embed] of the last {@link #textForward}. */
    public void textBackward(float[] dFeatures) {
        text.backward(dFeatures);
    }

    /** The contrastive loss of a batch without gradients. */
    public float loss(float[] pixels, int[][] tokens, int batch) {
        return (float) run(pixels, tokens, batch, false, false, false);
    }

    /**
     * Forward and backward pass over one batch; fills {@link #gradients()} (every tensor is overwritten; with
     * {@code imageFrozen} the visual.* gradients are left untouched and no image backward pass is run).
     *
     * @param pixels batch x 3 x R x R preprocessed images
     * @param tokens batch rows of token ids (zero-padded or shorter than the context)
     * @return the loss
     */
    public float lossAndGradients(float[] pixels, int[][] tokens, int batch, boolean imageFrozen) {
        return (float) run(pixels, tokens, batch, true, imageFrozen, false);
    }

    /**
     * As above; with {@code sharedCaptions} the pairs whose token rows are identical are one another's positives
     * (see {@link ContrastiveLoss}) instead of negatives.
     */
    public float lossAndGradients(
            float[] pixels, int[][] tokens, int batch, boolean imageFrozen, boolean sharedCaptions) {
        return (float) run(pixels, tokens, batch, true, imageFrozen, sharedCaptions);
    }

    private double run(
            float[] pixels, int[][] tokens, int batch, boolean backward, boolean imageFrozen, boolean sharedCaptions) {
        if (batch < 1) throw new IllegalArgumentException("empty batch");
        if (tokens.length != batch)
            throw new IllegalArgumentException(tokens.length + " token rows for a batch of " + batch);
        ensureCapacity(batch);
        int e = config.embedDim();
        float[] img = vision.forward(pixels, batch);
        float[] txt = text.forward(tokens, fullTextContext);
        float scale = params.get("logit_scale")[0];
        double[] r = ContrastiveLoss.forwardBackward(
                img,
                txt,
                batch,
                e,
                scale,
                backward && !imageFrozen ? dImg : null,
                backward ? dTxt : null,
                sharedCaptions ? CaptionGroups.of(tokens) : null);
        if (backward && Double.isFinite(r[0])) {
            grads.get("logit_scale")[0] = (float) r[1];
            text.backward(dTxt);
            if (!imageFrozen) vision.backward(dImg, batch);
        }
        return r[0];
    }
}
