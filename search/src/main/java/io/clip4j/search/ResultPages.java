package io.clip4j.search;

import io.clip4j.image.Thumbnails;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Self-contained HTML pages (thumbnails inline as JPEG data URIs) and the textness grid as a PNG. */
public final class ResultPages {
    /** Thumbnail side in the HTML pages: tiles show them at 180 px (cropped square), sharp on 1.4x screens. */
    public static final int THUMB = 256;

    private static final String CSS = stylesheet();

    private ResultPages() {}

    /** One row of a grid: a label and its results. */
    public record Row(String label, List<SearchService.Hit> hits) {}

    /** The results of one query: a grid of tiles, best first, each a link to the full image. */
    public static String resultsHtml(String title, List<SearchService.Hit> hits) {
        StringBuilder sb = head(title);
        sb.append("<p class=\"about\">")
                .append(hits.size())
                .append(hits.size() == 1 ? " result" : " results")
                .append(", best first; a click opens the image.</p>\n");
        tiles(sb, hits);
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** Several labelled rows of results (the textness grid: one row per scale). */
    public static String gridHtml(String title, List<Row> rows) {
        StringBuilder sb = head(title);
        for (Row r : rows) {
            sb.append("<h2>").append(escape(r.label())).append("</h2>\n");
            tiles(sb, r.hits());
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static StringBuilder head(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n");
        return sb;
    }

    private static void tiles(StringBuilder sb, List<SearchService.Hit> hits) {
        sb.append("<div class=\"results\">\n");
        for (int i = 0; i < hits.size(); i++) tile(sb, i + 1, hits.get(i));
        sb.append("</div>\n");
    }

    private static void tile(StringBuilder sb, int rank, SearchService.Hit h) {
        String uri = Thumbnails.jpegDataUri(Thumbnails.thumbnailOrPlaceholder(h.path(), THUMB));
        String caption = escape(caption(h.path()));
        sb.append("<a class=\"tile\" href=\"")
                .append(escape(h.path().toAbsolutePath().toUri().toString()))
                .append("\" title=\"")
                .append(escape(h.path().toString()))
                .append("\"><img src=\"")
                .append(uri)
                .append("\" alt=\"")
                .append(caption)
                .append("\"><span class=\"meta\"><span class=\"rank\">")
                .append(rank)
                .append("</span><span class=\"name\">")
                .append(caption)
                .append("</span><span class=\"score\">")
                .append(String.format(Locale.ROOT, "%.3f", h.score()))
                .append("</span></span></a>\n");
    }

    /** The folder and file name, as the search page shows them: enough to tell apart the many IMG_0001.jpg of a library. */
    static String caption(Path p) {
        Path name = p.getFileName(),
                parent = p.getParent() == null ? null : p.getParent().getFileName();
        if (name == null) return p.toString();
        return parent == null ? name.toString() : parent + "/" + name;
    }

    private static String stylesheet() {
        try (InputStream in = ResultPages.class.getResourceAsStream("results.css")) {
            if (in == null) throw new IllegalStateException("results.css is missing from the clip4j-search jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
