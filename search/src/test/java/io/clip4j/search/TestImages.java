package io.clip4j.search;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images drawn with Java2D for the search tests. */
final class TestImages {
    private TestImages() {}

    static final String[] WORDS = {
        "STOP", "hello", "SALE", "Exit", "coffee", "open", "PIZZA", "river", "taxi", "HOTEL", "bank", "music", "Books",
        "PARK", "bread", "news", "cinema", "garden", "Sport", "Lake"
    };

    /** A picture of colored shapes (no text). */
    static BufferedImage shapes(long seed, int size) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(r.nextInt(0xffffff)));
        g.fillRect(0, 0, size, size);
        for (int i = 0; i < 3 + r.nextInt(4); i++) {
            g.setColor(new Color(r.nextInt(0xffffff)));
            int x = r.nextInt(size),
                    y = r.nextInt(size),
                    w = size / 6 + r.nextInt(size / 2),
                    h = size / 6 + r.nextInt(size / 2);
            switch (r.nextInt(3)) {
                case 0 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                case 1 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                default -> {
                    g.setStroke(new BasicStroke(2 + r.nextInt(size / 16 + 1)));
                    g.drawLine(x, y, r.nextInt(size), r.nextInt(size));
                }
            }
        }
        g.dispose();
        return img;
    }

    /** A picture of a few words in a plain font on a light background. */
    static BufferedImage words(long seed, int size) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int light = 0xc0 + r.nextInt(0x40);
        g.setColor(new Color(light, light - r.nextInt(0x20), light - r.nextInt(0x20)));
        g.fillRect(0, 0, size, size);
        int lines = 2 + r.nextInt(3);
        for (int i = 0; i < lines; i++) {
            g.setColor(new Color(r.nextInt(0x60), r.nextInt(0x60), r.nextInt(0x60)));
            g.setFont(new Font(
                    Font.SANS_SERIF, r.nextBoolean() ? Font.BOLD : Font.PLAIN, size / 6 + r.nextInt(size / 8 + 1)));
            g.drawString(
                    WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)],
                    r.nextInt(size / 4),
                    (i + 1) * size / (lines + 1) + r.nextInt(size / 10 + 1));
        }
        g.dispose();
        return img;
    }

    static Path png(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** n shape pictures named img000.png ... in dir. */
    static List<Path> shapeFolder(Path dir, int n, long seed, int size) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
            out.add(png(shapes(seed * 1000 + i, size), dir.resolve(String.format(Locale.ROOT, "img%03d.png", i))));
        return out;
    }
}
