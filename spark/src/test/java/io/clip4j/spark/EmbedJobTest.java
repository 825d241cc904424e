package io.clip4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.api.Clip;
import io.clip4j.image.ImageFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedJobTest {
    @TempDir
    static Path shared;

    static Path images;
    static Map<Path, Clip.ImageResult> expected = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void embedWithClip() {
        images = TestSpark.imageFolder(shared.resolve("images"));
        try (Clip clip = Clip.load(TestSpark.model())) {
            for (Clip.ImageResult r : clip.embedImageFiles(TestSpark.visibleImages(images))) expected.put(r.path(), r);
        }
    }

    private static JobOptions options(Path out) {
        return JobOptions.of(
                        images.toString(), out.toString(), TestSpark.model().toString())
                .withPartitions(4)
                .withBatch(3);
    }

    private static List<Row> rows(Path out) {
        return TestSpark.session().read().parquet(out.toString()).collectAsList();
    }

    /** Every visible image once, embedded bit for bit as Clip does, the bad one as an error row. */
    private static void assertComplete(List<Row> rows) throws IOException {
        assertEquals(expected.size(), rows.size(), "one row per image");
        assertEquals(
                expected.size(),
                new HashSet<>(rows.stream().map(r -> r.getString(0)).toList()).size(),
                "no duplicates");
        for (Row r : rows) {
            Path p = TestSpark.local(r.<String>getAs("path"));
            Clip.ImageResult e = expected.get(p);
            assertNotNull(e, "an input image: " + p);
            if (e.ok()) {
                assertNull(r.getAs("error"));
                assertArrayEquals(
                        e.embedding(), ClipSparkTest.floats(r.getList(r.fieldIndex("embedding"))), "bit for bit: " + p);
                assertEquals(ImageFiles.contentHash(p), r.getAs("sha256"));
            } else {
                assertNull(r.getAs("embedding"));
                assertTrue(r.<String>getAs("error").contains(TestSpark.BROKEN), r.<String>getAs("error"));
            }
        }
    }

    @Test
    void embedsEveryImageOnceAsClipDoesAndABadImageIsAnErrorRow() throws IOException {
        Path out = tmp.resolve("out");
        JobReport r = EmbedJob.run(TestSpark.session(), options(out));
        assertEquals(expected.size(), r.images());
        assertEquals(4, r.shardsWritten());
        assertEquals(1, r.failed());
        assertEquals(expected.size() - 1, r.embedded());
        assertComplete(rows(out));
        assertTrue(Files.exists(out.resolve(EmbedJob.SUCCESS)));
        assertEquals(List.of(), hiddenLeftovers(out));
        assertEquals(1, ExecutorModels.loads(), "the model is loaded once per JVM");
    }

    @Test
    void aRerunSkipsTheShardsAlreadyWritten() throws IOException {
        Path out = tmp.resolve("out");
        EmbedJob.run(TestSpark.session(), options(out));
        Path lost = out.resolve("part-00002.parquet");
        Files.delete(lost);
        Files.delete(out.resolve(EmbedJob.SUCCESS));
        FileTime old = FileTime.fromMillis(0);
        for (Path p : parts(out)) Files.setLastModifiedTime(p, old);

        JobReport r = EmbedJob.run(TestSpark.session(), options(out).withPartitions(0)); // the first run's count
        assertEquals(1, r.shardsWritten());
        assertEquals(3, r.shardsSkipped());
        for (Path p : parts(out)) {
            assertEquals(
                    p.equals(lost),
                    !Files.getLastModifiedTime(p).equals(old),
                    "only the missing shard is written: " + p);
        }
        assertComplete(rows(out));

        JobReport again = EmbedJob.run(TestSpark.session(), options(out));
        assertEquals(0, again.shardsWritten());
        assertEquals(4, again.shardsSkipped());
    }

    @Test
    void aRetriedTaskLeavesNoDuplicateRows() throws IOException {
        for (TaskFaults.Point point : List.of(TaskFaults.Point.BEFORE_COMMIT, TaskFaults.Point.DURING_COMMIT)) {
            Path out = tmp.resolve("out-" + point);
            // every task's first attempt dies (local[2,3]: up to 3 attempts), the second one commits
            JobReport r = EmbedJob.run(
                    TestSpark.session(), options(out).withClipRetrievalLayout(true), new TaskFaults(point));
            assertEquals(4, r.shardsWritten(), point.toString());
            assertComplete(rows(out));
            assertEquals(expected.size() - 1, readNpyRows(out), point + ": one .npy row per embedded image");
            assertEquals(List.of(), hiddenLeftovers(out), point + ": no temporary files left");
        }
    }

    @Test
    void theClipRetrievalLayoutIsReadable() throws IOException {
        Path out = tmp.resolve("out");
        EmbedJob.run(TestSpark.session(), options(out).withClipRetrievalLayout(true));
        SparkSession spark = TestSpark.session();
        int total = 0;
        for (int i = 0; i < 4; i++) {
            Npy npy = Npy.read(out.resolve("img_emb/img_emb_" + i + ".npy"));
            List<Row> meta = spark.read()
                    .parquet(out.resolve("metadata/metadata_" + i + ".parquet").toString())
                    .collectAsList();
            assertEquals(meta.size(), npy.rows(), "shard " + i + ": a metadata row per embedding");
            assertEquals(Clip.load(TestSpark.model()).embedDim(), npy.dim());
            for (int j = 0; j < meta.size(); j++) {
                Clip.ImageResult e = expected.get(TestSpark.local(meta.get(j).getAs("image_path")));
                assertArrayEquals(e.embedding(), npy.row(j), "row " + j + " of shard " + i);
            }
            total += meta.size();
        }
        assertEquals(expected.size() - 1, total);
        // the same folder reads back as one table of image paths: what clip-retrieval's tools expect
        assertEquals(
                total, spark.read().parquet(out.resolve("metadata").toString()).count());
    }

    @Test
    void aParquetListOfPathsIsAnInput() throws IOException {
        SparkSession spark = TestSpark.session();
        List<String> some = TestSpark.visibleImages(images).stream()
                .limit(5)
                .map(Path::toString)
                .toList();
        Path list = tmp.resolve("list.parquet");
        spark.createDataset(some, Encoders.STRING())
                .toDF("path")
                .coalesce(1)
                .write()
                .parquet(list.toString());
        Path out = tmp.resolve("out");
        JobReport r = EmbedJob.run(
                spark,
                JobOptions.of(list.toString(), out.toString(), TestSpark.model().toString()));
        assertEquals(5, r.images());
        List<Row> rows = rows(out);
        assertEquals(5, rows.size());
        for (Row row : rows) {
            Clip.ImageResult e = expected.get(TestSpark.local(row.getAs("path")));
            if (e.ok())
                assertArrayEquals(e.embedding(), ClipSparkTest.floats(row.getList(row.fieldIndex("embedding"))));
        }
    }

    @Test
    void anOutputStartedForOtherInputIsRefused() throws IOException {
        Path out = tmp.resolve("out");
        EmbedJob.run(TestSpark.session(), options(out));
        Path more = Files.createDirectories(tmp.resolve("more"));
        Files.copy(TestSpark.visibleImages(images).get(0), more.resolve("extra.png"));
        Clip4jException e = assertThrows(
                Clip4jException.class,
                () -> EmbedJob.run(
                        TestSpark.session(),
                        JobOptions.of(
                                more.toString(),
                                out.toString(),
                                TestSpark.model().toString())));
        assertTrue(e.getMessage().contains("was started for another input"), e.getMessage());
        Clip4jException p = assertThrows(
                Clip4jException.class,
                () -> EmbedJob.run(TestSpark.session(), options(out).withPartitions(3)));
        assertTrue(p.getMessage().contains("--partitions 4"), p.getMessage());
    }

    private static List<Path> parts(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> hiddenLeftovers(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static int readNpyRows(Path out) throws IOException {
        int n = 0;
        for (int i = 0; i < 4; i++)
            n += Npy.read(out.resolve("img_emb/img_emb_" + i + ".npy")).rows();
        return n;
    }

    /** A float32 [rows, dim] .npy file, read as numpy would: magic, version 1.0, header dict, C-order data. */
    record Npy(int rows, int dim, float[] data) {
        private static final Pattern SHAPE = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)");

        static Npy read(Path file) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[6];
            b.get(magic);
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, magic);
            assertEquals(1, b.get());
            assertEquals(0, b.get());
            int headerLen = Short.toUnsignedInt(b.getShort());
            byte[] h = new byte[headerLen];
            b.get(h);
            String header = new String(h, StandardCharsets.US_ASCII);
            assertEquals(0, (10 + headerLen) % 64, "data aligned to 64 bytes");
            assertTrue(
                    header.contains("'descr': '<f4'")
                            && header.contains("'fortran_order': False")
                            && header.endsWith("\n"),
                    header);
            Matcher m = SHAPE.matcher(header);
            assertTrue(m.find(), header);
            int rows = Integer.parseInt(m.group(1)), dim = Integer.parseInt(m.group(2));
            assertEquals((long) rows * dim * 4, b.remaining(), "data size matches the shape");
            float[] data = new float[rows * dim];
            b.asFloatBuffer().get(data);
            return new Npy(rows, dim, data);
        }

        float[] row(int i) {
            float[] r = new float[dim];
            System.arraycopy(data, i * dim, r, 0, dim);
            return r;
        }
    }
}
