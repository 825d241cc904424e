package io.clip4j.distill;

import io.clip4j.Clip4jException;
import io.clip4j.data.CaptionSource;
import io.clip4j.data.ImageTransforms;
import io.clip4j.image.ImageDecoder;
import io.clip4j.image.ImageFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Unlabelled images for distillation: every image file under a folder (recursively, hidden ones skipped), no captions. */
public final class ImageFolderSource implements CaptionSource {
    private final Path root;
    private final List<Path> files;

    private ImageFolderSource(Path root, List<Path> files) {
        this.root = root;
        this.files = files;
    }

    public static ImageFolderSource scan(Path root) {
        List<Path> files = ImageFiles.walk(List.of(root)).stream()
                .map(ImageFiles.Found::path)
                .toList();
        if (files.isEmpty()) throw new Clip4jException(root + ": no images (png, jpg, gif, bmp) in the folder");
        return new ImageFolderSource(root, files);
    }

    public Path root() {
        return root;
    }

    public Path file(int i) {
        return files.get(i);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public String caption(int i) {
        return "";
    }

    @Override
    public String imageName(int i) {
        return files.get(i).toString();
    }

    @Override
    public float[] pixels(int i, int resolution, float[] mean, float[] std, Random rng) {
        return ImageTransforms.pixels(ImageDecoder.decode(files.get(i)), resolution, mean, std, rng);
    }
}
