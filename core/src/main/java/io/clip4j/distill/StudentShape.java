package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.model.ClipConfig;
import io.clip4j.train.ModelConfigFile;
import java.nio.file.Path;

/**
 * The student tower's shape: a transformer of {@code width} x {@code layers} with {@code heads} (for the image tower
 * a ViT at the teacher's resolution with {@code patch}: 0 = the teacher's, 32 for a ModifiedResNet teacher). The rest of the model — the other tower, the embedding size and
 * logit scale — is the teacher's, so the student's embeddings live in the teacher's space.
 */
public record StudentShape(Tower tower, int width, int layers, int heads, int patch) {
    /** Upper bounds that keep a mistyped option from allocating the machine away. */
    static final int MAX_WIDTH = 8192, MAX_LAYERS = 256;

    public StudentShape {
        if (width < 1 || width > MAX_WIDTH)
            throw new Clip4jException("--student-width must be 1.." + MAX_WIDTH + ", got " + width);
        if (layers < 1 || layers > MAX_LAYERS)
            throw new Clip4jException("--student-layers must be 1.." + MAX_LAYERS + ", got " + layers);
        if (heads < 1 || heads > width || width % heads != 0) {
            throw new Clip4jException("--student-heads " + heads + " does not divide the student width " + width);
        }
        if (patch < 0) throw new Clip4jException("--student-patch must be positive, got " + patch);
    }

    /**
     * The seed's student: half the teacher tower's width and depth with its heads (ViT-B/32's image tower: 768 x 12,
     * 12 heads -> 384 x 6, 12 heads), each given option overriding its part (null = default). An odd depth is halved
     * upwards: the quickstart's 3-layer tower gets a 2-layer student, because one block kept 43 % of the teacher's
     * zero-shot top-1 where two kept 95 % in the same 60 s (README, Pocket CLIP).
     */
    public static StudentShape of(Tower tower, ClipConfig teacher, Integer width, Integer layers, Integer heads) {
        boolean image = tower == Tower.IMAGE;
        if (image && !teacher.isVit() && (width == null || layers == null)) {
            throw new Clip4jException(
                    "the teacher's image tower is a ModifiedResNet: give the student's --student-width and "
                            + "--student-layers (and --student-heads), or --student-config");
        }
        int tw = image ? teacher.visionWidth() : teacher.textWidth();
        int tl = image ? (teacher.isVit() ? teacher.visionLayers()[0] : 0) : teacher.textLayers();
        int th = image ? teacher.visionHeads() : teacher.textHeads();
        int w = width != null ? width : tw / 2;
        int l = layers != null ? layers : Math.max(1, (tl + 1) / 2);
        int h = heads != null ? heads : (w % th == 0 ? th : Math.max(1, w / 64));
        return new StudentShape(tower, w, l, h, 0);
    }

    /** The vision part of an open_clip model config (embed_dim must be the teacher's). */
    public static StudentShape fromOpenClipConfig(Path file, ClipConfig teacher) {
        ClipConfig c = ModelConfigFile.read(file);
        if (c.embedDim() != teacher.embedDim()) {
            throw new Clip4jException(file + ": embed_dim " + c.embedDim() + " does not fit the teacher's embedding ("
                    + teacher.embedDim() + ")");
        }
        if (c.imageResolution() != teacher.imageResolution()) {
            throw new Clip4jException(file + ": image_size " + c.imageResolution() + " differs from the teacher's "
                    + teacher.imageResolution() + " (the student is trained on the crops the teacher sees)");
        }
        return new StudentShape(
                Tower.IMAGE, c.visionWidth(), c.visionLayers()[0], c.visionHeads(), c.visionPatchSize());
    }

    /** The whole student model's config: this tower in the teacher's model. */
    public ClipConfig config(ClipConfig t) {
        if (tower == Tower.IMAGE) {
            int p = patch > 0 ? patch : t.isVit() ? t.visionPatchSize() : 32;
            if (t.imageResolution() % p != 0)
                throw new Clip4jException("the teacher's resolution " + t.imageResolution()
                        + " is not a multiple of the student's patch " + p);
            return new ClipConfig(
                    t.embedDim(),
                    t.imageResolution(),
                    new int[] {layers},
                    width,
                    p,
                    heads,
                    t.contextLength(),
                    t.vocabSize(),
                    t.textWidth(),
                    t.textHeads(),
                    t.textLayers(),
                    t.quickGelu(),
                    t.mean(),
                    t.std());
        }
        if (!t.isVit())
            throw new Clip4jException(
                    "text-tower distillation needs a ViT teacher (its image tower is kept in the student model)");
        return new ClipConfig(
                t.embedDim(),
                t.imageResolution(),
                t.visionLayers(),
                t.visionWidth(),
                t.visionPatchSize(),
                t.visionHeads(),
                t.contextLength(),
                t.vocabSize(),
                width,
                heads,
                layers,
                t.quickGelu(),
                t.mean(),
                t.std());
    }

    public String describe() {
        return tower.word() + " tower width " + width + ", " + layers + " layers, " + heads + " heads";
    }
}
