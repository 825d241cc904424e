package io.clip4j.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small images written on the fly for the data tests. */
final class TestImages {
    private TestImages() {}

    /** A w x h PNG with a gradient and a coloured block, so crops and resizes change the pixels. */
    static Path png(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = image(w, h, seed);
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    static BufferedImage image(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + seed * 40) & 0xFF;
                int g = (y * 255 / Math.max(1, h - 1)) & 0xFF;
                int b = ((x ^ y) * 7 + seed * 13) & 0xFF;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(seed * 50 & 0xFF, 200, 30));
        g.fillRect(w / 4, h / 4, w / 3, h / 3);
        g.dispose();
        return img;
    }

    /** A file that looks like a PNG by name but is not one. */
    static Path broken(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "this is not an image");
        return file;
    }
}
