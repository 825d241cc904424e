package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticScene.Colour;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.data.SyntheticScene.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Writes a synthetic data set to disk for {@code clip4j synth}:
 * <pre>
 * DIR/train.tsv, DIR/train/NNNNNN.png     training pairs (filepath, title), held-out pairs excluded
 * DIR/val.tsv,   DIR/val/NNNNNN.png       validation pairs, same distribution, another random stream
 * DIR/classes/&lt;colour shape&gt;/NNN.png     zero-shot folders for every pair that was not held out
 * DIR/heldout/&lt;colour shape&gt;/NNN.png     zero-shot folders for the held-out pairs (never seen in training)
 * </pre>
 * Everything follows from the settings: the same settings write the same files.
 */
public final class SyntheticDataset {
    /** What to write. */
    public record Settings(
            int count,
            long seed,
            int imageSize,
            Set<Combo> holdout,
            int valCount,
            int perClass,
            double wordProbability,
            SceneStyle style) {
        public Settings {
            if (count < 1) throw new Clip4jException("--count must be at least 1, got " + count);
            if (valCount < 0) throw new Clip4jException("--val-count must be >= 0, got " + valCount);
            if (perClass < 0) throw new Clip4jException("--per-class must be >= 0, got " + perClass);
            if (imageSize < 8 || imageSize > 4096)
                throw new Clip4jException("--size must be in 8..4096, got " + imageSize);
            holdout = Set.copyOf(holdout);
        }

        /** Settings in {@code clip4j synth}'s style ({@link SceneStyle#DESCRIPTIVE}). */
        public Settings(
                int count,
                long seed,
                int imageSize,
                Set<Combo> holdout,
                int valCount,
                int perClass,
                double wordProbability) {
            this(count, seed, imageSize, holdout, valCount, perClass, wordProbability, SceneStyle.DESCRIPTIVE);
        }

        public static Settings defaults(int count, long seed) {
            return new Settings(count, seed, 64, Set.of(), Math.max(1, count / 10), 4, 0.0);
        }
    }

    /** What was written. */
    public record Summary(
            Path dir, int train, int val, int classes, int classImages, int heldoutClasses, int heldoutImages) {}

    private SyntheticDataset() {}

    /** Parses --holdout: "red circle,blue star" (blank entries ignored). */
    public static Set<Combo> parseHoldout(String list) {
        Set<Combo> out = new LinkedHashSet<>();
        if (list == null) return out;
        for (String part : list.split(",")) if (!part.isBlank()) out.add(Combo.parse(part));
        return out;
    }

    public static Summary write(Path dir, Settings s) {
        SceneSampler sampler = new SceneSampler(s.holdout(), s.wordProbability(), s.style());
        SyntheticCaptions train =
                new SyntheticCaptions(s.count(), s.seed(), SyntheticCaptions.TRAIN, s.imageSize(), sampler);
        try {
            Files.createDirectories(dir);
            writePairs(dir, "train", train);
            writePairs(dir, "val", train.stream(SyntheticCaptions.VAL, s.valCount()));
            int classes = 0;
            int classImages = 0;
            int held = 0;
            int heldImages = 0;
            SyntheticCaptions classGen = train.stream(SyntheticCaptions.CLASSES, 0);
            SyntheticCaptions heldGen = train.stream(SyntheticCaptions.HELDOUT, 0);
            for (Colour c : Colour.values()) {
                for (Shape sh : Shape.values()) {
                    Combo combo = new Combo(c, sh);
                    boolean isHeld = s.holdout().contains(combo);
                    SyntheticCaptions gen = isHeld ? heldGen : classGen;
                    Path folder = dir.resolve(isHeld ? "heldout" : "classes").resolve(combo.name());
                    if (s.perClass() == 0) continue;
                    Files.createDirectories(folder);
                    for (int k = 0; k < s.perClass(); k++) {
                        png(
                                SceneRenderer.render(gen.sceneOf(combo, k), s.imageSize()),
                                folder.resolve(String.format(Locale.ROOT, "%03d.png", k)));
                    }
                    if (isHeld) {
                        held++;
                        heldImages += s.perClass();
                    } else {
                        classes++;
                        classImages += s.perClass();
                    }
                }
            }
            return new Summary(dir, s.count(), s.valCount(), classes, classImages, held, heldImages);
        } catch (IOException e) {
            throw new Clip4jException(
                    dir + ": cannot write the data set (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void writePairs(Path dir, String name, SyntheticCaptions gen) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        StringBuilder tsv = new StringBuilder(DelimitedWriter.row(List.of("filepath", "title"), '\t'));
        for (int i = 0; i < gen.size(); i++) {
            String file = String.format(Locale.ROOT, "%06d.png", i);
            SyntheticScene scene = gen.scene(i);
            png(SceneRenderer.render(scene, gen.imageSize()), folder.resolve(file));
            tsv.append(DelimitedWriter.row(new ArrayList<>(List.of(name + "/" + file, scene.caption())), '\t'));
        }
        Files.writeString(dir.resolve(name + ".tsv"), tsv, StandardCharsets.UTF_8);
    }

    private static void png(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
    }
}
