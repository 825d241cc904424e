package io.clip4j.plot;

import io.clip4j.Clip4jException;
import io.clip4j.data.DelimitedReader;
import io.clip4j.data.DelimitedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named metric curves (loss, learning rate, accuracy...) as (x, y) points, e.g. x = training step. Written as one
 * CSV table: the x column, then one column per series in the order the series first appeared; a series without a
 * value at some x leaves the cell empty. Numbers are written with Java's shortest round-trip form, so reading the
 * file back gives the same doubles. Thread-safe.
 */
public final class MetricCurves {
    private final String xName;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    public MetricCurves(String xName) {
        this.xName = xName;
    }

    public MetricCurves() {
        this("step");
    }

    public synchronized void add(String name, double x, double y) {
        if (name.isEmpty()) throw new IllegalArgumentException("series name is empty");
        series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
    }

    public String xName() {
        return xName;
    }

    public synchronized List<String> names() {
        return List.copyOf(series.keySet());
    }

    /** The points of a series in insertion order: {xs, ys}; empty arrays for an unknown series. */
    public synchronized double[][] points(String name) {
        List<double[]> p = series.getOrDefault(name, List.of());
        double[] xs = new double[p.size()];
        double[] ys = new double[p.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = p.get(i)[0];
            ys[i] = p.get(i)[1];
        }
        return new double[][] {xs, ys};
    }

    /** The series as a plot series. */
    public LinePlot.Series series(String name) {
        double[][] p = points(name);
        return new LinePlot.Series(name, p[0], p[1]);
    }

    public synchronized String toCsv() {
        List<String> names = new ArrayList<>(series.keySet());
        TreeMap<Double, String[]> rows = new TreeMap<>();
        for (int s = 0; s < names.size(); s++) {
            for (double[] p : series.get(names.get(s))) {
                rows.computeIfAbsent(p[0], k -> new String[names.size()])[s] = number(p[1]);
            }
        }
        List<String> header = new ArrayList<>();
        header.add(xName);
        header.addAll(names);
        StringBuilder sb = new StringBuilder(DelimitedWriter.row(header, ','));
        for (var e : rows.entrySet()) {
            List<String> cells = new ArrayList<>();
            cells.add(number(e.getKey()));
            for (String v : e.getValue()) cells.add(v == null ? "" : v);
            sb.append(DelimitedWriter.row(cells, ','));
        }
        return sb.toString();
    }

    public void writeCsv(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Reads a file written by {@link #writeCsv} (or any CSV whose first column is x and the rest are series). */
    public static MetricCurves readCsv(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        List<DelimitedReader.Record> recs = DelimitedReader.readAll(text, ',');
        if (recs.isEmpty() || recs.get(0).blank()) throw new Clip4jException(file + ": no header row");
        List<String> header = recs.get(0).fields();
        MetricCurves c = new MetricCurves(header.get(0));
        for (int r = 1; r < recs.size(); r++) {
            DelimitedReader.Record rec = recs.get(r);
            if (rec.blank()) continue;
            try {
                double x = Double.parseDouble(rec.fields().get(0));
                for (int k = 1; k < Math.min(header.size(), rec.fields().size()); k++) {
                    String v = rec.fields().get(k);
                    if (!v.isEmpty()) c.add(header.get(k), x, Double.parseDouble(v));
                }
            } catch (NumberFormatException e) {
                throw new Clip4jException(file + ":" + rec.line() + ": not a number (" + e.getMessage() + ")");
            }
        }
        return c;
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%d", (long) v);
        return Double.toString(v);
    }
}
