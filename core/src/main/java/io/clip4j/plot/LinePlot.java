package io.clip4j.plot;

import io.clip4j.Clip4jException;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart drawn with Java2D: title, axes with "nice" ticks (1, 2, 5 x 10^k) and labels, one coloured line
 * per series, a legend. Linear axes only. Non-finite values break a line. Not thread-safe while being built;
 * rendering does not modify it.
 */
public final class LinePlot {
    /** One curve. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException(name + ": x and y differ in length");
        }
    }

    /** Where the data lands in the picture: the plot area in pixels and the data ranges at its edges. */
    public record Frame(int left, int top, int right, int bottom, double xMin, double xMax, double yMin, double yMax) {
        public double px(double x) {
            return left + (x - xMin) / (xMax - xMin) * (right - left);
        }

        public double py(double y) {
            return bottom - (y - yMin) / (yMax - yMin) * (bottom - top);
        }
    }

    /** matplotlib's tab10 colours, so the pictures look familiar. */
    public static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf)
    };

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A plot of some (default: all) series of a curve set, x labelled with its x column name. */
    public static LinePlot of(MetricCurves curves, String title, String yLabel, String... names) {
        LinePlot p = new LinePlot(title, curves.xName(), yLabel);
        for (String n : names.length == 0 ? curves.names() : List.of(names)) p.add(curves.series(n));
        return p;
    }

    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    public LinePlot add(String name, double[] x, double[] y) {
        return add(new Series(name, x, y));
    }

    public List<Series> series() {
        return List.copyOf(series);
    }

    public Color colour(int seriesIndex) {
        return PALETTE[seriesIndex % PALETTE.length];
    }

    public Frame frame(int width, int height) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i], y = s.y()[i];
                if (!Double.isFinite(x) || !Double.isFinite(y)) continue;
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
                yMin = Math.min(yMin, y);
                yMax = Math.max(yMax, y);
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMin == xMax) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        if (yMin == yMax) {
            double d = Math.max(1e-9, Math.abs(yMin) * 0.1);
            yMin -= d;
            yMax += d;
        }
        double pad = (yMax - yMin) * 0.05;
        yMin -= pad;
        yMax += pad;
        int left = 72, right = width - 20, top = title.isEmpty() ? 20 : 40, bottom = height - 52;
        if (right - left < 20 || bottom - top < 20)
            throw new Clip4jException("plot size " + width + "x" + height + " is too small");
        return new Frame(left, top, right, bottom, xMin, xMax, yMin, yMax);
    }

    public BufferedImage render(int width, int height) {
        Frame f = frame(width, height);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            drawGridAndTicks(g, fm, f);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(f.left(), f.top(), f.right() - f.left(), f.bottom() - f.top());
            Shape clip = g.getClip();
            g.clipRect(f.left(), f.top(), f.right() - f.left() + 1, f.bottom() - f.top() + 1);
            for (int k = 0; k < series.size(); k++) drawSeries(g, series.get(k), f, colour(k));
            g.setClip(clip);
            drawLabels(g, f, width, height);
            drawLegend(g, f);
        } finally {
            g.dispose();
        }
        return img;
    }

    public void writePng(Path file, int width, int height) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (!ImageIO.write(render(width, height), "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void drawSeries(Graphics2D g, Series s, Frame f, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        int pointsInRun = 0;
        double lastX = 0, lastY = 0;
        for (int i = 0; i < s.x().length; i++) {
            double x = s.x()[i], y = s.y()[i];
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                if (pointsInRun == 1) dot(g, lastX, lastY);
                open = false;
                pointsInRun = 0;
                continue;
            }
            lastX = f.px(x);
            lastY = f.py(y);
            if (open) path.lineTo(lastX, lastY);
            else path.moveTo(lastX, lastY);
            open = true;
            pointsInRun++;
        }
        if (pointsInRun == 1) dot(g, lastX, lastY);
        g.draw(path);
    }

    private static void dot(Graphics2D g, double x, double y) {
        g.fill(new Ellipse2D.Double(x - 2.5, y - 2.5, 5, 5));
    }

    private void drawGridAndTicks(Graphics2D g, FontMetrics fm, Frame f) {
        Color grid = new Color(0xE6E6E6);
        for (double t : ticks(f.xMin(), f.xMax(), 6)) {
            int x = (int) Math.round(f.px(t));
            g.setColor(grid);
            g.drawLine(x, f.top(), x, f.bottom());
            g.setColor(Color.BLACK);
            g.drawLine(x, f.bottom(), x, f.bottom() + 4);
            String s = format(t, f.xMax() - f.xMin());
            g.drawString(s, x - fm.stringWidth(s) / 2, f.bottom() + 6 + fm.getAscent());
        }
        for (double t : ticks(f.yMin(), f.yMax(), 6)) {
            int y = (int) Math.round(f.py(t));
            g.setColor(grid);
            g.drawLine(f.left(), y, f.right(), y);
            g.setColor(Color.BLACK);
            g.drawLine(f.left() - 4, y, f.left(), y);
            String s = format(t, f.yMax() - f.yMin());
            g.drawString(s, f.left() - 7 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
    }

    private void drawLabels(Graphics2D g, Frame f, int width, int height) {
        g.setColor(Color.BLACK);
        if (!title.isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, (f.left() + f.right()) / 2 - fm.stringWidth(title) / 2, 14 + fm.getAscent() / 2);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(xLabel, (f.left() + f.right()) / 2 - fm.stringWidth(xLabel) / 2, height - 10);
        AffineTransform old = g.getTransform();
        g.translate(16, (f.top() + f.bottom()) / 2.0 + fm.stringWidth(yLabel) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, 0, 0);
        g.setTransform(old);
    }

    private void drawLegend(Graphics2D g, Frame f) {
        if (series.isEmpty()) return;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Series s : series) w = Math.max(w, fm.stringWidth(s.name()));
        int lineH = fm.getHeight();
        int boxW = w + 40, boxH = lineH * series.size() + 8;
        int[] at = legendCorner(f, series, boxW, boxH);
        int x0 = at[0], y0 = at[1];
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x0, y0, boxW, boxH);
        g.setColor(new Color(0xBBBBBB));
        g.drawRect(x0, y0, boxW, boxH);
        for (int k = 0; k < series.size(); k++) {
            int y = y0 + 4 + k * lineH + lineH / 2;
            g.setColor(colour(k));
            g.setStroke(new BasicStroke(2f));
            g.drawLine(x0 + 6, y, x0 + 28, y);
            g.setColor(Color.BLACK);
            g.drawString(series.get(k).name(), x0 + 34, y + fm.getAscent() / 2 - 1);
        }
    }

    /**
     * Where the legend box goes: the corner of the frame (top right, top left, bottom right, bottom left, in that order
     * of preference) whose box hides the least of the lines, sampled along every segment. Falling curves (a loss)
     * keep it top right; rising ones (accuracies from 0 to 1) get it top left, not over their plateau.
     */
    static int[] legendCorner(Frame f, List<Series> series, int boxW, int boxH) {
        int[][] corners = {
            {f.right() - boxW - 8, f.top() + 8},
            {f.left() + 8, f.top() + 8},
            {f.right() - boxW - 8, f.bottom() - boxH - 8},
            {f.left() + 8, f.bottom() - boxH - 8}
        };
        int best = 0;
        long bestHidden = Long.MAX_VALUE;
        for (int c = 0; c < corners.length; c++) {
            long hidden = 0;
            int x0 = corners[c][0], y0 = corners[c][1];
            for (Series s : series) {
                for (int i = 1; i < s.x().length; i++) {
                    for (int t = 0; t < 8; t++) {
                        double a = t / 8.0;
                        double x = f.px(s.x()[i - 1] + a * (s.x()[i] - s.x()[i - 1]));
                        double y = f.py(s.y()[i - 1] + a * (s.y()[i] - s.y()[i - 1]));
                        if (x >= x0 && x <= x0 + boxW && y >= y0 && y <= y0 + boxH) hidden++;
                    }
                }
            }
            if (hidden < bestHidden) {
                bestHidden = hidden;
                best = c;
            }
        }
        return corners[best];
    }

    /** Ticks at multiples of a 1-2-5 step inside [lo, hi], about {@code target} of them. */
    static List<Double> ticks(double lo, double hi, int target) {
        double step = niceStep((hi - lo) / Math.max(1, target - 1));
        List<Double> out = new ArrayList<>();
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.add(k * step);
        return out;
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
        return nice * p;
    }

    private static String format(double v, double range) {
        if (Math.abs(v) < range * 1e-9) v = 0;
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) return String.format(Locale.ROOT, "%.2g", v);
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
