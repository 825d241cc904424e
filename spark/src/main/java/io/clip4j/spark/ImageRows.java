package io.clip4j.spark;

import io.clip4j.api.Clip;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@link ClipSpark#embedImages}' partition function: binaryFile rows ({@code path}, {@code content}) to rows of
 * {@link ClipSpark#IMAGE_SCHEMA}, a few batches at a time through the executor's shared model.
 */
final class ImageRows implements MapPartitionsFunction<Row, Row> {
    /** batches of rows held at once: enough for clip4j's pipeline to decode ahead while it encodes */
    static final int BATCHES_PER_CHUNK = 4;

    private final EmbedSettings settings;

    ImageRows(EmbedSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Clip clip = ExecutorModels.get(settings);
        return Chunks.map(rows, BATCHES_PER_CHUNK * settings.batchSize(), chunk -> embed(clip, chunk));
    }

    private static List<Row> embed(Clip clip, List<Row> chunk) {
        List<String> paths = new ArrayList<>(chunk.size());
        Map<String, byte[]> content = new HashMap<>();
        for (Row r : chunk) {
            String path = r.getAs("path");
            paths.add(path);
            content.put(path, r.getAs("content"));
        }
        List<EmbeddedImage> results = HashingEmbedder.embed(clip, paths, path -> {
            byte[] bytes = content.get(path);
            if (bytes == null) throw new IOException("no content");
            return bytes;
        });
        List<Row> out = new ArrayList<>(results.size());
        for (EmbeddedImage e : results) out.add(RowFactory.create(e.path(), e.sha256(), e.embedding(), e.error()));
        return out;
    }
}
