package io.clip4j.search;

import io.clip4j.image.Thumbnails;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Self-contained HTML pages (thumbnails inline as JPEG data URIs) and the textness grid as a PNG. */
public final class ResultPages {
    public static final int THUMB = 160;

    private ResultPages() {}

    /** One row of a grid: a label and its results. */
    public record Row(String label, List<SearchService.Hit> hits) {}

    public static String resultsHtml(String title, List<SearchService.Hit> hits) {
        StringBuilder sb = head(title);
        sb.append("<div class=\"row\">\n");
        for (SearchService.Hit h : hits) cell(sb, h);
        sb.append("</div>\n</body>\n</html>\n");
        return sb.toString();
    }

    public static String gridHtml(String title, List<Row> rows) {
        StringBuilder sb = head(title);
        for (Row r : rows) {
            sb.append("<h2>").append(escape(r.label())).append("</h2>\n<div class=\"row\">\n");
            for (SearchService.Hit h : r.hits()) cell(sb, h);
            sb.append("</div>\n");
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static StringBuilder head(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1em}figure{display:inline-block;margin:4px;width:")
                .append(THUMB).append("px;vertical-align:top}figcaption{font-size:11px;word-break:break-all}")
                .append("img{max-width:").append(THUMB).append("px;max-height:").append(THUMB).append("px}h2{font-size:14px;margin:8px 0 2px}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        return sb;
    }

    private static void cell(StringBuilder sb, SearchService.Hit h) {
        String uri = Thumbnails.jpegDataUri(Thumbnails.thumbnailOrPlaceholder(h.path(), THUMB));
        String name = h.path().getFileName() == null ? h.path().toString() : h.path().getFileName().toString();
        sb.append("<figure><img src=\"").append(uri).append("\" alt=\"").append(escape(name)).append("\" title=\"")
                .append(escape(h.path().toString())).append("\"><figcaption>")
                .append(String.format(Locale.ROOT, "%.4f", h.score())).append(" ").append(escape(name))
                .append("</figcaption></figure>\n");
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The papers' figure: one row of thumbnails per label, label on the left. */
    public static BufferedImage gridPng(String title, List<Row> rows, int thumb, int columns) {
        int pad = 6, labelWidth = 110, titleHeight = 28;
        int width = labelWidth + columns * (thumb + pad) + pad;
        int height = titleHeight + rows.size() * (thumb + pad) + pad;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, pad, 19);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < rows.size(); r++) {
            int y = titleHeight + r * (thumb + pad);
            g.setColor(Color.BLACK);
            g.drawString(rows.get(r).label(), pad, y + thumb / 2 + fm.getAscent() / 2);
            List<SearchService.Hit> hits = rows.get(r).hits();
            for (int c = 0; c < Math.min(columns, hits.size()); c++) {
                BufferedImage t = Thumbnails.thumbnailOrPlaceholder(hits.get(c).path(), thumb);
                int x = labelWidth + c * (thumb + pad);
                g.drawImage(t, x + (thumb - t.getWidth()) / 2, y + (thumb - t.getHeight()) / 2, null);
            }
        }
        g.dispose();
        return img;
    }

    /** For messages: a path as given. */
    static String name(Path p) {
        return p.toString();
    }
}
