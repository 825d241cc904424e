package io.clip4j.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clip4j.Clip4jException;
import io.clip4j.cli.CliRunner;
import io.clip4j.data.CsvCaptionSource;
import io.clip4j.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image paths that are not regular files, or are too large (issue 14): refused in one line before anything is
 * read. The guard against hanging is generous; it only turns a hang into a failure.
 */
class HostileImageFilesTest {
    static final Duration NO_HANG = Duration.ofSeconds(60);
    static final String MODEL = Fixtures.resource("models/vit-tiny").toString();

    @TempDir
    Path tmp;

    private Path linkToDevZero() throws IOException {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "needs /dev/zero");
        return Files.createSymbolicLink(tmp.resolve("zero.png"), zero);
    }

    private Path fifo() throws Exception {
        Path f = tmp.resolve("pipe.png");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "needs mkfifo");
            return null;
        }
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        return f;
    }

    private static String refusal(Path file) {
        Clip4jException e = assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(Clip4jException.class, () -> ImageDecoder.decode(file)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aLinkToDevZeroIsRefusedWithoutReading() throws IOException {
        assertTrue(refusal(linkToDevZero()).contains("not a regular file"));
    }

    @Test
    void aNamedPipeIsRefusedWithoutOpeningIt() throws Exception {
        assertTrue(refusal(fifo()).contains("not a regular file"));
    }

    @Test
    void aFolderNamedLikeAnImageIsRefused() throws IOException {
        assertTrue(refusal(Files.createDirectory(tmp.resolve("dir.png"))).contains("folder"));
    }

    @Test
    void aLinkToARegularImageIsFollowed() throws IOException {
        Path real = Fixtures.resource("image/block.png");
        Path link = Files.createSymbolicLink(tmp.resolve("link.png"), real);
        assertArrayEquals(
                ImageDecoder.decode(real).samples(), ImageDecoder.decode(link).samples());
    }

    @Test
    void aFileOverTheSizeCapIsRefusedNamingFileAndCap() throws IOException {
        Path big = Files.write(tmp.resolve("big.png"), new byte[5000]);
        Clip4jException e = assertThrows(Clip4jException.class, () -> ImageFileReader.read(big, 4096));
        assertEquals(
                big + ": file of 5000 bytes is larger than the image file size limit of 4096 bytes", e.getMessage());
        assertEquals(5000, ImageFileReader.read(big, 5000).length);
        assertEquals(512L * 1024 * 1024, ImageFileReader.DEFAULT_MAX_BYTES);
    }

    @Test
    void thumbnailsGoThroughTheSameReader() throws Exception {
        Path pipe = fifo();
        Clip4jException e = assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(Clip4jException.class, () -> Thumbnails.thumbnail(pipe, 64)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void embedAndClassifyReportTheFileInOneLine() throws Exception {
        Path pipe = fifo();
        Path zero = linkToDevZero();
        CliRunner embed =
                assertTimeoutPreemptively(NO_HANG, () -> CliRunner.run("embed", "--model", MODEL, pipe.toString()));
        assertEquals(1, embed.code(), embed.err());
        embed.assertOneLineError(pipe + ": not a regular file");
        CliRunner classify = assertTimeoutPreemptively(
                NO_HANG, () -> CliRunner.run("classify", "--model", MODEL, "--labels", "a,b", zero.toString()));
        assertEquals(1, classify.code(), classify.err());
        assertTrue(
                classify.out().contains(zero + ": not a regular file")
                        || classify.err().contains(zero + ": not a regular file"),
                classify.out() + classify.err());
    }

    @Test
    void trainingDataSkipsRowsWhoseImageIsNotARegularFile() throws Exception {
        Path pipe = fifo();
        Files.copy(Fixtures.resource("image/block.png"), tmp.resolve("ok.png"));
        Path tsv = Files.writeString(tmp.resolve("pairs.tsv"), "filepath\ttitle\npipe.png\ta pipe\nok.png\ta block\n");
        CsvCaptionSource data = assertTimeoutPreemptively(NO_HANG, () -> CsvCaptionSource.load(tsv));
        assertEquals(1, data.size());
        assertTrue(
                data.problems().get(0).contains(pipe + ": not a regular file (row skipped)"),
                data.problems().toString());
    }
}
