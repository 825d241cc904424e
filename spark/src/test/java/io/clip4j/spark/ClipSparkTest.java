package io.clip4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.api.Clip;
import io.clip4j.image.ImageFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipSparkTest {
    @TempDir
    Path tmp;

    @Test
    void imageEmbeddingsAreClipsBitForBitAndABadImageIsAnErrorRow() throws Exception {
        SparkSession spark = TestSpark.session();
        Path dir = TestSpark.imageFolder(tmp.resolve("images"));
        Dataset<Row> files = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .load(dir.toString())
                .repartition(3);
        List<Row> rows = ClipSpark.embedImages(
                        files, EmbedSettings.of(TestSpark.model().toString(), 4))
                .collectAsList();

        List<Path> expectedFiles = TestSpark.visibleImages(dir);
        assertEquals(expectedFiles.size(), rows.size(), "one row per file, the bad one included");
        Map<Path, Row> byPath = new HashMap<>();
        for (Row r : rows) byPath.put(TestSpark.local(r.getString(0)), r);
        try (Clip clip = Clip.load(TestSpark.model())) {
            List<Clip.ImageResult> expected = clip.embedImageFiles(expectedFiles);
            for (Clip.ImageResult e : expected) {
                Row r = byPath.get(e.path());
                assertNotNull(r, "a row for " + e.path());
                if (e.path().getFileName().toString().equals(TestSpark.BROKEN)) {
                    assertNull(r.get(2));
                    assertTrue(r.getString(3).contains(TestSpark.BROKEN), r.getString(3));
                    continue;
                }
                assertNull(r.get(3), () -> "no error for " + e.path());
                assertArrayEquals(e.embedding(), floats(r.getList(2)), "bit for bit: " + e.path());
                assertEquals(ImageFiles.contentHash(e.path()), r.getString(1));
            }
        }
    }

    @Test
    void textEmbeddingsAreClipsBitForBitAndAMissingTextIsAnErrorRow() {
        SparkSession spark = TestSpark.session();
        List<String> texts =
                List.of("a photo of a cat", "a dog", "a rocket on the launch pad", "coffee", "an astronaut");
        List<Row> in = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) in.add(RowFactory.create(i, texts.get(i)));
        in.add(RowFactory.create(99, null));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("caption", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(in, schema).repartition(2);

        List<Row> rows = ClipSpark.embedTexts(df, "caption", TestSpark.model().toString())
                .collectAsList();
        assertEquals(in.size(), rows.size());
        assertEquals(
                List.of("id", "caption", "embedding", "error"),
                Arrays.asList(rows.get(0).schema().fieldNames()));
        try (Clip clip = Clip.load(TestSpark.model())) {
            float[][] expected = clip.embedTexts(texts);
            for (Row r : rows) {
                int id = r.getInt(0);
                if (id == 99) {
                    assertNull(r.get(2));
                    assertEquals("no text", r.getString(3));
                } else {
                    assertNull(r.get(3));
                    assertArrayEquals(expected[id], floats(r.getList(2)), "bit for bit: " + texts.get(id));
                }
            }
        }
    }

    static float[] floats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = list.get(i);
        return out;
    }
}
