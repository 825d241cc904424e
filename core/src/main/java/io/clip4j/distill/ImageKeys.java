package io.clip4j.distill;

import io.clip4j.api.ModelIdentity;
import io.clip4j.data.CaptionSource;
import io.clip4j.data.CsvCaptionSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The teacher cache's key of each pair's image: the sha256 of the file's bytes (so a renamed or moved image keeps its
 * entries and an edited one gets new ones), computed once per run; for sources without files (synthetic scenes) the
 * sha256 of the source's name for the image. Safe for concurrent callers.
 */
final class ImageKeys {
    private final CaptionSource source;
    private final AtomicReferenceArray<String> keys;

    ImageKeys(CaptionSource source) {
        this.source = source;
        this.keys = new AtomicReferenceArray<>(source.size());
    }

    String of(int i) {
        String k = keys.get(i);
        if (k == null) {
            Path file = file(i);
            k = file != null
                    ? TeacherCache.sha256(file)
                    : HexFormat.of()
                            .formatHex(ModelIdentity.sha256()
                                    .digest(source.imageName(i).getBytes(StandardCharsets.UTF_8)));
            keys.set(i, k);
        }
        return k;
    }

    /** The first 8 bytes of the key: a seed for the image's crops. */
    long seedOf(int i) {
        return HexFormat.fromHexDigitsToLong(of(i), 0, 16);
    }

    private Path file(int i) {
        if (source instanceof CsvCaptionSource c) return c.imagePath(i);
        if (source instanceof ImageFolderSource f) return f.file(i);
        return null;
    }
}
