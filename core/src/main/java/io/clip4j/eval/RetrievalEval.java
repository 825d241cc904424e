package io.clip4j.eval;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.train.RetrievalMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Image-text retrieval on pairs (open_clip's CSV/TSV): pair i's image and caption match each other only; R@1/5/10
 * image->text and text->image as open_clip's get_clip_metrics ({@link RetrievalMetrics}). Pairs whose image cannot
 * be read are listed and left out.
 */
public final class RetrievalEval {
    public record Report(int pairs, Map<String, Double> recall, List<String> skipped) {}

    private RetrievalEval() {}

    public static Report run(Clip clip, CsvCaptionSource pairs) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) files.add(pairs.imagePath(i));
        List<Clip.ImageResult> emb = clip.embedImageFiles(files);
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>(), skipped = new ArrayList<>();
        for (int i = 0; i < emb.size(); i++) {
            if (!emb.get(i).ok()) {
                skipped.add(emb.get(i).error());
                continue;
            }
            images.add(Clip.normalize(emb.get(i).embedding()));
            captions.add(pairs.caption(i));
        }
        if (images.size() < 2) throw new Clip4jException(pairs.file() + ": fewer than 2 readable pairs");
        float[][] texts = clip.embedTexts(captions);
        for (int i = 0; i < texts.length; i++) texts[i] = Clip.normalize(texts[i]);
        return new Report(images.size(), RetrievalMetrics.compute(images.toArray(float[][]::new), texts), skipped);
    }
}
