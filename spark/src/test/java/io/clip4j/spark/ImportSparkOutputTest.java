package io.clip4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.api.ModelIdentity;
import io.clip4j.image.StoredPaths;
import io.clip4j.search.EmbeddingImport;
import io.clip4j.search.ImageStore;
import io.clip4j.search.IndexProgress;
import io.clip4j.search.VectorStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's real output (Parquet written by parquet-java inside Spark tasks, and the clip-retrieval layout)
 * imported into the embedded index by clip4j's own Parquet reader: every image's vector bit for bit as Clip
 * embeds it, the bad image skipped, the recorded model checked.
 */
class ImportSparkOutputTest {
    @TempDir
    static Path shared;

    static Path images;
    static Map<String, float[]> expected = new HashMap<>();
    static ModelIdentity identity;

    @TempDir
    Path tmp;

    @BeforeAll
    static void embedWithClip() {
        images = TestSpark.imageFolder(shared.resolve("images"));
        try (Clip clip = Clip.load(TestSpark.model())) {
            identity = ModelIdentity.of(clip);
            for (Clip.ImageResult r : clip.embedImageFiles(TestSpark.visibleImages(images))) {
                if (r.error() == null) expected.put(StoredPaths.of(r.path()), r.embedding());
            }
        }
    }

    private void importAndCheck(boolean clipRetrievalLayout, EmbeddingImport.Layout layout) {
        Path out = tmp.resolve("out");
        EmbedJob.run(
                TestSpark.session(),
                JobOptions.of(
                                images.toString(),
                                out.toString(),
                                TestSpark.model().toString())
                        .withPartitions(3)
                        .withBatch(2)
                        .withClipRetrievalLayout(clipRetrievalLayout));
        assertNotNull(EmbeddingImport.recordedModel(out), "the job names its model");
        assertTrue(EmbeddingImport.recordedModel(out).sameModel(identity));
        try (VectorStore store =
                VectorStore.openForWriting(tmp.resolve("idx"), identity, ImageStore.Quantization.none)) {
            EmbeddingImport.Stats s = new EmbeddingImport(store, Path.of("")).run(out, IndexProgress.NONE);
            assertEquals(layout, s.layout());
            assertEquals(expected.size(), s.imported());
            Map<String, float[]> got = new HashMap<>();
            store.forEachVector((e, v) -> got.put(e.path(), v));
            assertEquals(expected.keySet(), got.keySet());
            for (String p : expected.keySet()) assertArrayEquals(expected.get(p), got.get(p), p);
        }
    }

    @Test
    void theJobsParquetImportsBitForBit() {
        importAndCheck(false, EmbeddingImport.Layout.clip4j);
    }

    @Test
    void theJobsClipRetrievalLayoutImportsBitForBit() {
        importAndCheck(true, EmbeddingImport.Layout.clipRetrieval);
    }
}
