package io.clip4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import io.clip4j.data.SyntheticScene.Colour;
import io.clip4j.data.SyntheticScene.Combo;
import io.clip4j.data.SyntheticScene.Shape;
import io.clip4j.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCaptionsTest {
    @TempDir
    Path tmp;

    static int[] pixelsOf(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void sameSeedSameData() {
        SyntheticCaptions a = new SyntheticCaptions(50, 7, 48, Set.of(), 0.5);
        SyntheticCaptions b = new SyntheticCaptions(50, 7, 48, Set.of(), 0.5);
        SyntheticCaptions c = new SyntheticCaptions(50, 8, 48, Set.of(), 0.5);
        int differ = 0;
        for (int i = 49; i >= 0; i--) { // any order gives the same pair
            assertEquals(a.caption(i), b.caption(i));
            assertArrayEquals(pixelsOf(a.image(i)), pixelsOf(b.image(i)));
            if (!a.caption(i).equals(c.caption(i))) differ++;
        }
        assertTrue(differ > 30, "another seed gives other captions: " + differ);
        assertEquals("synthetic #3", a.imageName(3));
    }

    @Test
    void theCaptionDescribesThePicture() {
        SyntheticCaptions src = new SyntheticCaptions(300, 1, 64, Set.of(), 0.3);
        Set<String> wordings = new HashSet<>();
        for (int i = 0; i < src.size(); i++) {
            SyntheticScene s = src.scene(i);
            String cap = s.caption();
            assertTrue(cap.contains(s.colour().word() + " " + s.shape().word()), cap);
            if (cap.contains("small") || cap.contains("large"))
                assertTrue(cap.contains(s.size().word()), cap);
            for (SyntheticScene.Position p : SyntheticScene.Position.values()) {
                if (cap.contains(p.phrase)) assertEquals(s.position(), p, cap);
            }
            if (cap.contains("background"))
                assertTrue(cap.contains(s.background().word() + " background"), cap);
            assertEquals(s.word() != null, cap.contains("\""), cap);
            if (s.word() != null) assertTrue(cap.contains("\"" + s.word() + "\""), cap);
            wordings.add(
                    cap.replace(s.colour().word() + " " + s.shape().word(), "X").replaceAll("\".*\"", "W"));

            // the shape's centre pixel has the caption's colour, whatever the background
            BufferedImage img = src.image(i);
            int cx = (int) (s.centerX() * 64), cy = (int) (s.centerY() * 64);
            assertEquals(s.colour().rgb(), img.getRGB(cx, cy) & 0xFFFFFF, "centre of #" + i + ": " + cap);
            assertEquals(s.background().rgb(), img.getRGB(0, 0) & 0xFFFFFF, "corner of #" + i);
            // shape stays inside the picture
            assertTrue(s.centerX() - s.radius() >= 0 && s.centerX() + s.radius() <= 1, cap);
        }
        assertTrue(wordings.size() >= 10, "wording varies: " + wordings);
    }

    @Test
    void compactStyleNamesColourShapeAndSometimesSize() {
        SyntheticCaptions src = new SyntheticCaptions(300, 1, 64, Set.of(), 0.0, SceneStyle.COMPACT);
        Set<String> captions = new HashSet<>();
        for (int i = 0; i < src.size(); i++) {
            SyntheticScene s = src.scene(i);
            String thing = s.colour().word() + " " + s.shape().word();
            assertTrue(
                    s.caption().equals("a " + thing)
                            || s.caption().equals("a " + s.size().word() + " " + thing),
                    s.caption());
            double nominal = SceneStyle.COMPACT.radius(s.size());
            assertTrue(
                    s.radius() >= 0.9 * nominal - 1e-12 && s.radius() <= 1.1 * nominal + 1e-12,
                    s.caption() + " " + s.radius());
            assertTrue(s.centerX() - s.radius() >= 0 && s.centerX() + s.radius() <= 1, s.caption());
            assertTrue(s.centerY() - s.radius() >= 0 && s.centerY() + s.radius() <= 1, s.caption());
            captions.add(s.caption().replace(thing, "X"));
        }
        assertEquals(Set.of("a X", "a small X", "a large X"), captions);
        assertThrows(Clip4jException.class, () -> new SceneStyle(0.3, 0.2, SceneStyle.Wording.COMPACT));
    }

    @Test
    void heldOutPairsAreNeverDrawn() {
        Set<Combo> held = SyntheticDataset.parseHoldout("red circle, Blue  Star,");
        assertEquals(Set.of(new Combo(Colour.RED, Shape.CIRCLE), new Combo(Colour.BLUE, Shape.STAR)), held);
        SyntheticCaptions src = new SyntheticCaptions(2000, 3, 32, held, 0);
        Set<Combo> seen = new HashSet<>();
        for (int i = 0; i < src.size(); i++) seen.add(src.scene(i).combo());
        assertFalse(seen.contains(new Combo(Colour.RED, Shape.CIRCLE)));
        assertFalse(seen.contains(new Combo(Colour.BLUE, Shape.STAR)));
        assertEquals(62, seen.size(), "every other pair appears in 2000 draws");
        var e = assertThrows(Clip4jException.class, () -> SyntheticDataset.parseHoldout("red blob"));
        assertTrue(e.getMessage().contains("unknown shape 'blob'"), e.getMessage());
    }

    @Test
    void writesTrainValAndClassFolders() throws IOException {
        var settings = new SyntheticDataset.Settings(
                30, 5, 32, SyntheticDataset.parseHoldout("red circle,blue star"), 6, 2, 0.2);
        SyntheticDataset.Summary s = SyntheticDataset.write(tmp.resolve("ds"), settings);
        assertEquals(62, s.classes());
        assertEquals(2, s.heldoutClasses());
        assertEquals(4, s.heldoutImages());
        CsvCaptionSource train = CsvCaptionSource.load(tmp.resolve("ds/train.tsv"));
        CsvCaptionSource val = CsvCaptionSource.load(tmp.resolve("ds/val.tsv"));
        assertEquals(30, train.size());
        assertEquals(6, val.size());
        SyntheticCaptions gen = new SyntheticCaptions(30, 5, 32, settings.holdout(), 0.2);
        for (int i = 0; i < 30; i++) {
            assertEquals(gen.caption(i), train.caption(i), "the TSV holds the generator's captions");
            assertFalse(
                    train.caption(i).contains("red circle") || train.caption(i).contains("blue star"));
        }
        BufferedImage first = ImageIO.read(train.imagePath(0).toFile());
        assertArrayEquals(pixelsOf(gen.image(0)), pixelsOf(first), "PNG is lossless");
        assertEquals(List.of("blue star", "red circle"), list(tmp.resolve("ds/heldout")));
        assertEquals(2, list(tmp.resolve("ds/heldout/red circle")).size());
        assertFalse(Files.exists(tmp.resolve("ds/classes/red circle")));
        assertTrue(Files.isDirectory(tmp.resolve("ds/classes/green triangle")));
        // a held-out image shows its class: centre pixel red
        SyntheticScene red = gen.stream(SyntheticCaptions.HELDOUT, 0).sceneOf(new Combo(Colour.RED, Shape.CIRCLE), 1);
        BufferedImage img =
                ImageIO.read(tmp.resolve("ds/heldout/red circle/001.png").toFile());
        assertEquals(Colour.RED.rgb(), img.getRGB((int) (red.centerX() * 32), (int) (red.centerY() * 32)) & 0xFFFFFF);

        // the same settings write the same bytes
        SyntheticDataset.write(tmp.resolve("ds2"), settings);
        assertArrayEquals(
                Files.readAllBytes(tmp.resolve("ds/train.tsv")), Files.readAllBytes(tmp.resolve("ds2/train.tsv")));
        assertArrayEquals(
                Files.readAllBytes(tmp.resolve("ds/val/000003.png")),
                Files.readAllBytes(tmp.resolve("ds2/val/000003.png")));
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void syntheticPixelsGoThroughTheTransforms() {
        SyntheticCaptions src = new SyntheticCaptions(4, 1, 40, Set.of(), 0);
        float[] m = CsvCaptionSourceTest.MEAN, sd = CsvCaptionSourceTest.STD;
        float[] eval = src.pixels(2, 16, m, sd, null);
        assertArrayEquals(new ImagePreprocessor(16, m, sd).preprocess(src.image(2)), eval);
        float[] aug1 = src.pixels(2, 16, m, sd, new Random(1));
        float[] aug2 = src.pixels(2, 16, m, sd, new Random(1));
        assertArrayEquals(aug1, aug2);
        assertEquals(3 * 16 * 16, aug1.length);
        assertNotEquals(Arrays.hashCode(eval), Arrays.hashCode(aug1));
    }
}
