package io.clip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.checkpoint.TestCheckpoints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rclip's habits in {@code search}: indexing the folder one stands in, and pictures inline in the terminal. */
class SearchHereAndPreviewTest {
    static final String VIT =
            TestCheckpoints.resource("models/vit-tiny").toAbsolutePath().toString();

    @TempDir
    Path tmp;

    Path pictures() throws IOException {
        Path pics = Files.createDirectories(tmp.resolve("pics"));
        Files.copy(TestCheckpoints.resource("image/chelsea.png"), pics.resolve("cat.png"));
        Files.copy(TestCheckpoints.resource("image/coffee.png"), pics.resolve("coffee.png"));
        return pics;
    }

    /** clip4j in its own JVM, started in {@code cwd} (the current folder is what --index-here indexes). */
    static CliRunner inFolder(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("clip4j-err", ".txt");
        Process p = new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectError(err.toFile())
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "clip4j did not finish");
        // the JVM's own note about the incubator module is not clip4j's output
        String e = Files.readString(err).replaceAll("(?m)^WARNING: Using incubator modules.*\n", "");
        Files.delete(err);
        return new CliRunner(p.exitValue(), out, e);
    }

    @Test
    void indexHereIndexesTheCurrentFolderOnceThenSearches() throws Exception {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        CliRunner first =
                inFolder(pics, "search", "--index", idx, "--model", VIT, "--index-here", "--format", "json", "a cat");
        assertEquals(0, first.code(), first.err());
        assertEquals(List.of("cat.png", "coffee.png"), CliIndexHabitsTest.paths(first.json()));
        assertTrue(first.err().contains("added 2"), "the index's summary goes to stderr: " + first.err());

        // covered now: nothing is indexed again, and the index remembered its model
        CliRunner second = inFolder(pics, "search", "--index", idx, "--index-here", "-f", "a cat");
        assertEquals(0, second.code(), second.err());
        assertFalse(second.err().contains("added"), second.err());
        assertEquals(2, second.out().strip().split("\n").length, second.out());

        // without --index-here and without a terminal nothing is indexed: a new folder's images stay unknown
        Path more = Files.createDirectories(tmp.resolve("more"));
        Files.copy(TestCheckpoints.resource("image/chelsea.png"), more.resolve("cat3.png"));
        CliRunner quiet = inFolder(more, "search", "--index", idx, "-f", "a cat");
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(quiet.out().contains("cat3.png"), quiet.out());
        assertTrue(inFolder(more, "search", "--index", idx, "--index-here", "-f", "a cat")
                .out()
                .contains("cat3.png"));
    }

    @Test
    void indexHereWithoutAnIndexOrModelIsBadUsage() throws Exception {
        Path pics = pictures();
        CliRunner r = inFolder(pics, "search", "--index", tmp.resolve("none").toString(), "--index-here", "cat");
        r.assertUsageError("--model");
    }

    @Test
    void previewsCarryEachResultAsAPngInTheTerminalsProtocol() throws Exception {
        Path pics = pictures();
        String idx = tmp.resolve("idx").toString();
        assertEquals(
                0,
                CliRunner.run("index", "--model", VIT, "--index", idx, pics.toString())
                        .code());

        CliRunner kitty = CliRunner.run("search", "--index", idx, "--preview", "kitty", "a cat");
        assertEquals(0, kitty.code(), kitty.err());
        List<BufferedImage> shown = kittyImages(kitty.out());
        assertEquals(2, shown.size(), "one picture per result");
        for (BufferedImage im : shown)
            assertEquals(SearchCommand.PREVIEW_SIDE, Math.max(im.getWidth(), im.getHeight()));
        assertTrue(kitty.out().contains("cat.png") && kitty.out().contains("coffee.png"), "the table stays");

        CliRunner iterm = CliRunner.run("search", "--index", idx, "--preview", "iterm2", "a cat");
        Matcher m = Pattern.compile("\033]1337;File=inline=1;size=(\\d+);preserveAspectRatio=1:([A-Za-z0-9+/=]+)\007")
                .matcher(iterm.out());
        int n = 0;
        while (m.find()) {
            byte[] png = Base64.getDecoder().decode(m.group(2));
            assertEquals(Integer.parseInt(m.group(1)), png.length, "size= is the file's byte count");
            assertTrue(ImageIO.read(new ByteArrayInputStream(png)) != null);
            n++;
        }
        assertEquals(2, n);

        // auto: no pictures when stdout is not a terminal (as here), nor in JSON or with -f
        CliRunner auto = CliRunner.runWithEnv(Map.of("TERM", "xterm-kitty"), "search", "--index", idx, "a cat");
        assertFalse(auto.out().contains("\033"), auto.out());
        assertFalse(CliRunner.run("search", "--index", idx, "--preview", "kitty", "-f", "a cat")
                .out()
                .contains("\033"));
        CliRunner.run("search", "--index", idx, "--preview", "sixel", "cat").assertUsageError("--preview");
    }

    @Test
    void detectionFollowsTheTerminalsVariablesAndNeedsATerminal() {
        assertEquals(TerminalImages.Protocol.kitty, TerminalImages.detect(Map.of("TERM", "xterm-kitty"), true));
        assertEquals(TerminalImages.Protocol.kitty, TerminalImages.detect(Map.of("KITTY_WINDOW_ID", "1"), true));
        assertEquals(TerminalImages.Protocol.iterm2, TerminalImages.detect(Map.of("TERM_PROGRAM", "iTerm.app"), true));
        assertEquals(TerminalImages.Protocol.iterm2, TerminalImages.detect(Map.of("TERM_PROGRAM", "WezTerm"), true));
        assertEquals(TerminalImages.Protocol.off, TerminalImages.detect(Map.of("TERM", "xterm-256color"), true));
        assertEquals(TerminalImages.Protocol.off, TerminalImages.detect(Map.of("TERM", "xterm-kitty"), false));
    }

    @Test
    void kittyChunksLargePicturesAsTheProtocolRequires() throws IOException {
        BufferedImage noise = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(1);
        for (int y = 0; y < 200; y++) for (int x = 0; x < 300; x++) noise.setRGB(x, y, r.nextInt());
        String seq = TerminalImages.sequence(noise, TerminalImages.Protocol.kitty);
        Matcher m = Pattern.compile("\033_G([^;]*);([A-Za-z0-9+/=]*)\033\\\\").matcher(seq);
        List<String> keys = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        while (m.find()) {
            keys.add(m.group(1));
            assertTrue(m.group(2).length() <= TerminalImages.KITTY_CHUNK);
            payload.append(m.group(2));
        }
        assertTrue(keys.size() > 2, "a 180 kB PNG takes many chunks");
        assertEquals("a=T,f=100,m=1", keys.get(0));
        assertEquals("m=0", keys.get(keys.size() - 1));
        for (String k : keys.subList(1, keys.size() - 1)) assertEquals("m=1", k);
        BufferedImage back =
                ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(payload.toString())));
        assertEquals(noise.getRGB(17, 33), back.getRGB(17, 33));
    }

    static List<BufferedImage> kittyImages(String out) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        Matcher m = Pattern.compile("\033_G([^;]*);([A-Za-z0-9+/=]*)\033\\\\").matcher(out);
        StringBuilder payload = new StringBuilder();
        while (m.find()) {
            payload.append(m.group(2));
            if (m.group(1).endsWith("m=0")) {
                images.add(ImageIO.read(
                        new ByteArrayInputStream(Base64.getDecoder().decode(payload.toString()))));
                payload.setLength(0);
            }
        }
        return images;
    }
}
