package io.clip4j.train;

import io.clip4j.Clip4jException;
import io.clip4j.plot.LinePlot;
import io.clip4j.plot.MetricCurves;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** The curves a training run leaves in its folder: {@code metrics.csv} and {@code curves.png}. */
public final class RunFiles {
    static final List<String> PER_STEP = List.of("loss", "lr", "images_per_s");

    private RunFiles() {}

    /** The curves of an earlier invocation up to {@code step} (later points belong to steps that will be redone). */
    static MetricCurves readCurves(Path out, long step) {
        MetricCurves kept = new MetricCurves("step");
        Path f = out.resolve(TrainingRun.METRICS_CSV);
        if (!Files.isRegularFile(f)) return kept;
        MetricCurves old;
        try {
            old = MetricCurves.readCsv(f);
        } catch (Clip4jException e) {
            return kept; // a damaged metrics file must not stop a resume; the new one replaces it
        }
        for (String n : old.names()) {
            double[][] p = old.points(n);
            for (int i = 0; i < p[0].length; i++) if (p[0][i] <= step) kept.add(n, p[0][i], p[1][i]);
        }
        return kept;
    }

    /**
     * Writes metrics.csv and curves.png: loss vs step, the learning rate vs step below it, then the evaluation metrics
     * vs step when there are any.
     */
    public static void writeCurves(Path out, MetricCurves curves) {
        curves.writeCsv(out.resolve(TrainingRun.METRICS_CSV));
        writePng(out.resolve(TrainingRun.CURVES_PNG), render(curves));
    }

    public static BufferedImage render(MetricCurves curves) {
        int w = 800, h = 360, lrHeight = 220;
        List<BufferedImage> panels = new ArrayList<>();
        panels.add(new LinePlot("training loss", "step", "loss")
                .add(curves.series("loss"))
                .render(w, h));
        if (curves.names().contains("lr")) {
            panels.add(new LinePlot("learning rate", "step", "lr")
                    .add(curves.series("lr"))
                    .render(w, lrHeight));
        }
        List<String> metrics =
                curves.names().stream().filter(n -> !PER_STEP.contains(n)).toList();
        if (!metrics.isEmpty()) {
            LinePlot p = new LinePlot("evaluation", "step", "value");
            for (String n : metrics) p.add(curves.series(n));
            panels.add(p.render(w, h));
        }
        BufferedImage all = new BufferedImage(
                w, panels.stream().mapToInt(BufferedImage::getHeight).sum(), BufferedImage.TYPE_INT_RGB);
        var g = all.createGraphics();
        int y = 0;
        for (BufferedImage panel : panels) {
            g.drawImage(panel, 0, y, null);
            y += panel.getHeight();
        }
        g.dispose();
        return all;
    }

    static void writePng(Path file, BufferedImage img) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getClass().getSimpleName() + ")");
        }
    }
}
