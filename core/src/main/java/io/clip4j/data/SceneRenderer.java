package io.clip4j.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/**
 * Draws a {@link SyntheticScene} with Java2D: anti-aliased filled shape, then the word (bold sans-serif, black or
 * white by background) in a band on the side away from the shape. Stateless and thread-safe.
 */
public final class SceneRenderer {
    private SceneRenderer() {}

    public static BufferedImage render(SyntheticScene s, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(new Color(s.background().rgb()));
            g.fillRect(0, 0, size, size);
            g.setColor(new Color(s.colour().rgb()));
            g.fill(outline(s, size));
            if (s.word() != null) drawWord(g, s, size);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The shape's outline in pixel coordinates. */
    public static Shape outline(SyntheticScene s, int size) {
        double cx = s.centerX() * size;
        double cy = s.centerY() * size;
        double r = s.radius() * size;
        Shape unit = switch (s.shape()) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case SQUARE -> polygon(4, Math.PI / 4, 1, 0);
            case DIAMOND -> polygon(4, 0, 1, 0);
            case TRIANGLE -> polygon(3, 0, 1, 0);
            case PENTAGON -> polygon(5, 0, 1, 0);
            case HEXAGON -> polygon(6, 0, 1, 0);
            case STAR -> polygon(5, 0, 1, 0.45);
            case CROSS -> cross(0.36);
        };
        AffineTransform t = new AffineTransform();
        t.translate(cx, cy);
        t.rotate(s.rotation());
        t.scale(r, r);
        return t.createTransformedShape(unit);
    }

    /**
     * A regular polygon of {@code n} vertices on the unit circle, the first at the top turned by {@code phase};
     * with {@code inner > 0}, a star alternating outer and inner (radius {@code inner}) vertices.
     */
    private static Shape polygon(int n, double phase, double radius, double inner) {
        Path2D.Double p = new Path2D.Double();
        int points = inner > 0 ? 2 * n : n;
        for (int k = 0; k < points; k++) {
            double a = -Math.PI / 2 + phase + 2 * Math.PI * k / points;
            double rr = inner > 0 && k % 2 == 1 ? inner : radius;
            if (k == 0) p.moveTo(rr * Math.cos(a), rr * Math.sin(a));
            else p.lineTo(rr * Math.cos(a), rr * Math.sin(a));
        }
        p.closePath();
        return p;
    }

    /** A plus sign whose arms are {@code 2 * half} wide and reach the unit circle. */
    private static Shape cross(double half) {
        Path2D.Double p = new Path2D.Double();
        double[][] pts = {
            {-half, -1},
            {half, -1},
            {half, -half},
            {1, -half},
            {1, half},
            {half, half},
            {half, 1},
            {-half, 1},
            {-half, half},
            {-1, half},
            {-1, -half},
            {-half, -half}
        };
        p.moveTo(pts[0][0], pts[0][1]);
        for (int i = 1; i < pts.length; i++) p.lineTo(pts[i][0], pts[i][1]);
        p.closePath();
        return p;
    }

    private static void drawWord(Graphics2D g, SyntheticScene s, int size) {
        float px = Math.max(6f, size * 0.16f);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(px)));
        g.setStroke(new BasicStroke(1f));
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(s.word());
        int x = Math.max(0, (size - w) / 2);
        boolean top = s.position() == SyntheticScene.Position.BOTTOM;
        int y = top ? Math.round(size * 0.03f) + fm.getAscent() : size - Math.round(size * 0.04f) - fm.getDescent();
        g.setColor(new Color(s.background().textRgb()));
        g.drawString(s.word(), x, y);
    }
}
