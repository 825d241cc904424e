package io.clip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvCaptionSourceTest {
    static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    @TempDir
    Path tmp;

    @Test
    void tsvWithDefaultColumnsResolvesRelativePaths() throws IOException {
        TestImages.png(tmp.resolve("img/a.png"), 20, 16, 1);
        Path abs = TestImages.png(tmp.resolve("elsewhere/b.png"), 12, 12, 2);
        Path tsv = tmp.resolve("data/train.tsv");
        Files.createDirectories(tsv.getParent());
        Files.writeString(
                tsv,
                "title\tfilepath\textra\n"
                        + "a cat, sitting\t../img/a.png\tx\n"
                        + "\"quoted \"\"dog\"\"\nover two lines\"\t" + abs + "\ty\n");
        CsvCaptionSource src = CsvCaptionSource.load(tsv);
        assertEquals(2, src.size());
        assertEquals("a cat, sitting", src.caption(0));
        assertEquals("quoted \"dog\"\nover two lines", src.caption(1));
        assertEquals(tsv.toAbsolutePath().getParent().resolve("../img/a.png"), src.imagePath(0));
        assertEquals(abs, src.imagePath(1));
        assertEquals(0, src.malformedRows());
        assertEquals(0, src.missingImages());
        float[] eval = src.pixels(0, 8, MEAN, STD, null);
        assertArrayEquals(new ImagePreprocessor(8, MEAN, STD).preprocess(tmp.resolve("img/a.png")), eval);
    }

    @Test
    void csvWithCustomKeysAndQuotedCommas() throws IOException {
        TestImages.png(tmp.resolve("x.png"), 10, 10, 0);
        Path csv = tmp.resolve("pairs.csv");
        Files.writeString(csv, "image,caption\nx.png,\"red, green and blue\"\n");
        CsvCaptionSource src =
                CsvCaptionSource.load(csv, CsvCaptionSource.Options.defaults().withKeys("image", "caption"), m -> {});
        assertEquals(1, src.size());
        assertEquals("red, green and blue", src.caption(0));

        var e = assertThrows(Clip4jException.class, () -> CsvCaptionSource.load(csv));
        assertTrue(
                e.getMessage().contains("no column 'filepath'")
                        && e.getMessage().contains(csv.toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("--csv-img-key"), e.getMessage());
    }

    @Test
    void givenSeparatorOverridesTheExtension() throws IOException {
        TestImages.png(tmp.resolve("x.png"), 10, 10, 0);
        Path f = tmp.resolve("pairs.txt");
        Files.writeString(f, "filepath|title\nx.png|a, b\n");
        CsvCaptionSource src =
                CsvCaptionSource.load(f, CsvCaptionSource.Options.defaults().withSeparator('|'), m -> {});
        assertEquals("a, b", src.caption(0));
    }

    @Test
    void malformedRowsAndMissingFilesAreReportedWithLineNumbersAndCounted() throws IOException {
        TestImages.png(tmp.resolve("ok1.png"), 10, 10, 0);
        TestImages.png(tmp.resolve("ok2.png"), 10, 10, 1);
        Path tsv = tmp.resolve("t.tsv");
        Files.writeString(
                tsv,
                String.join(
                                "\n",
                                "filepath\ttitle", // line 1
                                "ok1.png\tfirst", // 2
                                "ok1.png\ttoo\tmany", // 3: 3 fields
                                "\"\"\tempty path", // 4
                                "", // 5: blank, ignored
                                "gone.png\tmissing file", // 6
                                "only-one-field", // 7
                                "ok2.png\t\"multi\nline\"", // 8-9
                                "gone2.png\tagain")
                        + "\n"); // 10
        List<String> reported = new ArrayList<>();
        CsvCaptionSource src = CsvCaptionSource.load(tsv, CsvCaptionSource.Options.defaults(), reported::add);
        assertEquals(2, src.size());
        assertEquals("first", src.caption(0));
        assertEquals("multi\nline", src.caption(1));
        assertEquals(3, src.malformedRows());
        assertEquals(2, src.missingImages());
        assertEquals(reported, src.problems());
        assertEquals(5, reported.size());
        assertTrue(reported.get(0).startsWith(tsv + ":3: expected 2 fields, found 3"), reported.get(0));
        assertTrue(reported.get(1).startsWith(tsv + ":4: empty image path"), reported.get(1));
        assertTrue(reported.get(2).startsWith(tsv + ":6: ") && reported.get(2).contains("gone.png"), reported.get(2));
        assertTrue(reported.get(3).startsWith(tsv + ":7: expected 2 fields, found 1"), reported.get(3));
        assertTrue(reported.get(4).startsWith(tsv + ":10: ") && reported.get(4).contains("gone2.png"), reported.get(4));
    }

    @Test
    void anUnreadableImageThrowsNamingTheFile() throws IOException {
        Path bad = TestImages.broken(tmp.resolve("bad.png"));
        Path tsv = tmp.resolve("t.tsv");
        Files.writeString(tsv, "filepath\ttitle\nbad.png\tnot really\n");
        CsvCaptionSource src = CsvCaptionSource.load(tsv);
        assertEquals(1, src.size(), "exists, so it passes the load-time check");
        var e = assertThrows(Clip4jException.class, () -> src.pixels(0, 8, MEAN, STD, null));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void fileErrorsAreOneLine() throws IOException {
        var e = assertThrows(Clip4jException.class, () -> CsvCaptionSource.load(tmp.resolve("nope.tsv")));
        assertTrue(e.getMessage().contains("nope.tsv"));
        Path open = tmp.resolve("open.csv");
        Files.writeString(open, "filepath,title\nx.png,\"never closed\n");
        e = assertThrows(Clip4jException.class, () -> CsvCaptionSource.load(open));
        assertEquals(open + ":2: unterminated quoted field", e.getMessage());
    }
}
