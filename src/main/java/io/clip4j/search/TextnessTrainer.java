package io.clip4j.search;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Fits the textness direction from image files of the two classes. */
public final class TextnessTrainer {
    private TextnessTrainer() {}

    public record Result(TextnessDirection direction, LogisticRegression.Model model, int failed) {}

    /** @param onError receives one line per unreadable image (which is left out) */
    public static Result fit(Clip clip, List<Path> withText, List<Path> withoutText, double l2, Consumer<String> onError) {
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
        if (counts[0] == 0 || counts[1] == 0) throw new Clip4jException("textness fit needs readable images of both classes");
        Result r = fit(x.toArray(new float[0][]), toArray(y), l2, ModelIdentity.of(clip));
        return new Result(r.direction(), r.model(), failed);
    }

    /** Fits on embeddings (unit vectors); y = has text. */
    public static Result fit(float[][] x, boolean[] y, double l2, ModelIdentity model) {
        LogisticRegression.Model m = LogisticRegression.fit(x, y, l2, 500);
        double norm = 0;
        for (double w : m.weights()) norm += w * w;
        norm = Math.sqrt(norm);
        if (!(norm > 0)) throw new Clip4jException("textness fit: the classes could not be told apart (zero weights)");
        float[] dir = new float[m.weights().length];
        for (int i = 0; i < dir.length; i++) dir[i] = (float) (m.weights()[i] / norm);
        dir = Clip.normalize(dir);
        int pos = 0;
        for (boolean b : y) if (b) pos++;
        return new Result(new TextnessDirection(model, dir, m.accuracy(x, y), pos, y.length - pos, l2), m, 0);
    }

    private static boolean[] toArray(List<Boolean> y) {
        boolean[] out = new boolean[y.size()];
        for (int i = 0; i < out.length; i++) out[i] = y.get(i);
        return out;
    }
}
