package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.probe.LogisticRegression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Fits the textness direction from image files of the two classes. */
public final class TextnessTrainer {
    private TextnessTrainer() {}

    public record Result(TextnessDirection direction, LogisticRegression.Model model, int failed) {}

    /**
     * The unit "has text" direction of a two-class softmax regression: w(text) - w(no text), the normal of its
     * decision boundary.
     */
    static float[] direction(LogisticRegression.Model m) {
        int d = m.dim();
        float[] dir = new float[d];
        for (int i = 0; i < d; i++) dir[i] = (float) (m.weights()[d + i] - m.weights()[i]);
        return Clip.normalize(dir);
    }

    /** @param onError receives one line per unreadable image (which is left out) */
    public static Result fit(
            Clip clip, List<Path> withText, List<Path> withoutText, double l2, Consumer<String> onError) {
        List<float[]> x = new ArrayList<>();
        List<Boolean> y = new ArrayList<>();
        int failed = 0;
        int[] counts = new int[2];
        for (int cls = 0; cls < 2; cls++) {
            List<Path> files = cls == 0 ? withText : withoutText;
            for (Clip.ImageResult r : clip.embedImageFiles(files)) {
                if (!r.ok()) {
                    failed++;
                    onError.accept(r.error());
                    continue;
                }
                x.add(Clip.normalize(r.embedding()));
                y.add(cls == 0);
                counts[cls]++;
            }
        }
        if (counts[0] == 0 || counts[1] == 0)
            throw new Clip4jException("textness fit needs readable images of both classes");
        Result r = fit(x.toArray(new float[0][]), toArray(y), l2, ModelIdentity.of(clip));
        return new Result(r.direction(), r.model(), failed);
    }

    /**
     * Fits on embeddings (unit vectors); y = has text. {@code l2} is the penalty lambda/2 ||w||^2 of the binary
     * model; the two-class softmax splits w between its two rows, hence lambda/4 per row.
     */
    public static Result fit(float[][] x, boolean[] y, double l2, ModelIdentity model) {
        int[] labels = new int[y.length];
        int pos = 0;
        for (int i = 0; i < y.length; i++) {
            labels[i] = y[i] ? 1 : 0;
            if (y[i]) pos++;
        }
        LogisticRegression.Model m =
                LogisticRegression.fit(x, labels, 2, l2 / 4, null, new LogisticRegression.Settings(1e-6, 500));
        float[] dir = direction(m);
        double norm = 0;
        for (float w : dir) norm += w * w;
        if (!(norm > 0)) throw new Clip4jException("textness fit: the classes could not be told apart (zero weights)");
        int right = 0;
        for (int i = 0; i < x.length; i++) if (m.predict(x[i]) == labels[i]) right++;
        return new Result(new TextnessDirection(model, dir, (double) right / x.length, pos, y.length - pos, l2), m, 0);
    }

    private static boolean[] toArray(List<Boolean> y) {
        boolean[] out = new boolean[y.size()];
        for (int i = 0; i < out.length; i++) out[i] = y.get(i);
        return out;
    }
}
