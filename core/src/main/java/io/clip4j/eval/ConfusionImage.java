package io.clip4j.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** A confusion matrix as a picture: rows are the true classes, columns the predictions, shade = share of the row. */
public final class ConfusionImage {
    private ConfusionImage() {}

    public static BufferedImage render(List<String> classes, int[][] confusion) {
        int c = classes.size();
        int cell = Math.max(8, Math.min(40, 900 / Math.max(1, c)));
        int label = 150, top = 150;
        int w = label + c * cell + 20, h = top + c * cell + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(12, cell - 2))));
        for (int r = 0; r < c; r++) {
            int total = 0;
            for (int x : confusion[r]) total += x;
            for (int p = 0; p < c; p++) {
                float share = total == 0 ? 0 : (float) confusion[r][p] / total;
                int shade = Math.round(255 * (1 - share));
                g.setColor(r == p ? new Color(shade, 255 - (255 - shade) / 3, shade) : new Color(255, shade, shade));
                g.fillRect(label + p * cell, top + r * cell, cell - 1, cell - 1);
                if (cell >= 24 && confusion[r][p] > 0) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(
                            String.format(Locale.ROOT, "%d", confusion[r][p]),
                            label + p * cell + 3,
                            top + r * cell + cell / 2 + 4);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(shorten(classes.get(r)), 4, top + r * cell + cell / 2 + 4);
        }
        for (int p = 0; p < c; p++) {
            Graphics2D t = (Graphics2D) g.create();
            t.translate(label + p * cell + cell / 2 + 4, top - 4);
            t.rotate(-Math.PI / 2);
            t.setColor(Color.BLACK);
            t.drawString(shorten(classes.get(p)), 0, 0);
            t.dispose();
        }
        g.drawString("true class (rows) / predicted (columns)", 4, 14);
        g.dispose();
        return img;
    }

    private static String shorten(String s) {
        return s.length() > 22 ? s.substring(0, 21) + "…" : s;
    }
}
