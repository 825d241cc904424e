package io.clip4j.plot;

import io.clip4j.Clip4jException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A self-contained HTML page: title, sections, paragraphs, tables, preformatted text and images embedded as
 * {@code data:} URIs (PNG or JPEG), so the single file can be moved or mailed. All text is HTML-escaped.
 * Not thread-safe (build it on one thread).
 */
public final class HtmlReport {
    private final String title;
    private final StringBuilder body = new StringBuilder();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport section(String heading) {
        body.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlReport preformatted(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** A table; cells are shown with {@code String.valueOf} (floats and doubles with 4 significant digits). */
    public HtmlReport table(List<String> header, List<? extends List<?>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<?> row : rows) {
            body.append("<tr>");
            for (Object cell : row) {
                String s = cell instanceof Double || cell instanceof Float
                        ? String.format(Locale.ROOT, "%.4g", ((Number) cell).doubleValue())
                        : String.valueOf(cell);
                body.append(cell instanceof Number ? "<td class=\"n\">" : "<td>")
                        .append(escape(s))
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** An in-memory image, embedded as PNG. */
    public HtmlReport image(BufferedImage img, String alt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return embed(bytes.toByteArray(), "image/png", alt);
    }

    /** A PNG or JPEG file, embedded as it is. */
    public HtmlReport image(Path file, String alt) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Clip4jException(
                    file + ": cannot read image (" + e.getClass().getSimpleName() + ")");
        }
        String mime;
        if (bytes.length > 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            mime = "image/png";
        } else if (bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
            mime = "image/jpeg";
        } else {
            throw new Clip4jException(file + ": not a PNG or JPEG image");
        }
        return embed(bytes, mime, alt);
    }

    private HtmlReport embed(byte[] bytes, String mime, String alt) {
        body.append("<figure><img alt=\"")
                .append(escape(alt))
                .append("\" src=\"data:")
                .append(mime)
                .append(";base64,")
                .append(Base64.getEncoder().encodeToString(bytes))
                .append("\"><figcaption>")
                .append(escape(alt))
                .append("</figcaption></figure>\n");
        return this;
    }

    public String toHtml() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\nbody{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\n"
                + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.25em .6em}"
                + "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}\n"
                + "img{max-width:100%;image-rendering:auto}figure{margin:1em 0}figcaption{color:#666;font-size:.9em}\n"
                + "pre{background:#f6f6f6;padding:.5em;overflow:auto}\n</style>\n</head>\n<body>\n<h1>" + escape(title)
                + "</h1>\n" + body + "</body>\n</html>\n";
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, toHtml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Clip4jException(file + ": cannot write (" + e.getClass().getSimpleName() + ")");
        }
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
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
}
