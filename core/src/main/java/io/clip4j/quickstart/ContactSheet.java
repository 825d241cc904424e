package io.clip4j.quickstart;

import io.clip4j.image.Thumbnails;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of images, each enlarged (nearest neighbour: the pixels the model saw stay visible) with a few lines of
 * text under it; one PNG for the report instead of dozens of tiny figures. Not thread-safe while being built.
 */
final class ContactSheet {
    record Cell(BufferedImage image, List<String> lines, Color first) {}

    private final int thumb;
    private final int columns;
    private final List<Cell> cells = new ArrayList<>();

    ContactSheet(int thumb, int columns) {
        this.thumb = thumb;
        this.columns = columns;
    }

    /** @param first colour of the first text line (e.g. green for a right prediction) */
    ContactSheet add(Path image, List<String> lines, Color first) {
        // through clip4j's own reader and decoders, as every other image read from disk
        cells.add(new Cell(Thumbnails.thumbnail(image, thumb), List.copyOf(lines), first));
        return this;
    }

    boolean isEmpty() {
        return cells.isEmpty();
    }

    BufferedImage render() {
        int lines = cells.stream().mapToInt(c -> c.lines().size()).max().orElse(0);
        int lineH = 15, pad = 8, cellW = Math.max(thumb, 150) + pad, cellH = thumb + pad + lines * lineH + pad;
        int cols = Math.max(1, Math.min(columns, cells.size())), rows = (cells.size() + cols - 1) / cols;
        BufferedImage out =
                new BufferedImage(cols * cellW + pad, Math.max(1, rows) * cellH + pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (int k = 0; k < cells.size(); k++) {
                Cell c = cells.get(k);
                int x = pad + (k % cols) * cellW, y = pad + (k / cols) * cellH;
                g.drawImage(c.image(), x, y, thumb, thumb, null);
                g.setColor(new Color(0xCCCCCC));
                g.drawRect(x, y, thumb - 1, thumb - 1);
                for (int l = 0; l < c.lines().size(); l++) {
                    g.setColor(l == 0 && c.first() != null ? c.first() : new Color(0x333333));
                    g.drawString(
                            fit(c.lines().get(l), fm, cellW - pad), x, y + thumb + pad + l * lineH + fm.getAscent());
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
        return s + "…";
    }
}
