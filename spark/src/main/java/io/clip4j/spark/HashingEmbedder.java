package io.clip4j.spark;

import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Embeds images through clip4j's own pipeline ({@link Clip#embedImages(List, Clip.ImageReader)}: the decoding,
 * preprocessing, batching and encoder of {@code clip4j embed}), with their bytes from an {@link ImageBytesSource},
 * and hashes each image's bytes as they are read (on the decoding threads), so that no image is read twice.
 */
final class HashingEmbedder {
    private HashingEmbedder() {}

    /** One result per path, in order; an image that cannot be read or decoded is a result with its error. */
    static List<EmbeddedImage> embed(Clip clip, List<String> paths, ImageBytesSource source) {
        // clip4j names images by java.nio Path; the input's own strings (URIs) name the results
        List<Path> names = new ArrayList<>(paths.size());
        Map<Path, String> original = new HashMap<>();
        for (String p : paths) {
            Path name = Path.of(p);
            names.add(name);
            original.putIfAbsent(name, p);
        }
        Map<Path, String> hashes = new ConcurrentHashMap<>();
        List<Clip.ImageResult> results = clip.embedImages(names, name -> {
            byte[] bytes = source.read(original.get(name));
            hashes.put(name, sha256(bytes));
            return bytes;
        });
        List<EmbeddedImage> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            Clip.ImageResult r = results.get(i);
            out.add(new EmbeddedImage(paths.get(i), hashes.get(names.get(i)), r.embedding(), r.error()));
        }
        return out;
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(ModelIdentity.sha256().digest(bytes));
    }
}
