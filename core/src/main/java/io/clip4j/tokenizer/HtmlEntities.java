package io.clip4j.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Tables generated once from Python 3.11's {@code html} module (see the header line of each resource):
 * the HTML5 named references, CPython's replacements for invalid numeric references, and ftfy's
 * upper-case entity extras.
 */
final class HtmlEntities {
    /** {@code html.entities.html5}: name (with or without its ';') to replacement text. */
    static final Map<String, String> HTML5 = load("html5_entities.tsv");
    /** {@code html._invalid_charrefs}: numeric reference to replacement text. */
    static final Map<Integer, String> INVALID_CHARREFS = toIntKeys(load("html_invalid_charrefs.tsv"));
    /** ftfy 6's extra entities: "NAME;" (an upper-cased lower-case name) to its upper-cased character(s). */
    static final Map<String, String> FTFY_UPPERCASE = load("ftfy_uppercase_entities.tsv");

    private HtmlEntities() {}

    private static Map<String, String> load(String resource) {
        Map<String, String> map = new HashMap<>();
        try (InputStream in = HtmlEntities.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder value = new StringBuilder();
                for (String hex : line.substring(tab + 1).split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                map.put(line.substring(0, tab), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }

    private static Map<Integer, String> toIntKeys(Map<String, String> m) {
        Map<Integer, String> out = new HashMap<>();
        m.forEach((k, v) -> out.put(Integer.parseInt(k, 16), v));
        return Map.copyOf(out);
    }
}
