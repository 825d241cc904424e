package io.clip4j.api;

import io.clip4j.Clip4jException;
import io.clip4j.checkpoint.Checkpoint;
import io.clip4j.checkpoint.CheckpointLoader;
import io.clip4j.checkpoint.Towers;
import io.clip4j.image.ImagePreprocessor;
import io.clip4j.kernels.Kernels;
import io.clip4j.model.ClipConfig;
import io.clip4j.model.ClipModel;
import io.clip4j.model.TextTransformer;
import io.clip4j.tokenizer.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Java API: a loaded CLIP model with its tokenizer and image preprocessing.
 *
 * <pre>{@code
 * try (Clip clip = Clip.load(Path.of("clip-vit-base-patch32"))) {
 *     float[][] img = clip.embedImages(List.of(Path.of("cat.jpg")));
 *     float[][] txt = clip.embedTexts(List.of("a photo of a cat", "a photo of a dog"));
 *     float[][] logits = clip.logits(img, txt);
 * }
 * }</pre>
 *
 * Embeddings come back unit-length unless {@link Options#normalize} is off. All methods are safe to call from
 * several threads once the model is loaded.
 */
public final class Clip implements AutoCloseable {

    /**
     * @param maxPixels  images with more pixels are refused before decoding (Pillow's default limit)
     * @param batchSize  images or texts encoded per forward pass
     * @param normalize  return unit-length embeddings
     * @param truncate   cut texts longer than the context (EOT kept last) instead of failing
     * @param halfWeights keep the model's packed weights in fp16 (half the memory, fp32 accumulation); applies
     *                    when the model is loaded
     */
    public record Options(long maxPixels, int batchSize, boolean normalize, boolean truncate, boolean halfWeights) {
        public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

        public Options(long maxPixels, int batchSize, boolean normalize, boolean truncate) {
            this(maxPixels, batchSize, normalize, truncate, false);
        }

        public static Options defaults() {
            return new Options(DEFAULT_MAX_PIXELS, 16, true, true, false);
        }

        public Options withNormalize(boolean n) {
            return new Options(maxPixels, batchSize, n, truncate, halfWeights);
        }

        public Options withTruncate(boolean t) {
            return new Options(maxPixels, batchSize, normalize, t, halfWeights);
        }

        public Options withMaxPixels(long m) {
            return new Options(m, batchSize, normalize, truncate, halfWeights);
        }

        public Options withBatchSize(int b) {
            if (b < 1) throw new Clip4jException("batch size must be at least 1, got " + b);
            return new Options(maxPixels, b, normalize, truncate, halfWeights);
        }

        public Options withHalfWeights(boolean h) {
            return new Options(maxPixels, batchSize, normalize, truncate, h);
        }
    }

    /** One image's outcome in a batch: an embedding, or the one-line reason it failed. */
    public record ImageResult(Path path, float[] embedding, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final Checkpoint checkpoint;
    private final Arena arena;
    private final ClipModel model;
    private final ClipTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final Options options;

    private Clip(Checkpoint checkpoint, Options options) {
        this.checkpoint = checkpoint;
        this.options = options;
        this.arena = Arena.ofShared();
        ClipConfig c = checkpoint.config();
        this.model = new ClipModel(c, checkpoint.weights(), arena, Kernels.best(), options.halfWeights());
        this.tokenizer = checkpoint.vocabJson() != null && checkpoint.mergesTxt() != null
                ? ClipTokenizer.fromFiles(checkpoint.vocabJson(), checkpoint.mergesTxt())
                : ClipTokenizer.openai();
        this.preprocessor =
                new ImagePreprocessor(c.imageResolution(), c.mean(), c.std()).withMaxPixels(options.maxPixels());
    }

    /** Loads a model folder or file (Hugging Face, open_clip, safetensors, torch.save), memory-mapped. */
    public static Clip load(Path path) {
        return load(path, Options.defaults());
    }

    public static Clip load(Path path, Options options) {
        Checkpoint cp = CheckpointLoader.load(path);
        try {
            return new Clip(cp, options);
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
    }

    /** A copy sharing this model but with other options (normalisation, truncation, limits). */
    public Clip with(Options newOptions) {
        return new Clip(this, newOptions);
    }

    private Clip(Clip base, Options options) {
        this.checkpoint = base.checkpoint;
        this.arena = base.arena;
        this.model = base.model;
        this.tokenizer = base.tokenizer;
        this.options = options;
        this.preprocessor = base.preprocessor.withMaxPixels(options.maxPixels());
    }

    public ClipConfig config() {
        return checkpoint.config();
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public ClipModel model() {
        return model;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    public Options options() {
        return options;
    }

    public int embedDim() {
        return checkpoint.config().embedDim();
    }

    /** exp(logit_scale): the factor between cosine similarity and logits. */
    public float logitScaleExp() {
        return (float) Math.exp(model.logitScale());
    }

    // ---- text ----

    /** Token rows for texts (padded to the context), failing or truncating long texts per the options. */
    public int[][] tokenize(List<String> texts) {
        int ctx = checkpoint.config().contextLength();
        int[][] rows = new int[texts.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = tokenizer.tokenize(texts.get(i), ctx, options.truncate());
        return rows;
    }

    public float[] embedText(String text) {
        return embedTexts(List.of(text))[0];
    }

    /**
     * Texts of similar length are encoded together and each batch only runs up to its longest text's EOT
     * (exact under the causal mask).
     */
    public float[][] embedTexts(List<String> texts) {
        if (!texts.isEmpty()) checkpoint.require(Towers.TEXT, "embedding texts");
        int[][] rows = tokenize(texts);
        return embedTokens(rows);
    }

    /** Already tokenized rows (SOT ... EOT, zero padded). */
    public float[][] embedTokens(int[][] rows) {
        if (rows.length > 0) checkpoint.require(Towers.TEXT, "embedding texts");
        int n = rows.length, e = embedDim();
        float[][] out = new float[n][];
        Integer[] order = new Integer[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            len[i] = TextTransformer.pooledPosition(rows[i]);
        }
        Arrays.sort(order, Comparator.comparingInt(i -> len[i]));
        int batch = Math.max(options.batchSize(), 32);
        for (int s = 0; s < n; s += batch) {
            int m = Math.min(batch, n - s);
            int[][] chunk = new int[m][];
            for (int j = 0; j < m; j++) chunk[j] = rows[order[s + j]];
            float[] emb = model.encodeTexts(chunk, null);
            for (int j = 0; j < m; j++) {
                float[] v = finish(Arrays.copyOfRange(emb, j * e, (j + 1) * e));
                if (!allFinite(v))
                    throw new Clip4jException("text " + (order[s + j] + 1) + " of " + n + ": " + NON_FINITE);
                out[order[s + j]] = v;
            }
        }
        return out;
    }

    // ---- images ----

    public float[] embedImage(Path file) {
        return embedPixels(preprocessor.preprocess(file), 1)[0];
    }

    public float[] embedImage(BufferedImage image) {
        return embedPixels(preprocessor.preprocess(image), 1)[0];
    }

    /** Files to embeddings; the first unreadable file throws. See {@link #embedImageFiles} to keep going. */
    public float[][] embedImages(List<Path> files) {
        List<ImageResult> results = embedImageFiles(files);
        float[][] out = new float[files.size()][];
        for (int i = 0; i < out.length; i++) {
            ImageResult r = results.get(i);
            if (!r.ok()) throw new Clip4jException(r.error());
            out[i] = r.embedding();
        }
        return out;
    }

    /**
     * Files to embeddings, in order; a file that cannot be read gives a result with its error and the others
     * are still embedded. Decoding runs on other threads while the model computes (bounded look-ahead).
     */
    public List<ImageResult> embedImageFiles(List<Path> files) {
        if (!files.isEmpty()) checkpoint.require(Towers.IMAGE, "embedding images");
        return new ImagePipeline(this, options.batchSize()).run(files);
    }

    /** Where the bytes of named images come from when they are not files of the default file system. */
    @FunctionalInterface
    public interface ImageReader {
        /** The encoded image (PNG, JPEG, ...) named {@code name}; called from decoding threads, several at once. */
        byte[] read(Path name) throws IOException;
    }

    /**
     * As {@link #embedImageFiles}, with each image's bytes got from {@code reader} (another file system, a
     * store, bytes already in memory): the same decoding, preprocessing and batching, so the same embeddings,
     * bit for bit, as for the files those bytes were read from. A read that fails is that image's error.
     */
    public List<ImageResult> embedImages(List<Path> names, ImageReader reader) {
        if (!names.isEmpty()) checkpoint.require(Towers.IMAGE, "embedding images");
        return new ImagePipeline(this, options.batchSize()).run(names, reader);
    }

    /** n preprocessed images (n x 3 x R x R) to n embeddings; an embedding that is not finite is an error. */
    public float[][] embedPixels(float[] pixels, int n) {
        float[][] out = embedPixelsOrNull(pixels, n);
        for (int i = 0; i < n; i++) {
            if (out[i] == null)
                throw new Clip4jException((n == 1 ? "image" : "image " + (i + 1) + " of " + n) + ": " + NON_FINITE);
        }
        return out;
    }

    static final String NON_FINITE =
            "the model's embedding is not finite (NaN or infinity: weights too large for float32?)";

    /** As {@link #embedPixels}, with null for an embedding that holds a NaN or an infinity. */
    float[][] embedPixelsOrNull(float[] pixels, int n) {
        checkpoint.require(Towers.IMAGE, "embedding images");
        float[] emb = model.encodeImages(pixels, n, null);
        int e = embedDim();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] v = finish(Arrays.copyOfRange(emb, i * e, (i + 1) * e));
            out[i] = allFinite(v) ? v : null;
        }
        return out;
    }

    private static boolean allFinite(float[] v) {
        for (float x : v) if (!Float.isFinite(x)) return false;
        return true;
    }

    private float[] finish(float[] v) {
        return options.normalize() ? normalize(v) : v;
    }

    // ---- similarity ----

    /** v / ||v|| (a zero vector stays zero). */
    public static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float[] out = v.clone();
        if (s == 0) return out;
        float inv = (float) (1.0 / Math.sqrt(s));
        for (int i = 0; i < out.length; i++) out[i] *= inv;
        return out;
    }

    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }

    /** Cosine similarities [a.length][b.length]. */
    public static float[][] similarities(float[][] a, float[][] b) {
        float[][] s = new float[a.length][b.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < b.length; j++) s[i][j] = cosine(a[i], b[j]);
        return s;
    }

    /** logits_per_image [images][texts] = exp(logit_scale) * cos, as the reference's forward. */
    public float[][] logits(float[][] images, float[][] texts) {
        float[][] s = similarities(images, texts);
        float scale = logitScaleExp();
        for (float[] row : s) for (int j = 0; j < row.length; j++) row[j] *= scale;
        return s;
    }

    /** Row-wise softmax, e.g. of {@link #logits} to probabilities over texts. */
    public static float[][] softmax(float[][] logits) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            float[] row = logits[i].clone();
            float max = Float.NEGATIVE_INFINITY;
            for (float v : row) max = Math.max(max, v);
            double sum = 0;
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) Math.exp(row[j] - max);
                sum += row[j];
            }
            for (int j = 0; j < row.length; j++) row[j] = (float) (row[j] / sum);
            out[i] = row;
        }
        return out;
    }

    /** Unmaps the weights: only call once no other thread uses this model (or a {@link #with} copy). */
    @Override
    public void close() {
        checkpoint.close();
        arena.close();
    }
}
