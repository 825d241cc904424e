package io.clip4j.solr;

import io.clip4j.Clip4jException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a clip4j collection is: one or more node addresses of a SolrCloud cluster (any live one is enough to
 * learn the rest) and the collection's name.
 *
 * @param urls       the nodes' base URLs, each ending in the Solr context ({@code http://host:8983/solr})
 * @param collection the collection's name
 */
public record SolrTarget(List<String> urls, String collection) {
    public SolrTarget {
        if (urls.isEmpty()) throw new Clip4jException("--solr: no Solr URL given");
        if (collection == null || !collection.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
            throw new Clip4jException(
                    "--collection: '" + collection + "' is not a Solr collection name (letters, digits, . _ -)");
        }
        urls = List.copyOf(urls);
    }

    /**
     * Parses {@code --solr}: comma-separated node URLs; a URL without a path gets Solr's usual {@code /solr}, so
     * {@code http://localhost:8983} works.
     */
    public static SolrTarget parse(String solrUrls, String collection) {
        List<String> urls = new ArrayList<>();
        for (String part : solrUrls.split(",")) {
            String s = part.strip();
            if (!s.isEmpty()) urls.add(normalize(s));
        }
        return new SolrTarget(urls, collection);
    }

    private static String normalize(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Clip4jException("--solr: '" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new Clip4jException(
                    "--solr: '" + url + "' is not an http(s) URL of a Solr node (e.g. http://localhost:8983/solr)");
        }
        String s = url.replaceAll("/+$", "");
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return path.isEmpty() ? s + "/solr" : s;
    }

    /** For messages: {@code collection C at URL}. */
    @Override
    public String toString() {
        return "collection " + collection + " at " + String.join(",", urls);
    }
}
