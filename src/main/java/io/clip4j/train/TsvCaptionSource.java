package io.clip4j.train;

import io.clip4j.Clip4jException;
import io.clip4j.data.CaptionSource;
import io.clip4j.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * TEMPORARY, until io.clip4j.data provides the real one: image-caption pairs from a TSV file, one
 * {@code image<TAB>caption} a line, image paths relative to the file's folder; a first line
 * {@code filepath<TAB>title} (open_clip's column names) is a header. No augmentation: {@code rng} is ignored and
 * every image gets the evaluation preprocessing (resize shorter side, centre crop), as the reference.
 */
public final class TsvCaptionSource implements CaptionSource {
    private final List<Path> images = new ArrayList<>();
    private final List<String> captions = new ArrayList<>();

    public TsvCaptionSource(Path tsv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(tsv + ": cannot read: " + e.getMessage());
        }
        Path base = tsv.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            if (tab < 0) throw new Clip4jException(tsv + ": line " + (i + 1) + " has no tab between image and caption");
            String img = line.substring(0, tab), cap = line.substring(tab + 1);
            if (images.isEmpty() && img.equals("filepath")) continue;
            images.add(base.resolve(img));
            captions.add(cap);
        }
        if (images.isEmpty()) throw new Clip4jException(tsv + ": no image-caption pairs");
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public String caption(int i) {
        return captions.get(i);
    }

    @Override
    public String imageName(int i) {
        return images.get(i).toString();
    }

    @Override
    public float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng) {
        return new ImagePreprocessor(resolution, mean, std).preprocess(images.get(i));
    }
}
