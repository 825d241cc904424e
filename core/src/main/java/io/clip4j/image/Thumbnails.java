package io.clip4j.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Small previews of indexed images, for the HTML and PNG outputs. */
public final class Thumbnails {
    private Thumbnails() {}

    /** Decodes with clip4j's own decoders (so every indexed format works) and fits it into side x side. */
    public static BufferedImage thumbnail(Path file, int side) {
        DecodedImage im = ImageDecoder.decode(file);
        byte[] rgb = PillowConvert.toRgb(im);
        int w = im.width(), h = im.height();
        BufferedImage full = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                row[x] = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
            }
            full.setRGB(0, y, w, 1, row, 0, w);
        }
        double scale = Math.min(1.0, (double) side / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale)), th = Math.max(1, (int) Math.round(h * scale));
        // halve repeatedly first: one bilinear step from a large image would alias badly
        BufferedImage cur = full;
        while (cur.getWidth() / 2 >= tw && cur.getHeight() / 2 >= th)
            cur = scaled(cur, cur.getWidth() / 2, cur.getHeight() / 2);
        return cur.getWidth() == tw && cur.getHeight() == th ? cur : scaled(cur, tw, th);
    }

    private static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** A grey square with a cross, for files that can no longer be read. */
    public static BufferedImage placeholder(int side) {
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(0xdddddd));
        g.fillRect(0, 0, side, side);
        g.setColor(new Color(0x999999));
        g.drawLine(0, 0, side, side);
        g.drawLine(side, 0, 0, side);
        g.dispose();
        return out;
    }

    public static BufferedImage thumbnailOrPlaceholder(Path file, int side) {
        try {
            return thumbnail(file, side);
        } catch (RuntimeException e) { // Clip4jException or a decoder bug: a preview is not worth failing for
            return placeholder(side);
        }
    }

    /** data:image/jpeg;base64,... of the thumbnail (quality 0.8). */
    public static String jpegDataUri(BufferedImage img) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            ImageWriter w = writers.next();
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.8f);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                w.setOutput(out);
                w.write(null, new IIOImage(img, null, null), p);
            } finally {
                w.dispose();
            }
            return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
