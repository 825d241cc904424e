package io.clip4j.search;

import io.clip4j.api.Clip;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes texts from concurrent callers in shared forward passes. A short query barely uses the CPU but reads
 * every weight of the text tower; when several arrive together (a server under load), one batch runs for
 * everybody waiting, so the weights are streamed once per batch instead of once per query.
 */
final class TextBatcher {
    private final Coalescer<List<String>, float[][]> coalescer;

    TextBatcher(Clip clip) {
        this.coalescer = new Coalescer<>(requests -> {
            List<String> all = new ArrayList<>();
            for (List<String> r : requests) all.addAll(r);
            float[][] vecs = clip.embedTexts(all);
            List<float[][]> out = new ArrayList<>(requests.size());
            int i = 0;
            for (List<String> r : requests) {
                float[][] mine = new float[r.size()][];
                for (int j = 0; j < mine.length; j++) mine[j] = vecs[i++];
                out.add(mine);
            }
            return out;
        });
    }

    SharedBatches stats() {
        return coalescer.stats();
    }

    float[][] embed(List<String> texts) {
        return coalescer.run(texts);
    }
}
