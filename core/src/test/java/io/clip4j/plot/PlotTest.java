package io.clip4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
    @TempDir
    Path tmp;

    static MetricCurves curves() {
        MetricCurves c = new MetricCurves("step");
        for (int s = 0; s <= 100; s += 10) c.add("loss", s, 5 - 0.04 * s);
        for (int s = 0; s <= 100; s += 25) c.add("accuracy", s, 0.01 * s);
        return c;
    }

    @Test
    void csvHasOneColumnPerSeriesAndRoundTrips() {
        MetricCurves c = curves();
        c.add("lr", 5, 1.2345678901234e-4);
        Path f = tmp.resolve("out/curves.csv");
        c.writeCsv(f);
        String csv = c.toCsv();
        String[] lines = csv.split("\n");
        assertEquals("step,loss,accuracy,lr", lines[0]);
        assertEquals("0,5,0,", lines[1]);
        assertEquals("5,,,1.2345678901234E-4", lines[2]);
        assertEquals("10,4.6,,", lines[3]);
        MetricCurves back = MetricCurves.readCsv(f);
        assertEquals(List.of("loss", "accuracy", "lr"), back.names());
        for (String n : c.names()) {
            assertArrayEquals(c.points(n)[0], back.points(n)[0]);
            assertArrayEquals(c.points(n)[1], back.points(n)[1]);
        }
    }

    @Test
    void pngHasTheSizeAndTheSeriesWhereTheyShouldBe() throws IOException {
        MetricCurves c = curves();
        LinePlot plot = LinePlot.of(c, "Training", "value");
        Path file = tmp.resolve("plot.png");
        plot.writePng(file, 500, 320);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(500, img.getWidth());
        assertEquals(320, img.getHeight());
        LinePlot.Frame f = plot.frame(500, 320);
        // middle of a segment of each series, away from the legend (top right)
        assertNear(plot.colour(0), img, f.px(25), f.py(5 - 0.04 * 25));
        assertNear(plot.colour(1), img, f.px(37.5), f.py(0.375));
        // a spot where no series goes stays background (white or light grid)
        int empty = img.getRGB((int) f.px(50), (int) f.py(2.5));
        assertTrue(brightness(empty) > 200, Integer.toHexString(empty));
        // the axis frame is drawn
        assertEquals(0, img.getRGB(f.left(), (f.top() + f.bottom()) / 2) & 0xFFFFFF);
        // something (title, tick labels) is written outside the plot area
        assertTrue(darkPixels(img, 0, 0, 500, f.top()) > 20, "title");
        assertTrue(darkPixels(img, 0, f.top(), f.left() - 2, f.bottom()) > 20, "y tick labels");
        assertTrue(darkPixels(img, f.left(), f.bottom() + 2, f.right(), 320) > 20, "x tick labels");
    }

    static void assertNear(Color want, BufferedImage img, double x, double y) {
        int best = Integer.MAX_VALUE;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                int p = img.getRGB((int) Math.round(x) + dx, (int) Math.round(y) + dy);
                int d = Math.abs(((p >> 16) & 0xFF) - want.getRed())
                        + Math.abs(((p >> 8) & 0xFF) - want.getGreen())
                        + Math.abs((p & 0xFF) - want.getBlue());
                best = Math.min(best, d);
            }
        }
        assertTrue(best < 30, "series colour near (" + x + ", " + y + "): distance " + best);
    }

    static int brightness(int rgb) {
        return (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF)) / 3;
    }

    static int darkPixels(BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) if (brightness(img.getRGB(x, y)) < 100) n++;
        return n;
    }

    /** The legend goes to the corner the lines leave free: top right over a falling curve, top left over a rising one. */
    @Test
    void legendGoesWhereTheLinesAreNot() {
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] up = new double[x.length], down = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            up[i] = i / 10.0;
            down[i] = 1 - i / 10.0;
        }
        LinePlot.Frame f = new LinePlot.Frame(50, 20, 650, 320, 0, 10, 0, 1);
        assertArrayEquals(
                new int[] {650 - 100 - 8, 28},
                LinePlot.legendCorner(f, List.of(new LinePlot.Series("loss", x, down)), 100, 60));
        assertArrayEquals(
                new int[] {58, 28}, LinePlot.legendCorner(f, List.of(new LinePlot.Series("top1", x, up)), 100, 60));
    }

    @Test
    void ticksAreRoundNumbers() {
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), LinePlot.ticks(0, 100, 6));
        assertEquals(List.of(0.2, 0.4), LinePlot.ticks(0.11, 0.49, 3));
        assertEquals(0.5, LinePlot.niceStep(0.3));
    }

    @Test
    void htmlReportEmbedsImagesAndEscapesText() throws IOException {
        Path png = tmp.resolve("p.png");
        LinePlot.of(curves(), "t", "v").writePng(png, 200, 150);
        BufferedImage small = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        small.setRGB(1, 1, 0xFF0000);
        HtmlReport r = new HtmlReport("Run <1>")
                .section("Loss & accuracy")
                .paragraph("a \"quoted\" <b>word</b>")
                .image(png, "curves")
                .image(small, "tiny")
                .table(List.of("class", "accuracy"), List.of(List.of("red circle", 0.875), List.of("a<b", 1)));
        Path out = tmp.resolve("r/report.html");
        r.write(out);
        String html = Files.readString(out);
        assertTrue(html.contains("<title>Run &lt;1&gt;</title>"));
        assertTrue(html.contains("<h2>Loss &amp; accuracy</h2>"));
        assertTrue(html.contains("a &quot;quoted&quot; &lt;b&gt;word&lt;/b&gt;"));
        assertFalse(html.contains("<b>word"));
        assertTrue(html.contains("<td class=\"n\">0.8750</td>"), html);
        assertTrue(html.contains("<td>a&lt;b</td>"));
        String prefix = "src=\"data:image/png;base64,";
        int at = html.indexOf(prefix);
        String b64 = html.substring(at + prefix.length(), html.indexOf('"', at + prefix.length()));
        assertArrayEquals(Files.readAllBytes(png), Base64.getDecoder().decode(b64), "file embedded as it is");
        int second = html.indexOf(prefix, at + 1);
        String b64b = html.substring(second + prefix.length(), html.indexOf('"', second + prefix.length()));
        BufferedImage back =
                ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64b)));
        assertEquals(0xFF0000, back.getRGB(1, 1) & 0xFFFFFF);
    }
}
