package io.clip4j.data;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticScene.Background;
import io.clip4j.data.SyntheticScene.Colour;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.data.SyntheticScene.Position;
import io.clip4j.data.SyntheticScene.Shape;
import io.clip4j.data.SyntheticScene.Size;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws random scenes and words their captions. Every attribute is uniform; colour-shape pairs in the excluded
 * set are redrawn. Captions vary in wording but always name the colour and shape together ("red circle"), and
 * name the size, position, background and word whenever the wording mentions them; the {@link SceneStyle} sets
 * the shapes' sizes and which wordings there are. Immutable and thread-safe.
 */
public final class SceneSampler {
    static final List<String> WORDS =
            List.of("cat", "dog", "sun", "tree", "car", "fish", "book", "moon", "hat", "cup", "key", "boat");

    private final Set<Combo> excluded;
    private final double wordProbability;
    private final SceneStyle style;

    public SceneSampler(Set<Combo> excluded, double wordProbability) {
        this(excluded, wordProbability, SceneStyle.DESCRIPTIVE);
    }

    public SceneSampler(Set<Combo> excluded, double wordProbability, SceneStyle style) {
        if (!(wordProbability >= 0 && wordProbability <= 1)) {
            throw new Clip4jException("word probability must be in [0, 1], got " + wordProbability);
        }
        if (excluded.size() >= Colour.values().length * Shape.values().length) {
            throw new Clip4jException("every colour-shape pair is held out: nothing left to draw");
        }
        this.excluded = Set.copyOf(excluded);
        this.wordProbability = wordProbability;
        this.style = style;
    }

    /** A scene of any pair not excluded. */
    public SyntheticScene sample(Random rng) {
        Colour c;
        Shape s;
        do {
            c = pick(rng, Colour.values());
            s = pick(rng, Shape.values());
        } while (excluded.contains(new Combo(c, s)));
        return sample(rng, new Combo(c, s));
    }

    /** A scene of the given colour and shape (the exclusions do not apply). */
    public SyntheticScene sample(Random rng, Combo combo) {
        Size size = pick(rng, Size.values());
        Position pos = pick(rng, Position.values());
        Background bg = pick(rng, Background.values());
        double radius = style.radius(size) * (0.9 + 0.2 * rng.nextDouble());
        double cx = clamp(pos.x + 0.08 * (rng.nextDouble() - 0.5), radius);
        double cy = clamp(pos.y + 0.08 * (rng.nextDouble() - 0.5), radius);
        double rotation = combo.shape() == Shape.CIRCLE ? 0 : 0.4 * (rng.nextDouble() - 0.5);
        String word = rng.nextDouble() < wordProbability ? pick(rng, WORDS.toArray(String[]::new)) : null;
        String caption = style.wording() == SceneStyle.Wording.COMPACT
                ? compactCaption(rng, combo.colour(), combo.shape(), size, word)
                : caption(rng, combo.colour(), combo.shape(), size, pos, bg, word);
        return new SyntheticScene(
                combo.shape(), combo.colour(), size, pos, bg, cx, cy, radius, rotation, word, caption);
    }

    private static double clamp(double v, double r) {
        return Math.max(r, Math.min(1 - r, v));
    }

    static String caption(Random rng, Colour c, Shape s, Size size, Position pos, Background bg, String word) {
        String thing = c.word() + " " + s.word();
        String sized = size.word() + " " + thing;
        String base = switch (rng.nextInt(6)) {
            case 0 -> "a " + sized + " " + pos.phrase;
            case 1 -> "a " + thing + " " + pos.phrase;
            case 2 -> "a photo of a " + sized + " " + pos.phrase;
            case 3 -> "there is a " + sized + " " + pos.phrase;
            case 4 -> "a " + sized + " " + pos.phrase + " on a " + bg.word() + " background";
            default -> "a " + sized;
        };
        return withWord(rng, base, word);
    }

    /** "a red circle" or "a small red circle", half and half: the size is named but not always. */
    static String compactCaption(Random rng, Colour c, Shape s, Size size, String word) {
        String base = "a " + (rng.nextBoolean() ? size.word() + " " : "") + c.word() + " " + s.word();
        return withWord(rng, base, word);
    }

    private static String withWord(Random rng, String base, String word) {
        if (word != null) base += (rng.nextBoolean() ? " with the word \"" : " and the text \"") + word + "\"";
        return base;
    }

    private static <T> T pick(Random rng, T[] values) {
        return values[rng.nextInt(values.length)];
    }
}
