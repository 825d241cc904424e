package io.clip4j.server;

import io.clip4j.api.Clip;
import io.clip4j.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vit-tiny model and the embeddings of a few test images, computed once per test JVM and shared by the
 * server's test classes (loading and embedding take seconds on a busy machine). Each call of {@link #images}
 * gives a fresh service (own hooks and records) over the shared vectors.
 */
final class TestIndex {
    static final Path IMAGES = Fixtures.resource("image");
    /** img-0 .. img-7, in this order. */
    static final List<Path> FILES = List.of(
            IMAGES.resolve("chelsea.png"),
            IMAGES.resolve("coffee.png"),
            IMAGES.resolve("astronaut.png"),
            IMAGES.resolve("camera.png"),
            IMAGES.resolve("page.png"),
            IMAGES.resolve("rocket.jpg"),
            IMAGES.resolve("synth_tall_41x333.png"),
            IMAGES.resolve("block.png"));

    private static Clip clip;
    private static float[][] vectors;
    private static float[] textDirection;

    private TestIndex() {}

    static synchronized Clip clip() {
        if (clip == null) clip = Clip.load(Fixtures.resource("models/vit-tiny"));
        return clip; // never closed: it lives as long as the test JVM
    }

    static synchronized InMemorySearchService images(boolean withTextness) {
        if (vectors == null) {
            vectors = clip().embedImages(FILES);
            textDirection = clip().embedText("text");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FILES.size(); i++) ids.add("img-" + i);
        return new InMemorySearchService(clip(), ids, FILES, vectors, withTextness ? textDirection : null);
    }
}
